/**
 * `doctor` as a command: options in, report text and exit status out (0 clean, 1 findings at
 * or above --fail-on, 2 bad input with a one-line error). The Yeoman shell only prints it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { atLeast, SEVERITIES, type Severity } from './finding.js';
import { probeServer, parseTarget } from './probe.js';
import { jsonReport, type JsonProbe } from './report/json.js';
import { sarifReport } from './report/sarif.js';
import { textReport } from './report/text.js';
import { RULES } from './rules/index.js';
import { diagnose, DoctorInputError, gatherFacts } from './run.js';
import { shown } from './rule.js';

export const FORMATS = ['text', 'json', 'sarif'] as const;

export interface DoctorOptions {
  root: string;
  nginx?: string;
  /** A file, or '-' for standard input. */
  nginxDump?: string;
  format?: string;
  failOn?: string;
  url?: string;
  /** The compose file to read (else the production-looking one). */
  compose?: string;
  readStdin?: () => string;
}

export interface DoctorOutcome {
  output: string;
  exitCode: 0 | 1 | 2;
  /** The one-line error of exit status 2. */
  error?: string;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorOutcome> {
  try {
    return await diagnoseAndReport(options);
  } catch (error) {
    if (error instanceof DoctorInputError) return { output: '', exitCode: 2, error: error.message.split('\n')[0] };
    throw error;
  }
}

async function diagnoseAndReport(options: DoctorOptions): Promise<DoctorOutcome> {
  const format = options.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new DoctorInputError(`--format ${format}: give one of ${FORMATS.join(', ')}`);
  const failOn = (options.failOn ?? 'high') as Severity;
  if (!SEVERITIES.includes(failOn)) throw new DoctorInputError(`--fail-on ${options.failOn}: give one of ${SEVERITIES.join(', ')}`);
  if (options.nginx && options.nginxDump) throw new DoctorInputError('give --nginx or --nginx-dump, not both');
  const target = options.url ? parseTarget(options.url) : undefined;

  const facts = gatherFacts({ root: options.root, nginx: options.nginx, compose: options.compose, nginxDump: options.nginxDump === undefined ? undefined : readDump(options) });
  const findings = diagnose(facts);
  let probe: JsonProbe | undefined;
  const notes = facts.nginx.notes.map((note) => `note: ${shownNote(note, options.root)}`);
  if (facts.compose?.choice) notes.push(`note: ${facts.compose.choice}`);
  if (target) {
    const report = await probeServer(target, facts);
    findings.push(...report.findings);
    probe = { url: target.origin, sent: report.sent, errors: report.errors };
    notes.push(`live probe of ${target.origin}: ${report.sent} requests, ${report.findings.length} leak${report.findings.length === 1 ? '' : 's'}${report.errors.length ? `, ${report.errors.length} unanswered (${report.errors[0]})` : ''}`);
  }
  const inputs = [...facts.nginx.texts.keys()].map((file) => shown(file, options.root));
  if (facts.django) inputs.push(`Django settings ${facts.django.settingsModule}${facts.django.subfolder ? ` (in ${facts.django.subfolder}/)` : ''}`);
  if (facts.compose) inputs.push(facts.compose.file);
  const version = (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  const output =
    format === 'json' ? jsonReport(findings, { version, inputs, probe, notes }) : format === 'sarif' ? sarifReport(findings, RULES, version) : textReport(findings, inputs, notes);
  return { output, exitCode: findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0 };
}

const shownNote = (note: string, root: string) => note.replaceAll(`${root}${path.sep}`, '');

function readDump(options: DoctorOptions): string {
  const source = options.nginxDump!;
  if (source === '-') return (options.readStdin ?? (() => fs.readFileSync(0, 'utf8')))();
  try {
    return fs.readFileSync(path.resolve(options.root, source), 'utf8');
  } catch {
    throw new DoctorInputError(`--nginx-dump ${source}: no such file`);
  }
}
