/**
 * `--format json`: { tool, version, inputs, summary: { high, medium, low }, findings: [{ rule,
 * severity, file, line, message, why, diff?, url? }], probe?: { url, sent, errors }, notes?: [...] } (README: doctor).
 */
import { SEVERITIES, type Finding } from '../finding.js';

export interface JsonProbe {
  url: string;
  sent: number;
  errors: string[];
}

export function jsonReport(findings: Finding[], meta: { version: string; inputs: string[]; probe?: JsonProbe; notes?: string[] }): string {
  return `${JSON.stringify(
    {
      tool: 'generator-django-static doctor',
      version: meta.version,
      inputs: meta.inputs,
      summary: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])),
      findings: findings.map(({ rule, severity, file, line, message, why, diff, url }) => ({ rule, severity, file, line, message, why, ...(diff ? { diff } : {}), ...(url ? { url } : {}) })),
      ...(meta.probe ? { probe: meta.probe } : {}),
      ...(meta.notes?.length ? { notes: meta.notes } : {}),
    },
    null,
    2,
  )}\n`;
}
