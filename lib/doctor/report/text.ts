/** The readable report: grouped by severity, each finding with where, why and the fix. */
import { SEVERITIES, type Finding } from '../finding.js';

export const WAY_OUT = '`yo django-static` writes a stack that avoids all of these.';

export const textReport = (findings: Finding[], inputs: string[], notes: string[] = []): string => [...textReportChunks(findings, inputs, notes)].join('');

/** The report a finding at a time (one string per finding, not one per line: a report of 10,000 servers has hundreds of thousands of lines). */
export function* textReportChunks(findings: Finding[], inputs: string[], notes: string[] = []): Generator<string> {
  const out: string[] = [];
  const counts = SEVERITIES.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  out.push(
    findings.length === 0
      ? `doctor: no findings in ${inputs.join(', ')}`
      : `doctor: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${counts.map(([s, n]) => `${n} ${s}`).join(', ')}) in ${inputs.join(', ')}`,
  );
  for (const severity of SEVERITIES) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push('', severity.toUpperCase());
    for (const finding of group) {
      const fix = finding.diff ? `\n    fix:\n      ${finding.diff.trimEnd().replaceAll('\n', '\n      ')}` : '';
      yield `${out.join('\n')}\n`;
      out.length = 0;
      out.push(`  ${finding.file}${finding.line ? `:${finding.line}` : ''}  [${finding.rule}]\n    ${finding.message}\n    why: ${finding.why}${fix}`);
    }
  }
  if (notes.length) out.push('', ...notes);
  if (findings.length > 0) out.push('', WAY_OUT);
  yield `${out.join('\n')}\n`;
}
