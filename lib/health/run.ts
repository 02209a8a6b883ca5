/**
 * The post-generation health check: build and start the stack with whichever Compose is
 * present, probe it through the published port on 127.0.0.1, print a pass/fail table and,
 * on failure, the diagnosed cause.
 */
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import type { StackConfig } from '../config/stack-config.js';
import { readText } from '../read-text.js';
import { SERVICES } from '../config/names.js';
import { checkInvariants } from '../validate/invariants.js';
import { runChecks, type CheckResult } from './checks.js';
import { processEvidence } from './diagnose-processes.js';
import { ComposeProject, engineAnswers, findCompose } from './compose-cli.js';
import { composeFileArgs } from '../config/file-names.js';
import { diagnose, type Evidence } from './diagnose.js';
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
}

export interface HealthResult {
  ok: boolean;
  /** From `up` to healthy (build included when images are not built yet). */
  secondsToHealthy?: number;
  summary: string;
  checks: CheckResult[];
  causes: string[];
}

const PROBE_ADDRESSES = new Set(['127.0.0.1', '0.0.0.0']);

export async function runHealthCheck(options: HealthOptions): Promise<HealthResult | 'no-engine'> {
  const { config, cwd, log } = options;
  const startTimeoutMs = options.startTimeoutMs ?? 600_000;
  if (!(await engineAnswers())) {
    log('No Docker engine answered (`docker info`), so the health check was skipped. Start Docker, then run `yo django-static:check`.');
    return 'no-engine';
  }
  const compose = await findCompose();
  if (!compose) {
    log('A Docker engine answers, but neither `docker compose` (v2) nor `docker-compose` (v1) was found; health check skipped.');
    return 'no-engine';
  }
  if (!PROBE_ADDRESSES.has(config.http.bind)) {
    const summary = `the port is bound to ${config.http.bind}; the check only probes 127.0.0.1, so bind 127.0.0.1 or 0.0.0.0 to check`;
    log(`Health check not run: ${summary}.`);
    return { ok: false, summary, checks: [], causes: [] };
  }

  const project = new ComposeProject(compose, cwd, config.projectName, composeFileArgs(config.files));
  const seconds = Math.round(startTimeoutMs / 1000);
  log(`Health check: building and starting the stack with ${compose.variant === 'v2' ? 'Compose v2' : 'docker-compose'} ${compose.version} (at most ${seconds} s)…`);
  const stream = (line: string) => log(`  │ ${line.length > 160 ? `${line.slice(0, 157)}...` : line}`);
  const started = Date.now();
  const up =
    compose.variant === 'v2'
      ? await project.run(['up', '-d', '--build', '--wait', '--wait-timeout', String(seconds)], { timeoutMs: startTimeoutMs + 30_000, stream })
      : await upAndPollV1(project, oneShots(config), startTimeoutMs, stream);
  const startOk = up.exitCode === 0 && !up.timedOut;
  const secondsToHealthy = startOk ? (Date.now() - started) / 1000 : undefined;
  const target = tlsTarget(config, cwd);
  const probing = target ? `https://127.0.0.1:${target.httpsPort}/ as ${target.serverNames.join(', ')} (and http://127.0.0.1:${config.http.port}/)` : `http://127.0.0.1:${config.http.port}/`;
  log(startOk ? `Stack healthy after ${secondsToHealthy!.toFixed(1)} s; probing ${probing}` : `The stack did not become healthy${up.timedOut ? ` within ${seconds} s` : ''}.`);

  const checks = startOk ? await runChecks(config, project, target) : [];
  const ok = startOk && checks.every((check) => check.ok);
  printTable(checks, startOk, log);

  let causes: string[] = [];
  if (!ok) {
    const collectState = await project.state(SERVICES.collectstatic);
    const migrateState = await project.state(SERVICES.migrate);
    const bootstrapState = config.tls.mode === 'acme' ? await project.state(SERVICES.tlsBootstrap) : undefined;
    causes = diagnose(config, {
      ...(await runtimeEvidence(config, project, cwd)),
      upOutput: up.output,
      collectstatic: collectState && collectState.status === 'exited' ? { exitCode: collectState.exitCode, logs: await project.logs(SERVICES.collectstatic) } : undefined,
      migrate: migrateState && migrateState.status === 'exited' ? { exitCode: migrateState.exitCode, logs: await project.logs(SERVICES.migrate, 60) } : undefined,
      checks,
      acme: config.tls.mode === 'acme' ? { service: SERVICES.acme, logs: await project.logs(SERVICES.acme, 80) } : undefined,
      tlsBootstrap: bootstrapState?.status === 'exited' ? { service: SERVICES.tlsBootstrap, exitCode: bootstrapState.exitCode, logs: await project.logs(SERVICES.tlsBootstrap, 20) } : undefined,
    });
    log('Diagnosis:');
    for (const cause of causes) log(`  - ${cause}`);
  }

  if (options.down) {
    const data = dataVolumes(config);
    const deleted = options.deleteData ? data : [];
    const kept = data.filter((volume) => !deleted.includes(volume));
    const keptLine = kept.length ? ` Kept: the ${kept.join(', ')} volume${kept.length > 1 ? 's' : ''} (data).` : '';
    const deletedLine = deleted.length ? ` --delete-data: the ${deleted.join(', ')} volume${deleted.length > 1 ? 's are' : ' is'} deleted too.` : '';
    log(`Stopping the stack (--down): its containers, network and the ${config.static.volume} volume (rebuilt by collectstatic) are removed.${keptLine}${deletedLine}`);
    await project.downRemovingVolumes([config.static.volume, ...deleted]);
  } else if (startOk) {
    // The page the check found answering, so the first click of a newcomer works (a bare startproject has no home page).
    const page = checks.find((check) => check.id === 'app-through-nginx')?.path ?? '/';
    log(`The stack keeps running: ${config.http.url}${page.replace(/^\//, '')}  (stop it with \`${config.composeCommand} down\`)`);
  }
  const failedNames = checks.filter((c) => !c.ok).map((c) => c.name);
  const summary = ok ? 'all checks passed' : startOk ? `failed: ${failedNames.join(', ')}` : 'the stack did not start';
  return { ok, secondsToHealthy, summary: causes.length ? `${summary} (${causes[0]!.split('\n')[0]})` : summary, checks, causes };
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

/**
 * Volumes that hold data no command can rebuild: uploads, the SQLite file, PostgreSQL's files,
 * and the ACME account and certificates (re-issuing counts against the CA's rate limits).
 */
export function dataVolumes(config: StackConfig): string[] {
  const database = config.database.kind === 'sqlite' || config.database.kind === 'postgres' ? [config.database.volume] : [];
  return [...(config.media ? [config.media.volume] : []), ...database, ...(config.tls.mode === 'acme' ? [config.tls.certsVolume] : [])];
}

/** The one-shots that run before the long-running services; a start waits for each to exit 0. */
function oneShots(config: StackConfig): string[] {
  return [SERVICES.collectstatic, SERVICES.migrate, ...(config.tls.mode === 'acme' ? [SERVICES.tlsBootstrap] : [])];
}

/** docker-compose 1.x has no --wait: start, then poll the containers' health ourselves. */
async function upAndPollV1(project: ComposeProject, shots: string[], timeoutMs: number, stream: (line: string) => void) {
  const deadline = Date.now() + timeoutMs;
  const up = await project.run(['up', '-d', '--build'], { timeoutMs, stream });
  if (up.exitCode !== 0) return up;
  while (Date.now() < deadline) {
    const [app, nginx, ...shotStates] = await Promise.all([SERVICES.app, SERVICES.nginx, ...shots].map((service) => project.state(service)));
    const failed = shots.findIndex((_, i) => shotStates[i]?.status === 'exited' && shotStates[i].exitCode !== 0);
    if (failed >= 0) return { ...up, exitCode: 1, output: `${up.output}\n${shots[failed]} exited with ${shotStates[failed]!.exitCode}` };
    if (app?.health === 'healthy' && nginx?.health === 'healthy') return up;
    if (app?.health === 'unhealthy' || nginx?.health === 'unhealthy' || app?.status === 'exited') {
      return { ...up, exitCode: 1, output: `${up.output}\napp is ${app?.health ?? app?.status}, nginx is ${nginx?.health ?? nginx?.status ?? 'not started'}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { ...up, exitCode: 1, timedOut: true };
}

export function printTable(checks: CheckResult[], started: boolean, log: (line: string) => void): void {
  if (!started) return;
  const width = Math.max(...checks.map((c) => c.name.length));
  for (const check of checks) log(`  ${check.skipped ? 'SKIP' : check.ok ? 'PASS' : 'FAIL'}  ${check.name.padEnd(width)}  ${check.detail}`);
  const warnings = checks.flatMap((check) => check.deployWarnings ?? []);
  if (warnings.length) log(`Left to the project by manage.py check --deploy:\n${warnings.map((line) => `    ${line}`).join('\n')}`);
}
