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
    for (const finding of group) {
      out.push(`  ${finding.file}${finding.line ? `:${finding.line}` : ''}  [${finding.rule}]`, `    ${finding.message}`, `    why: ${finding.why}`);
      if (finding.diff) out.push('    fix:', ...finding.diff.trimEnd().split('\n').map((line) => `      ${line}`));
    }
  }
  if (notes.length) out.push('', ...notes);
  if (findings.length > 0) out.push('', WAY_OUT);
  return `${out.join('\n')}\n`;
}
