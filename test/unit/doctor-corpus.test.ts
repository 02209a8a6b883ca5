/**
 * doctor on the corpus of real Django deployments' nginx configs (shapes reproduced in
 * test/corpus/nginx, sources in SOURCES.md), against the labels a person gave each finding
 * (labels.json). Every finding must be labelled; precision, recomputed from doctor's current
 * output, must stay at 95% or more; a finding labelled true must not silently disappear.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS, corpusFindings } from '../fixtures/corpus.js';

type Labels = Record<string, Record<string, { true: boolean; severity: string; why: string }>>;
const labels = JSON.parse(fs.readFileSync(path.join(CORPUS, 'labels.json'), 'utf8')) as Labels;
const found = corpusFindings();

describe('doctor on the nginx corpus', () => {
  it('has at least 20 configs, each with its source recorded', () => {
    const sources = fs.readFileSync(path.join(CORPUS, 'SOURCES.md'), 'utf8');
    expect(found.size).toBeGreaterThanOrEqual(20);
    for (const file of found.keys()) expect(sources, file).toMatch(new RegExp(`\\| ${file.replace('.', '\\.')} \\| [\\w.-]+/[\\w.-]+ \\| .+ \\| [0-9a-f]{40} \\|`));
  });

  it('every finding is labelled by hand, at the severity it was labelled at', () => {
    const unlabelled = [...found].flatMap(([file, findings]) => findings.filter((f) => !labels[file]?.[f.key]).map((f) => `${file} ${f.key} ${f.severity} ${f.message}`));
    expect(unlabelled).toEqual([]);
    const moved = [...found].flatMap(([file, findings]) =>
      findings.filter((f) => labels[file]![f.key]!.severity !== f.severity).map((f) => `${file} ${f.key}: ${f.severity}, labelled ${labels[file]![f.key]!.severity}`),
    );
    expect(moved).toEqual([]);
  });

  it('keeps every finding labelled true (no silent loss of recall)', () => {
    const lost = Object.entries(labels).flatMap(([file, byKey]) =>
      Object.entries(byKey)
        .filter(([key, label]) => label.true && !found.get(file)?.some((f) => f.key === key))
        .map(([key]) => `${file} ${key}`),
    );
    expect(lost).toEqual([]);
  });

  it('precision is at least 95%, on all findings and on the defects alone', () => {
    const all = [...found].flatMap(([file, findings]) => findings.map((f) => ({ ...f, label: labels[file]![f.key]! })));
    const precision = (list: typeof all) => list.filter((f) => f.label.true).length / list.length;
    expect(all.length).toBeGreaterThanOrEqual(100);
    expect(precision(all)).toBeGreaterThanOrEqual(0.95);
    const defects = all.filter((f) => !f.label.why.includes('(hardening)'));
    expect(defects.length).toBeGreaterThanOrEqual(40);
    expect(precision(defects)).toBeGreaterThanOrEqual(0.95);
  });
});
