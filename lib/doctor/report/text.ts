/** The readable report: grouped by severity, each finding with where, why and the fix. */
import { SEVERITIES, type Finding } from '../finding.js';

export const WAY_OUT = '`yo django-static` writes a stack that avoids all of these.';

export function textReport(findings: Finding[], inputs: string[], notes: string[] = []): string {
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
    // One string per finding (not one per line): a report of 10,000 servers has hundreds of thousands of lines.
    for (const finding of group) {
      const fix = finding.diff ? `\n    fix:\n      ${finding.diff.trimEnd().replaceAll('\n', '\n      ')}` : '';
      out.push(`  ${finding.file}${finding.line ? `:${finding.line}` : ''}  [${finding.rule}]\n    ${finding.message}\n    why: ${finding.why}${fix}`);
    }
  }
  if (notes.length) out.push('', ...notes);
  if (findings.length > 0) out.push('', WAY_OUT);
  return `${out.join('\n')}\n`;
}
