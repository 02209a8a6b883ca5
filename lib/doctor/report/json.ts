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

type JsonMeta = { version: string; inputs: string[]; probe?: JsonProbe; notes?: string[] };

export const jsonReport = (findings: Finding[], meta: JsonMeta): string => [...jsonReportChunks(findings, meta)].join('');

/**
 * The same text as JSON.stringify(report, null, 2), a finding at a time: at 10,000 servers the
 * whole report is 10 MB, built once as a string and once more as the bytes written.
 */
export function* jsonReportChunks(findings: Finding[], meta: JsonMeta): Generator<string> {
  const nested = (value: unknown) => JSON.stringify(value, null, 2).replaceAll('\n', '\n  ');
  const head = {
    tool: 'generator-django-static doctor',
    version: meta.version,
    inputs: meta.inputs,
    summary: Object.fromEntries(SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length])),
  };
  const tail = { ...(meta.probe ? { probe: meta.probe } : {}), ...(meta.notes?.length ? { notes: meta.notes } : {}) };
  yield `{\n${Object.entries(head)
    .map(([key, value]) => `  ${JSON.stringify(key)}: ${nested(value)}`)
    .join(',\n')},\n  "findings": [`;
  for (const [i, { rule, severity, file, line, message, why, diff, url }] of findings.entries()) {
    const item = { rule, severity, file, line, message, why, ...(diff ? { diff } : {}), ...(url ? { url } : {}) };
    yield `${i ? ',' : ''}\n    ${JSON.stringify(item, null, 2).replaceAll('\n', '\n    ')}`;
  }
  yield findings.length ? '\n  ]' : ']';
  for (const [key, value] of Object.entries(tail)) yield `,\n  ${JSON.stringify(key)}: ${nested(value)}`;
  yield '\n}\n';
}
