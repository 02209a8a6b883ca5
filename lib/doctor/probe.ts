/**
 * `--url`: proves what the static rules suspect, on the server the user names and nowhere
 * else. Paths are sent as written (no normalising: "/static../x" must reach nginx as is),
 * at most MAX_REQUESTS of them, each bounded in time and the whole run too.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileServerAnswered, folderAbove } from '../nginx/rules.js';
import { send, type ProbeResponse } from '../probe/http-probe.js';
import type { Finding, Severity } from './finding.js';
import { shown, type DoctorFacts } from './rule.js';
import { staticAndMedia } from './rules/served.js';
import { DoctorInputError } from './run.js';

export const MAX_REQUESTS = 24;
const REQUEST_TIMEOUT_MS = 5_000;
const TOTAL_TIMEOUT_MS = 30_000;

export interface Target {
  host: string;
  port: number;
  origin: string;
}

export function parseTarget(url: string): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DoctorInputError(`--url ${url}: not a URL; give http://host:port`);
  }
  if (parsed.protocol !== 'http:') throw new DoctorInputError(`--url ${url}: only http:// is probed (put the address nginx listens on behind TLS)`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(parsed.port || 80), origin: parsed.origin };
}

interface Probe {
  path: string;
  rule: string;
  /** The configuration line the probed path comes from (the location, or STATIC_URL). */
  source: { file: string; line: number };
  /** A path beside it that no file answers, when the answer alone does not tell. */
  control?: string;
  /** Whether the answer shows a leak, and what leaked. */
  leaked(response: ProbeResponse, control?: ProbeResponse): string | undefined;
}

/** Names of a few files in a local folder (beside or inside a served folder), when this machine has it. */
function namesIn(folder: string, pick: (name: string) => boolean, limit: number): string[] {
  try {
    return fs
      .readdirSync(folder, { withFileTypes: true })
      .filter((e) => e.isFile() && pick(e.name))
      .map((e) => e.name)
      .sort()
      .slice(0, limit);
  } catch {
    return [];
  }
}

/** The probes for each static/media prefix nginx serves: traversal, listing, dotfiles. */
export function plan(facts: DoctorFacts): Probe[] {
  const served = staticAndMedia(facts);
  type Base = { folder: string; source: Probe['source'] };
  const bases = [
    ...new Map(
      served.map((s): [string, Base] => [s.location.uri.replace(/\/+$/, ''), { folder: s.folder.replace(/\/+$/, ''), source: { file: s.location.directive.file, line: s.location.directive.line } }]),
    ).entries(),
  ].slice(0, 3);
  const staticUrl = facts.django?.settings.get('STATIC_URL');
  if (bases.length === 0 && facts.django?.staticUrl?.startsWith('/') && staticUrl)
    bases.push([facts.django.staticUrl.replace(/\/+$/, ''), { folder: '', source: { file: staticUrl.file, line: staticUrl.line } }]);
  return bases
    .flatMap(([base, { folder, source }]): Probe[] => {
      const beside = folder ? namesIn(path.dirname(folder), () => true, 5) : [];
      const dotfiles = folder ? namesIn(folder, (n) => n.startsWith('.'), 2) : [];
      // "/static../" is the folder above only through the off-by-slash alias; a 403 or a listing
      // there is a leak when a made-up sibling ("/static-doctor-control/") is answered otherwise.
      const above: Probe = {
        source,
        path: folderAbove(base),
        control: `${base}-doctor-control/`,
        rule: 'live-traversal',
        leaked: (r, control) =>
          fileServerAnswered(r.status) && control && control.status !== r.status
            ? `${base}../ answered ${r.status} (${base}-doctor-control/: ${control.status}): nginx's file server is serving the folder above`
            : undefined,
      };
      const traversal = (name: string): Probe => ({
        source,
        path: `${base}../${name}`,
        rule: 'live-traversal',
        leaked: (r) => (r.status === 200 ? `${base}../${name} returned ${r.body.length} bytes from outside the folder` : undefined),
      });
      return [
        above,
        ...[...new Set([...beside, 'manage.py'])].map(traversal),
        { source, path: `${base}/`, rule: 'live-listing', leaked: (r: ProbeResponse) => (r.status === 200 && r.body.includes('Index of') ? `${base}/ returned a directory listing` : undefined) },
        ...[...new Set([...dotfiles, '.env'])].map((name) => ({
          source,
          path: `${base}/${name}`,
          rule: 'live-dotfile',
          leaked: (r: ProbeResponse) => (r.status === 200 ? `${base}/${name} returned ${r.body.length} bytes` : undefined),
        })),
      ];
    })
    .slice(0, MAX_REQUESTS);
}

const WHY: Record<string, string> = {
  'live-traversal': 'The running server returned a file from outside its static folder: anyone can read the code and secrets next to it.',
  'live-listing': 'The running server lists the files of a folder to anyone.',
  'live-dotfile': 'The running server returns dotfiles from a served folder.',
};

/** The probe's rules, for SARIF's rule list. */
export const PROBE_RULES: { id: string; severity: Severity; title: string; why: string }[] = [
  { id: 'live-traversal', severity: 'high', title: 'the running server serves files from outside its folder', why: WHY['live-traversal']! },
  { id: 'live-listing', severity: 'medium', title: 'the running server lists a folder', why: WHY['live-listing']! },
  { id: 'live-dotfile', severity: 'medium', title: 'the running server serves a dotfile', why: WHY['live-dotfile']! },
];

export interface ProbeReport {
  sent: number;
  findings: Finding[];
  /** Requests that got no answer (refused, timed out). */
  errors: string[];
}

export async function probeServer(target: Target, facts: DoctorFacts): Promise<ProbeReport> {
  const report: ProbeReport = { sent: 0, findings: [], errors: [] };
  const deadline = Date.now() + TOTAL_TIMEOUT_MS;
  for (const probe of plan(facts)) {
    if (Date.now() > deadline || report.sent >= MAX_REQUESTS) break;
    const get = (rawPath: string) => {
      report.sent++;
      return send(target.port, { method: 'GET', path: rawPath, headers: { Host: target.origin.slice(target.origin.indexOf('//') + 2) }, host: target.host, timeoutMs: REQUEST_TIMEOUT_MS });
    };
    try {
      const response = await get(probe.path);
      const leaked = probe.leaked(response, probe.control === undefined ? undefined : await get(probe.control));
      // At the configuration line that serves the path (what code scanning can point at), the URL beside it.
      if (leaked) {
        report.findings.push({
          rule: probe.rule,
          severity: probe.rule === 'live-traversal' ? 'high' : 'medium',
          file: shown(probe.source.file, facts.root),
          line: probe.source.line,
          url: `${target.origin}${probe.path}`,
          message: `GET ${target.origin}${probe.path}: ${leaked}`,
          why: WHY[probe.rule]!,
        });
      }
    } catch (error) {
      report.errors.push(`${probe.path}: ${(error as Error).message}`);
    }
  }
  return report;
}
