/**
 * doctor's SARIF against the official 2.1.0 schema (vendored) and against what GitHub code
 * scanning documents it needs ("SARIF support for code scanning", docs.github.com: the
 * properties it marks required, and the ones it reads for severity, fingerprints and help).
 */
import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

const schema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../vendor/sarif-schema/sarif-schema-2.1.0.json'), 'utf8'));

/**
 * GitHub's documented requirements, as paths into each object. "Required" in its tables: the
 * log's version and runs, the driver's name, each rule's id, shortDescription.text,
 * fullDescription.text and help.text, each result's message.text and a location whose
 * physicalLocation has artifactLocation.uri and region.startLine. Read as well: ruleId,
 * helpUri, partialFingerprints (to keep one alert across runs), properties.tags with "security"
 * for properties.security-severity (a number from 0.0 to 10.0, given as a string) to count.
 */
const GITHUB = {
  log: ['version', 'runs'],
  run: ['tool.driver.name', 'results'],
  rule: ['id', 'shortDescription.text', 'fullDescription.text', 'help.text', 'helpUri', 'properties.tags', 'properties.security-severity'],
  result: ['ruleId', 'message.text', 'locations.0.physicalLocation.artifactLocation.uri', 'locations.0.physicalLocation.region.startLine', 'partialFingerprints.primaryLocationLineHash'],
};

const at = (object: unknown, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), object);

/** The seed plus what makes a low and a high finding of one rule (static-via-gunicorn with WhiteNoise is low). */
function project(): string {
  const settings = `${handMadeSettings('static')}MIDDLEWARE = ["whitenoise.middleware.WhiteNoiseMiddleware"]\n`;
  const root = handMadeProject(settings, { 'secret.txt': 'x\n' });
  fs.writeFileSync(
    path.join(root, 'site.conf'),
    `server {\n    listen 127.0.0.1:19399;\n    server_name localhost;\n\n    location /assets {\n        autoindex on;\n        alias ${root}/staticfiles/;\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n`,
  );
  return root;
}

describe('SARIF for GitHub code scanning', () => {
  it('is valid against the official schema and carries every property GitHub requires or reads', async () => {
    const root = project();
    const sarif = JSON.parse((await runDoctor({ root, nginx: 'site.conf', format: 'sarif' })).output);
    const validate = new AjvDraft04.default({ strict: false, validateFormats: false }).compile(schema);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);

    for (const key of GITHUB.log) expect(at(sarif, key), key).toBeDefined();
    const [run] = sarif.runs;
    for (const key of GITHUB.run) expect(at(run, key), key).toBeDefined();
    const rules = run.tool.driver.rules as Record<string, unknown>[];
    for (const rule of rules) {
      for (const key of GITHUB.rule) expect(at(rule, key), `${rule['id']}: ${key}`).toBeDefined();
      expect(at(rule, 'properties.tags')).toContain('security');
      const score = Number(at(rule, 'properties.security-severity'));
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(10);
      expect(String(at(rule, 'help.text')).length).toBeGreaterThan(20);
    }
    expect(run.results.length).toBeGreaterThan(3);
    for (const result of run.results) {
      for (const key of GITHUB.result) expect(at(result, key), `${result.ruleId}: ${key}`).toBeDefined();
      expect(rules[result.ruleIndex]!['id']).toBe(result.ruleId);
      expect(result.locations[0].physicalLocation.artifactLocation.uri).not.toMatch(/^[a-z]+:/); // relative to the repository
    }
  });

  it('scores each result by its own severity: a low result of a high rule is a low sub-rule, not High', async () => {
    const sarif = JSON.parse((await runDoctor({ root: project(), nginx: 'site.conf', format: 'sarif' })).output);
    const [run] = sarif.runs;
    const low = run.results.find((r: { ruleId: string }) => r.ruleId.startsWith('static-via-gunicorn'));
    expect(low.ruleId).toBe('static-via-gunicorn/low');
    expect(low.properties['security-severity']).toBe('2.0');
    expect(low.level).toBe('note');
    const rule = run.tool.driver.rules[low.ruleIndex];
    expect([rule.properties['security-severity'], rule.defaultConfiguration.level, rule.relationships[0].target.id]).toEqual(['2.0', 'note', 'static-via-gunicorn']);
    const high = run.results.find((r: { ruleId: string }) => r.ruleId === 'alias-traversal');
    expect([high.properties['security-severity'], run.tool.driver.rules[high.ruleIndex].properties['security-severity']]).toEqual(['8.0', '8.0']);
  });

  it('keeps fingerprints when lines move, and gives the fix as artifact changes that rebuild the fixed file', async () => {
    const root = project();
    const fingerprints = async () => {
      const [run] = JSON.parse((await runDoctor({ root, nginx: 'site.conf', format: 'sarif' })).output).runs;
      return new Map(run.results.map((r: { ruleId: string; partialFingerprints: { primaryLocationLineHash: string } }) => [r.ruleId, r.partialFingerprints.primaryLocationLineHash]));
    };
    const before = await fingerprints();
    const site = path.join(root, 'site.conf');
    fs.writeFileSync(site, `# moved down by a comment\n\n${fs.readFileSync(site, 'utf8')}`);
    expect(await fingerprints()).toEqual(before);

    const [run] = JSON.parse((await runDoctor({ root, nginx: 'site.conf', format: 'sarif' })).output).runs;
    const autoindex = run.results.find((r: { ruleId: string }) => r.ruleId === 'autoindex-on');
    const [change] = autoindex.fixes[0].artifactChanges;
    expect(change.artifactLocation.uri).toBe('site.conf');
    // Applying the replacements (whole lines) gives what the diff gives.
    const lines = fs.readFileSync(site, 'utf8').split('\n');
    for (const r of [...change.replacements].reverse()) {
      const inserted = r.insertedContent ? r.insertedContent.text.replace(/\n$/, '').split('\n') : [];
      lines.splice(r.deletedRegion.startLine - 1, r.deletedRegion.endLine - r.deletedRegion.startLine, ...inserted);
    }
    expect(lines.join('\n')).toContain('        autoindex off;');
    expect(lines.join('\n')).not.toContain('autoindex on');
  });

  it('attaches a live probe result to the configuration line that serves the URL, never to an http:// location', async () => {
    const root = project();
    const { sarifReport } = await import('../../lib/doctor/report/sarif.js');
    const text = sarifReport(
      [{ rule: 'live-listing', severity: 'medium', file: 'site.conf', line: 5, url: 'http://127.0.0.1:19399/assets/', message: 'GET http://127.0.0.1:19399/assets/: a listing', why: 'Why.' }],
      [],
      '0.0.0',
      (file) => fs.readFileSync(file, 'utf8'),
      root,
    );
    const [result] = JSON.parse(text).runs[0].results;
    expect(result.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'site.conf' }, region: { startLine: 5 } });
    expect(text).not.toMatch(/"uri": "http/);
  });
});
