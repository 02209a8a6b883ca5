/**
 * `doctor` as a command: options in, report text and exit status out (0 clean, 1 findings at
 * or above --fail-on, 2 bad input with a one-line error). The Yeoman shell only prints it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../package-root.js';
import { atLeast, SEVERITIES, type Severity } from './finding.js';
import { probeServer, parseTarget, PROBE_RULES } from './probe.js';
import { jsonReportChunks, type JsonProbe } from './report/json.js';
import { sarifReport } from './report/sarif.js';
import { textReportChunks } from './report/text.js';
import { RULES } from './rules/index.js';
import { diagnose, DoctorInputError, gatherFacts, loadNginx, NGINX_REJECTS, type DoctorInput } from './run.js';
import { shown, type DoctorFacts } from './rule.js';
import { planDiff, planFixes, writeFixes, type FixPlan } from './fix.js';
import { validateNginx } from '../nginx/validate.js';
import { readText } from '../read-text.js';

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
  /** --fix: write the fixes into the files (inside root only), keeping FILE.orig. */
  fix?: boolean;
  /** --fix-dry-run: print the fixes as one patch, write nothing. */
  fixDryRun?: boolean;
  readStdin?: () => string;
  /** Where text and JSON reports go a finding at a time (then `output` is empty), instead of one string. */
  write?: (chunk: string) => void;
}

export interface DoctorOutcome {
  output: string;
  exitCode: 0 | 1 | 2;
  /** The one-line error of exit status 2. */
  error?: string;
  /** Lines for standard error beside the output (fixes left out, and why). */
  messages?: string[];
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

  if (options.fix && options.fixDryRun) throw new DoctorInputError('give --fix or --fix-dry-run, not both');
  if (options.fix && options.nginxDump !== undefined) throw new DoctorInputError('--fix writes files, and --nginx-dump has none: give --nginx <file|folder>');
  const input: DoctorInput = { root: options.root, nginx: options.nginx, compose: options.compose, nginxDump: options.nginxDump === undefined ? undefined : readDump(options) };
  let facts = gatherFacts(input);
  let findings = diagnose(facts);
  const textOf = (file: string) => facts.nginx.texts.get(file) ?? readText(path.resolve(options.root, file));
  const fixNotes: string[] = [];
  const messages: string[] = [];
  if (options.fix || options.fixDryRun) {
    const plan = planFixes(findings, textOf, options.root);
    messages.push(...plan.skipped.map(({ finding, reason }) => `not fixed: ${finding.file}:${finding.line} [${finding.rule}]: ${reason}`));
    if (options.fixDryRun) return { output: planDiff(plan, options.root), exitCode: findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0, messages };
    refuseBrokenNginx(plan, facts, input);
    const { written, backups } = writeFixes(plan);
    if (written.length > 0)
      fixNotes.push(
        `fixed ${plan.fixed.length} finding${plan.fixed.length === 1 ? '' : 's'} in ${written.map((file) => shown(file, options.root)).join(', ')}${backups.length ? ` (the originals: ${backups.map((file) => shown(file, options.root)).join(', ')})` : ''}`,
      );
    else fixNotes.push('nothing to fix: no finding has a fix that applies here');
    facts = gatherFacts(input);
    findings = diagnose(facts);
  }
  let probe: JsonProbe | undefined;
  const notes = [...fixNotes, ...facts.nginx.notes.map((note) => `note: ${shownNote(note, options.root)}`)];
  if (facts.compose?.choice) notes.push(`note: ${facts.compose.choice}`);
  if (target) {
    const report = await probeServer(target, facts);
    findings.push(...report.findings);
    probe = { url: target.origin, sent: report.sent, errors: report.errors };
    notes.push(
      `live probe of ${target.origin}: ${report.sent} requests, ${report.findings.length} leak${report.findings.length === 1 ? '' : 's'}${report.errors.length ? `, ${report.errors.length} unanswered (${report.errors[0]})` : ''}`,
    );
  }
  const inputs = [...facts.nginx.texts.keys()].map((file) => shown(file, options.root));
  if (facts.django) inputs.push(`Django settings ${facts.django.settingsModule}${facts.django.subfolder ? ` (in ${facts.django.subfolder}/)` : ''}`);
  if (facts.compose) inputs.push(facts.compose.file);
  const version = (JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  // Text and JSON need nothing more of the configuration: let its parsed directives go before the
  // report is built (at 10,000 servers, tens of MB the report would otherwise sit on top of).
  if (format !== 'sarif') facts = undefined as unknown as DoctorFacts;
  let output: string;
  if (format === 'sarif') output = sarifReport(findings, [...RULES, NGINX_REJECTS, ...PROBE_RULES], version, textOf, options.root);
  else {
    const chunks = format === 'json' ? jsonReportChunks(findings, { version, inputs, probe, notes }) : textReportChunks(findings, inputs, notes);
    if (options.write) {
      for (const chunk of chunks) options.write(chunk);
      output = '';
    } else output = [...chunks].join('');
  }
  return { output, exitCode: findings.some((f) => atLeast(f.severity, failOn)) ? 1 : 0, ...(messages.length ? { messages } : {}) };
}

/** Validate before writing: a fixed nginx file that no longer parses, or that nginx would now reject, stops --fix before any file is written. */
function refuseBrokenNginx(plan: FixPlan, facts: DoctorFacts, input: DoctorInput): void {
  const overrides = new Map([...plan.files].filter(([file]) => facts.nginx.texts.has(file)).map(([file, { after }]) => [file, after]));
  if (overrides.size === 0) return;
  let fixed;
  try {
    fixed = loadNginx(input, overrides);
  } catch (error) {
    throw new DoctorInputError(`--fix would leave the nginx configuration unreadable (${(error as Error).message}); nothing was written`);
  }
  const before = new Set(validateNginx(facts.nginx.directives).map((p) => p.message));
  const added = validateNginx(fixed.directives).find((problem) => !before.has(problem.message));
  if (added) throw new DoctorInputError(`--fix would make nginx reject ${shown(added.file, facts.root)}:${added.line} (${added.message}); nothing was written`);
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
