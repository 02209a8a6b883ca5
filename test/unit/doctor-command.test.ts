/**
 * doctor as a command, on the seed's hand-made config (`location /static { autoindex on;
 * alias .../staticfiles/; }`): the report, the formats (SARIF validated against the official
 * 2.1.0 schema, vendored), exit statuses and one-line errors.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import { WAY_OUT } from '../../lib/doctor/report/text.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

/** The seed: a blog post's static block, served from a folder that is not STATIC_ROOT. */
function seed(): string {
  const root = handMadeProject(handMadeSettings('static'), { 'secret.txt': 'top secret\n' });
  fs.writeFileSync(
    path.join(root, 'site.conf'),
    `server {\n    listen 127.0.0.1:19399;\n    server_name localhost;\n    server_tokens off;\n\n    location /static {\n        autoindex on;\n        alias ${root}/staticfiles/;\n    }\n}\n`,
  );
  return root;
}

const sarifSchema = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../vendor/sarif-schema/sarif-schema-2.1.0.json'), 'utf8'));

describe('doctor command', () => {
  it('finds the traversal, the listing and the path mismatch at their lines, each with a diff', async () => {
    const root = seed();
    const { output, exitCode } = await runDoctor({ root, nginx: 'site.conf' });
    expect(exitCode).toBe(1);
    expect(output).toContain('site.conf:6  [alias-traversal]');
    expect(output).toContain('site.conf:7  [autoindex-on]');
    expect(output).toContain('site.conf:8  [static-folder]');
    expect(output).toContain(`+        alias ${root}/static/;`);
    expect(output).toContain('+    location /static/ {');
    expect(output.indexOf('HIGH')).toBeLessThan(output.indexOf('MEDIUM'));
    expect(output.trimEnd().endsWith(WAY_OUT)).toBe(true);
  });

  it('writes JSON of the documented shape', async () => {
    const report = JSON.parse((await runDoctor({ root: seed(), nginx: 'site.conf', format: 'json' })).output);
    expect(Object.keys(report)).toEqual(['tool', 'version', 'inputs', 'summary', 'findings']);
    expect(report.summary).toEqual({ high: 2, medium: 1, low: 1 }); // dotfiles-served is hardening (low)
    for (const finding of report.findings) {
      expect(Object.keys(finding).slice(0, 6)).toEqual(['rule', 'severity', 'file', 'line', 'message', 'why']);
      expect(finding.diff).toMatch(/^--- a\/site\.conf\n\+\+\+ b\/site\.conf\n@@ /);
    }
  });

  it('validates against the pinned schema file', () => {
    const text = fs.readFileSync(path.join(import.meta.dirname, '../../vendor/sarif-schema/sarif-schema-2.1.0.json'));
    expect(createHash('sha256').update(text).digest('hex')).toBe('c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e');
  });

  it('writes SARIF 2.1.0 that the official schema accepts', async () => {
    const validate = new AjvDraft04.default({ strict: false, validateFormats: false }).compile(sarifSchema);
    const sarif = JSON.parse((await runDoctor({ root: seed(), nginx: 'site.conf', format: 'sarif' })).output);
    expect(validate(sarif), JSON.stringify(validate.errors)).toBe(true);
    const results = sarif.runs[0].results;
    expect(results.map((r: { ruleId: string }) => r.ruleId)).toContain('alias-traversal');
    expect(results[0].locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'site.conf' }, region: { startLine: 6 } });
    // The schema does catch a broken log.
    expect(validate({ ...sarif, version: '2.0.0' })).toBe(false);
  });

  it('exits 0 when nothing reaches --fail-on, 1 when something does', async () => {
    const root = seed();
    expect((await runDoctor({ root, nginx: 'site.conf', failOn: 'high' })).exitCode).toBe(1);
    fs.writeFileSync(path.join(root, 'site.conf'), `server {\n    server_tokens off;\n    location /static/ {\n        alias ${root}/static/;\n        location ~ /\\. { return 404; }\n    }\n}\n`);
    const clean = await runDoctor({ root, nginx: 'site.conf', failOn: 'low' });
    expect([clean.exitCode, clean.output]).toEqual([0, `doctor: no findings in site.conf, Django settings mysite.settings\n`]);
  });

  it('reads `nginx -T` from standard input', async () => {
    const root = seed();
    const dump = `nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n# configuration file /etc/nginx/nginx.conf:\nhttp { include /etc/nginx/sites-enabled/*; }\n\n# configuration file /etc/nginx/sites-enabled/app:\n${fs.readFileSync(path.join(root, 'site.conf'), 'utf8')}`;
    const { output, exitCode } = await runDoctor({ root, nginxDump: '-', readStdin: () => dump });
    expect(exitCode).toBe(1);
    expect(output).toContain('/etc/nginx/sites-enabled/app:6  [alias-traversal]');
  });

  it('gives bad input exit status 2 and one line', async () => {
    const root = seed();
    fs.writeFileSync(path.join(root, 'broken.conf'), 'server {\n  listen 80\n');
    const cases = [
      [{ nginx: 'missing.conf' }, /^missing\.conf: no such file or folder$/],
      [{ nginx: 'broken.conf' }, /^broken\.conf:3: unexpected end of file, expecting ";" or "}"$/],
      [{ nginx: 'site.conf', format: 'xml' }, /^--format xml: give one of text, json, sarif$/],
      [{ nginx: 'site.conf', failOn: 'urgent' }, /^--fail-on urgent: give one of high, medium, low$/],
      [{ nginxDump: 'nope.txt' }, /^--nginx-dump nope\.txt: no such file$/],
      [{ nginx: 'site.conf', url: 'ftp://127.0.0.1' }, /only http:\/\//],
    ] as const;
    for (const [options, message] of cases) {
      const outcome = await runDoctor({ root, ...options });
      expect(outcome.exitCode).toBe(2);
      expect(outcome.output).toBe('');
      expect(outcome.error).toMatch(message);
      expect(outcome.error).not.toContain('\n');
    }
  });
});
