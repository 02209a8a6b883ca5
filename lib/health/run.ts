/**
 * The post-generation health check: start the stack (or wait for the deployed one) through the
 * target's runtime, probe it through the published port on 127.0.0.1, print a pass/fail table
 * and, on failure, the diagnosed cause.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { StackConfig } from '../config/stack-config.js';
import { readText } from '../read-text.js';
import { SERVICES } from '../config/names.js';
import { checkInvariants } from '../validate/invariants.js';
import { runChecks, type CheckResult } from './checks.js';
import { engineAnswers } from './compose-cli.js';
import { processEvidence } from './diagnose-processes.js';
import { diagnose, type Evidence } from './diagnose.js';
import type { OpenRuntime } from './health-runtime.js';
import { pruneStaticReleases } from './prune-static.js';
import type { StackRuntime } from './runtime.js';
import type { TlsTarget } from './tls-checks.js';

export interface HealthOptions {
  config: StackConfig;
  cwd: string;
  /** Tear the stack down afterwards, keeping the volumes that hold data. */
  down: boolean;
  /** With down: delete the data volumes too (confirmed by the caller). */
  deleteData?: boolean;
  log: (line: string) => void;
  /** Bound on build + start. */
  startTimeoutMs?: number;
  /** false: start the images there are, without building (a rollback has just tagged the previous release's). */
  build?: boolean;
  /** Run once every check passed, before --down: the stack is still there to read. */
  afterHealthy?: (stack: StackRuntime) => Promise<void>;
}

export interface HealthResult {
  ok: boolean;
  /** From `up` to healthy (build included when images are not built yet). */
  secondsToHealthy?: number;
  summary: string;
  checks: CheckResult[];
  causes: string[];
}

/**
 * The one health flow, for every target: the target opens its runtime (runtime.ts), which
 * starts the stack or waits for the deployed one; the checks, the table and the diagnosis are
 * the same for all.
 */
export async function runHealthCheck(open: OpenRuntime, options: HealthOptions): Promise<HealthResult | 'no-engine'> {
  const { config, cwd, log } = options;
  const timeoutMs = options.startTimeoutMs ?? 600_000;
  if (!(await engineAnswers())) {
    log('No Docker engine answered (`docker info`), so the health check was skipped. Start Docker, then run `yo django-static:check`.');
    return 'no-engine';
  }
  const runtime = await open(config, cwd, log);
  if (runtime === 'no-engine') return 'no-engine';
  if ('notRun' in runtime) return notRun(runtime.notRun, log);

  const started = Date.now();
  const up = await runtime.start(timeoutMs, log, { build: options.build ?? true });
  if ('notRun' in up) return notRun(up.notRun, log);
  const secondsToHealthy = up.ok ? (Date.now() - started) / 1000 : undefined;
  const target = tlsTarget(config, cwd);
  const probing = target ? `https://127.0.0.1:${target.httpsPort}/ as ${target.serverNames.join(', ')} (and http://127.0.0.1:${config.http.port}/)` : `http://127.0.0.1:${config.http.port}/`;
  const { words } = runtime;
  log(up.ok ? `${words.ready} after ${secondsToHealthy!.toFixed(1)} s; probing ${probing}` : `${words.missed}${up.timedOut ? ` within ${Math.round(timeoutMs / 1000)} s` : ''}.`);

  const checks = up.ok ? await runChecks(config, runtime.stack, target) : [];
  const ok = up.ok && checks.every((check) => check.ok);
  printTable(checks, up.ok, log);

  let causes: string[] = [];
  if (!ok) {
    const failure = await runtime.failureEvidence(config);
    causes = [...failure.causes, ...diagnose(config, { ...(await runtimeEvidence(config, runtime.stack, cwd)), upOutput: up.output, ...failure.oneShots, checks })];
    log('Diagnosis:');
    for (const cause of causes) log(`  - ${cause}`);
  }

  // Before --down: what the caller reads from the running stack (the release record).
  if (ok) await options.afterHealthy?.(runtime.stack);
  if (options.down) await runtime.stop(config, options.deleteData ?? false, log);
  else if (up.ok) {
    if (ok) await pruneStaticReleases(config, runtime.stack, log);
    // The page the check found answering, so the first click of a newcomer works (a bare startproject has no home page).
    const page = checks.find((check) => check.id === 'app-through-nginx')?.path ?? '/';
    log(`The stack keeps running: ${config.http.url}${page.replace(/^\//, '')}  (${runtime.stopHint(config)})`);
  }
  const failedNames = checks.filter((c) => !c.ok).map((c) => c.name);
  const summary = ok ? 'all checks passed' : up.ok ? `failed: ${failedNames.join(', ')}` : words.failed;
  return { ok, secondsToHealthy, summary: causes.length ? `${summary} (${causes[0]!.split('\n')[0]})` : summary, checks, causes };
}

function notRun(summary: string, log: (line: string) => void): HealthResult {
  log(`Health check not run: ${summary}.`);
  return { ok: false, summary, checks: [], causes: [] };
}

/** The evidence either runtime gathers the same way: the db's, app's and nginx's logs, the app's state, the files on disk. */
export async function runtimeEvidence(config: StackConfig, runtime: StackRuntime, cwd: string): Promise<Omit<Evidence, 'upOutput' | 'checks'>> {
  const appState = await runtime.state(SERVICES.app);
  return {
    dbLogs: config.database.kind === 'postgres' ? await runtime.logs(SERVICES.db, 60) : undefined,
    appLogs: await runtime.logs(SERVICES.app),
    appHealth: appState?.health === 'unhealthy' ? appState.healthOutput : undefined,
    appOomKilled: appState?.oomKilled === true,
    nginxLogs: await runtime.logs(SERVICES.nginx),
    fileProblems: checkInvariants(config, (file) => readText(path.join(cwd, file))),
    ...(config.processes ? { processes: await processEvidence(config, runtime) } : {}),
  };
}

/**
 * What the TLS checks probe, with TLS on. They trust the system's CA store, plus --acme-ca (a
 * private ACME CA such as step-ca issues from the root it serves over) and, as Node itself
 * does, the file NODE_EXTRA_CA_CERTS names (a test CA).
 */
export function tlsTarget(config: StackConfig, cwd: string): TlsTarget | undefined {
  const mode = config.tls.mode;
  if (mode === 'off') return undefined;
  const caFile = mode === 'acme' ? config.tls.caFile : undefined;
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  // Node adds NODE_EXTRA_CA_CERTS to its default store only, which a `ca` option replaces.
  const ca = caFile ? [...tls.rootCertificates, readText(path.resolve(cwd, caFile)) ?? '', ...(extra && fs.existsSync(extra) ? [fs.readFileSync(extra, 'utf8')] : [])] : undefined;
  return {
    mode,
    serverNames: config.http.serverNames.map((name) => name.replace(/^\./, '')),
    httpPort: config.http.port,
    httpsPort: config.tls.httpsPort,
    hsts: config.tls.hsts !== undefined,
    ca,
  };
}

export function printTable(checks: CheckResult[], started: boolean, log: (line: string) => void): void {
  if (!started) return;
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) log(`  ${check.skipped ? 'SKIP' : check.ok ? 'PASS' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`);
  const warnings = checks.flatMap((check) => check.deployWarnings ?? []);
  if (warnings.length) log(`Left to the project by manage.py check --deploy:\n${warnings.map((line) => `    ${line}`).join('\n')}`);
}
