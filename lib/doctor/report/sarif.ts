/**
 * `--format sarif`: SARIF 2.1.0, so code-scanning tools show findings inline. One run, one
 * rule per doctor rule, results at file:line with the fix's diff in the message's markdown.
 * Validated in the tests against the official schema (vendor/sarif-schema).
 */
import type { Finding, Severity } from '../finding.js';
import type { Rule } from '../rule.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
const SCORE: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '2.0' };

export function sarifReport(findings: Finding[], rules: Pick<Rule, 'id' | 'title' | 'why' | 'severity'>[], version: string): string {
  const all = [...rules, ...findings.filter((f) => !rules.some((r) => r.id === f.rule)).map((f) => ({ id: f.rule, title: f.rule, why: f.why, severity: f.severity }))];
  const unique = [...new Map(all.map((rule) => [rule.id, rule])).values()];
  const log = {
    $schema: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'generator-django-static doctor',
            version,
            informationUri: 'https://www.npmjs.com/package/generator-django-static',
            rules: unique.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: rule.title },
              fullDescription: { text: rule.why },
              defaultConfiguration: { level: LEVEL[rule.severity] },
              properties: { 'security-severity': SCORE[rule.severity] },
            })),
          },
        },
        results: findings.map((finding) => ({
          ruleId: finding.rule,
          ruleIndex: unique.findIndex((rule) => rule.id === finding.rule),
          level: LEVEL[finding.severity],
          message: {
            text: `${finding.message}. ${finding.why}`,
            ...(finding.diff ? { markdown: `${finding.message}. ${finding.why}\n\n\`\`\`diff\n${finding.diff}\`\`\`` } : {}),
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: finding.file.startsWith('/') ? `file://${finding.file}` : finding.file },
                ...(finding.line > 0 ? { region: { startLine: finding.line } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
