/**
 * The checks of a stack that serves HTTPS (--tls acme|files): the certificate served for each
 * server name verifies against the CA in use, old protocol versions are refused, plain HTTP
 * redirects (keeping path and query) except for the ACME challenge path, HSTS when asked, and
 * Django's own `check --deploy`. Probes go to 127.0.0.1 only, with the server name as SNI/Host.
 */
import { randomBytes } from 'node:crypto';
import type tls from 'node:tls';
import { SERVICES } from '../config/names.js';
import type { CheckId, CheckResult, Verdict } from './check-result.js';
import type { StackRuntime } from './runtime.js';
import { header, probe, type Endpoint } from '../probe/http-probe.js';
import { handshake, type Handshake } from './tls-probe.js';

export interface TlsTarget {
  serverNames: string[];
  httpPort: number;
  httpsPort: number;
  hsts: boolean;
  /** PEM CA certificates the check trusts instead of the system store (--acme-ca, a test CA). */
  ca?: string[];
  /** acme: the first certificate may still be on its way (nginx serves a throwaway one meanwhile). */
  mode: 'acme' | 'files';
}

/** A certificate this close to expiry means renewal is not working (lego renews at a third of the lifetime left). */
export const EXPIRY_SOON_DAYS = 14;
/** How long the check waits for the first ACME certificate to replace the throwaway one. */
const FIRST_CERTIFICATE_WAIT_MS = 120_000;

/** The Host header (and Origin authority) a browser sends for a name on a port. */
export const hostFor = (name: string, port: number, defaultPort: number): string => (port === defaultPort ? name : `${name}:${port}`);

export const httpsEndpoint = (target: TlsTarget, name = target.serverNames[0]!): Endpoint => ({
  port: target.httpsPort,
  tls: { servername: name, ...(target.ca ? { ca: target.ca } : {}) },
});

export async function runTlsChecks(target: TlsTarget, check: (id: CheckId, body: () => Promise<Verdict>) => Promise<void>, sleep = delay): Promise<void> {
  await check('tls-certificate', () => certificateVerdict(target, sleep));
  await check('tls-old-versions-refused', () => oldVersionsVerdict(target));
  await check('https-redirect', () => redirectVerdict(target));
  await check('acme-challenge-over-http', () => challengePathVerdict(target));
  await check('hsts', () => hstsVerdict(target));
}

export async function certificateVerdict(target: TlsTarget, sleep: (ms: number) => Promise<void> = delay): Promise<Verdict> {
  const deadline = Date.now() + (target.mode === 'acme' ? FIRST_CERTIFICATE_WAIT_MS : 0);
  const rows: string[] = [];
  const certificates: NonNullable<CheckResult['certificates']> = [];
  for (const name of target.serverNames) {
    let served: Handshake;
    // Until lego has the first certificate, nginx serves its throwaway self-signed one: wait for the real one.
    while (!(served = await handshake(target.httpsPort, name, { ca: target.ca })).connected || served.verifyError) {
      if (Date.now() >= deadline) break;
      await sleep(2000);
    }
    const cert = served.certificate;
    certificates.push({ name, verifyError: served.error ?? served.verifyError, daysLeft: cert?.daysLeft, subjectAltNames: cert?.subjectAltNames });
    if (!served.connected) rows.push(`${name}: no TLS session (${served.error})`);
    else if (served.verifyError) rows.push(`${name}: does not verify (${served.verifyError}; served: ${cert ? `${cert.subjectAltNames.join(' ')} from ${cert.issuer}` : 'none'})`);
    else if (cert!.daysLeft < EXPIRY_SOON_DAYS) rows.push(`${name}: expires in ${cert!.daysLeft} days (${cert!.validTo.toISOString().slice(0, 10)})`);
    else rows.push(`${name}: ok, serial ${cert!.serial} from ${cert!.issuer}, ${cert!.daysLeft} days left, ${served.protocol}`);
  }
  const ok = certificates.every((c) => !c.verifyError && (c.daysLeft ?? 0) >= EXPIRY_SOON_DAYS);
  return { ok, detail: `${rows.join('; ')}${target.ca ? ' (trusting the given CA)' : ' (system CA store)'}`, certificates };
}

export async function oldVersionsVerdict(target: TlsTarget): Promise<Verdict> {
  const name = target.serverNames[0]!;
  const accepted: string[] = [];
  for (const version of ['TLSv1', 'TLSv1.1'] as tls.SecureVersion[]) {
    if ((await handshake(target.httpsPort, name, { version })).connected) accepted.push(version);
  }
  // The same probe with a version that must work: proves the refusals above came from the server.
  const modern = await handshake(target.httpsPort, name, { version: 'TLSv1.2' });
  if (!modern.connected) return { ok: false, detail: `TLS 1.2 refused as well (${modern.error}): the probe cannot judge` };
  return { ok: accepted.length === 0, detail: accepted.length ? `accepted: ${accepted.join(', ')}` : 'TLS 1.0 and 1.1 refused, TLS 1.2 accepted' };
}

