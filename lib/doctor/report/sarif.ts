/**
 * `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it ("SARIF support for code
 * scanning"): per rule a short and full description, help text (required there) and helpUri,
 * the `security` tag and a security-severity score; per result its file:line (a live probe's
 * too: the location that serves the leaking URL), partialFingerprints that survive edits
 * elsewhere in the file, and the fix as SARIF `fixes` (artifact changes), not only as text.
 * GitHub reads the score from the rule, so a result less serious than its rule's default gets
 * a sub-rule ("static-via-gunicorn/low"), and each result also carries its own score.
 * Validated in the tests against the official schema (vendor/sarif-schema) and GitHub's list.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding, Fix, Severity } from '../finding.js';
import { splitLines } from '../lines.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
/** GitHub's bands: 7.0-8.9 High, 4.0-6.9 Medium, 0.1-3.9 Low. */
const SCORE: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '2.0' };
const PRECISION: Record<Severity, string> = { high: 'high', medium: 'high', low: 'medium' };

export const HELP_URI = 'https://www.npmjs.com/package/generator-django-static#doctor-diagnose-a-hand-made-setup';

export interface SarifRule {
  id: string;
  severity: Severity;
  title: string;
  why: string;
}

interface Descriptor extends SarifRule {
  /** For a sub-rule: the rule it refines. */
  parent?: string;
}

/** A path as SARIF names an artifact: relative to the repository root (the folder doctor read), else a file: URI. */
const uriOf = (file: string) => (path.isAbsolute(file) ? `file://${file}` : file.split(path.sep).join('/'));

export function sarifReport(findings: Finding[], rules: SarifRule[], version: string, textOf: (file: string) => string | undefined, root: string): string {
  const descriptors = new Map<string, Descriptor>(rules.map((rule) => [rule.id, rule]));
  const ruleIdOf = (finding: Finding) => {
    const rule = descriptors.get(finding.rule);
    if (!rule) {
      descriptors.set(finding.rule, { id: finding.rule, severity: finding.severity, title: finding.rule, why: finding.why });
      return finding.rule;
    }
    if (rule.parent || rule.severity === finding.severity) return finding.rule;
    const id = `${finding.rule}/${finding.severity}`;
    if (!descriptors.has(id)) descriptors.set(id, { ...rule, id, severity: finding.severity, parent: finding.rule });
    return id;
  };
  const ids = findings.map(ruleIdOf);
  const order = [...descriptors.keys()];
  const seen = new Map<string, number>();
  const results = findings.map((finding, i) => {
    const lineText = finding.line > 0 ? (splitLines(textOf(path.resolve(root, finding.file)) ?? '')[finding.line - 1] ?? '').trim() : '';
    // The same rule on the same text in the same file: numbered, as GitHub's own hash does.
    const key = `${ids[i]}\0${finding.file}\0${lineText}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const fixes = finding.fixes ?? (finding.fix ? [finding.fix] : []);
    return {
      ruleId: ids[i]!,
      ruleIndex: order.indexOf(ids[i]!),
      level: LEVEL[finding.severity],
      message: {
        text: `${finding.message}. ${finding.why}`,
        ...(finding.diff ? { markdown: `${finding.message}. ${finding.why}\n\n\`\`\`diff\n${finding.diff}\`\`\`` } : {}),
      },
      locations: [{ physicalLocation: { artifactLocation: { uri: uriOf(finding.file) }, region: { startLine: Math.max(finding.line, 1) } } }],
      partialFingerprints: { primaryLocationLineHash: `${createHash('sha256').update(key).digest('hex').slice(0, 16)}:${occurrence}` },
      ...(fixes.length ? { fixes: [sarifFix(fixes, root, finding)] } : {}),
      properties: { 'security-severity': SCORE[finding.severity], ...(finding.url ? { url: finding.url } : {}) },
    };
  });
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'generator-django-static doctor',
            version,
            semanticVersion: version,
            informationUri: 'https://www.npmjs.com/package/generator-django-static',
            rules: [...descriptors.values()].map(descriptor),
          },
        },
        automationDetails: { id: 'django-static-doctor/' },
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function descriptor(rule: Descriptor) {
  const help = `${rule.why}\n\nRun \`npx generator-django-static doctor\` to see the fix as a diff of your file, \`--fix-dry-run\` to get every fix as one patch, or \`--fix\` to apply them.`;
  return {
    id: rule.id,
    name: rule.id.replace(/(^|[-/])(\w)/g, (_, __, c: string) => c.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.why },
    help: { text: help, markdown: help },
    helpUri: HELP_URI,
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: ['security', rule.id.startsWith('live-') ? 'live-probe' : 'configuration'],
      precision: PRECISION[rule.severity],
      'problem.severity': rule.severity === 'high' ? 'error' : rule.severity === 'medium' ? 'warning' : 'recommendation',
      'security-severity': SCORE[rule.severity],
    },
    ...(rule.parent ? { relationships: [{ target: { id: rule.parent }, kinds: ['relevant'] }] } : {}),
  };
}

/** A fix as SARIF artifact changes: each edit replaces whole lines (from the start of its line to the start of the line after it). */
function sarifFix(fixes: Fix[], root: string, finding: Finding) {
  return {
    description: { text: `Fix for ${finding.rule} at ${finding.file}:${finding.line}` },
    artifactChanges: fixes.map((fix) => {
      const relative = path.isAbsolute(fix.file) ? path.relative(root, fix.file) : fix.file;
      const uri = relative.startsWith('..') || path.isAbsolute(relative) ? uriOf(fix.file) : uriOf(relative);
      return {
        artifactLocation: { uri },
        replacements: [...fix.edits]
          .sort((a, b) => a.line - b.line)
          .map((edit) => ({
            deletedRegion: { startLine: edit.line, startColumn: 1, endLine: edit.line + edit.remove, endColumn: 1 },
            ...(edit.insert.length ? { insertedContent: { text: edit.insert.map((line) => `${line}\n`).join('') } } : {}),
          })),
      };
    }),
  };
}