export async function redirectVerdict(target: TlsTarget): Promise<Verdict> {
  const name = target.serverNames[0]!;
  const path = `/health-check/${randomBytes(3).toString('hex')}?q=1&next=%2Fa`;
  const response = await probe(target.httpPort, path, { Host: hostFor(name, target.httpPort, 80) });
  const location = header(response, 'location');
  const want = `https://${hostFor(name, target.httpsPort, 443)}${path}`;
  const ok = (response.status === 301 || response.status === 308) && location === want;
  return { ok, detail: `http ${path}: ${response.status}${location ? ` to ${location}` : ''}${ok ? '' : ` (want 301/308 to ${want})`}`, response };
}

export async function challengePathVerdict(target: TlsTarget): Promise<Verdict> {
  if (target.mode !== 'acme') return { ok: true, skipped: true, detail: 'no ACME client with --tls files' };
  const name = target.serverNames[0]!;
  const path = `/.well-known/acme-challenge/health-check-${randomBytes(6).toString('hex')}`;
  const response = await probe(target.httpPort, path, { Host: name });
  // No such token: nginx answers from the webroot (404), never with the redirect.
  const ok = response.status === 404 && header(response, 'server') === 'nginx';
  return {
    ok,
    detail: `http ${path}: ${response.status}${ok ? ' from the webroot (not redirected)' : `${header(response, 'location') ? ` to ${header(response, 'location')}` : ''} (want nginx's 404: served over HTTP, not redirected)`}`,
    response,
  };
}

export async function hstsVerdict(target: TlsTarget): Promise<Verdict> {
  const name = target.serverNames[0]!;
  const response = await probe(httpsEndpoint(target, name), '/', { Host: hostFor(name, target.httpsPort, 443) });
  const value = header(response, 'strict-transport-security');
  if (!target.hsts) return { ok: value === undefined, detail: value ? `sent without --hsts: ${value}` : 'not sent (--hsts is off)', response };
  const maxAge = Number(/max-age=(\d+)/i.exec(value ?? '')?.[1] ?? 0);
  return { ok: maxAge > 0, detail: value ? `Strict-Transport-Security: ${value}` : 'no Strict-Transport-Security header', response };
}

/** Django's security warnings the stack settles (cookies, DEBUG, hosts, key): any left is a failure. */
const STACK_SETTLES = new Set(['security.W009', 'security.W012', 'security.W016', 'security.W018', 'security.W020']);
/** Settled outside Django: nginx redirects to HTTPS (W008) and sends HSTS (W004) when asked. */
const SETTLED_BY_NGINX = new Set(['security.W004', 'security.W008']);

/** The ids of the warnings and errors in `manage.py check --deploy` output. */
export function deployCheckIds(output: string): string[] {
  return [...output.matchAll(/\((\w+\.[WE]\d+)\)/g)].map((m) => m[1]!);
}

export async function deployCheckVerdict(project: StackRuntime, hsts: boolean): Promise<Verdict> {
  const run = await project.exec(SERVICES.app, ['python', 'manage.py', 'check', '--deploy'], { timeoutMs: 60_000 });
  const ids = deployCheckIds(run.output);
  const failing = ids.filter((id) => STACK_SETTLES.has(id) || id.includes('.E'));
  const byNginx = ids.filter((id) => SETTLED_BY_NGINX.has(id) && (id !== 'security.W004' || hsts));
  const remaining = ids.filter((id) => !failing.includes(id) && !byNginx.includes(id));
  const parts = [
    failing.length ? `the stack should have settled: ${failing.join(', ')}` : 'no warning the stack could settle',
    byNginx.length ? `settled by nginx: ${byNginx.join(', ')}` : '',
    remaining.length ? `left to the project: ${remaining.join(', ')}` : '',
  ].filter(Boolean);
  const ok = run.exitCode === 0 && failing.length === 0;
  return {
    ok,
    detail: run.exitCode === 0 || ids.length ? parts.join('; ') : `manage.py check --deploy failed: ${run.output.trim().split('\n').at(-1)}`,
    deployWarnings: remaining.length ? remainingLines(run.output, remaining) : undefined,
  };
}

/** The output lines of the remaining warnings, printed under the table. */
function remainingLines(output: string, ids: string[]): string[] {
  return output
    .split('\n')
    .filter((line) => ids.some((id) => line.includes(`(${id})`)))
    .map((line) => line.trim());
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
