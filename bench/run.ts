/**
 * `npm run bench`: times generation; generates the benchmark project with `--database postgres`
 * and times its start and its app path; then generates it with SQLite, brings that stack up
 * beside the alternatives and measures them in one interleaved run; writes
 * bench/results/*.json, docs/benchmarks.md and its chart. Every container, network and volume
 * is removed at the end, on failure and on Ctrl-C too. Compose runs through the product's own
 * ComposeProject.
 *
 * `npm run bench -- --only generation` re-measures generation alone (no Docker) and adds it
 * to the newest results file; `--only warm-up` does the same for the time from `up` to a passing
 * check (both stacks, both Compose versions); `--only https` for HTTPS against plain HTTP;
 * `--only swarm` for app replicas on Docker Swarm (1, 2, 4) and deploy to a passing check;
 * `--only doctor` for doctor against `nginx -t` on the same 10,000 server blocks (no Docker);
 * `--report-only <results.json>` re-renders the page.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Answers } from '../lib/config/questions.js';
import { GENERATED_FILES } from '../lib/config/names.js';
import { buildStackConfig, type StackConfig } from '../lib/config/stack-config.js';
import { materialize, renderStack } from '../lib/stack.js';
import { detectProject } from '../lib/detect/project.js';
import { ComposeProject, findCompose, type ComposeRun } from '../lib/health/compose-cli.js';
import { checkStack } from '../lib/targets/index.js';
import { packageRoot } from '../lib/package-root.js';
import { readManifest } from '../lib/regen/manifest.js';
import { writeProject } from '../test/fixtures/projects.js';
import { measureDoctor } from './doctor.js';
import { measureGeneration, type GenerationResults } from './generation.js';
import { APP_VIEWS, BENCH_FILES, benchProject, LIMIT_NGINX_CONF, LOADGEN_DOCKERFILE } from './project.js';
import { measureHttps, type HttpsResults } from './https.js';
import { measureSwarm, type SwarmResults } from './swarm.js';
import { writeReport, type BenchResults, type DatabaseResults, type LoadSample, type TimeToCheck } from './report.js';
import { benchOverride, databaseOverride, LOADGEN_SERVICE, ONTHEFLY_SERVICE, OVERRIDE_FILE, VARIANTS, type Variant } from './variants.js';
import { median, parseWrk, type WrkResult } from './wrk.js';

/** A whole number from the environment, or a one-line reason to stop. */
function setting(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    process.stderr.write(`[bench] error: ${name}=${raw}: use a whole number from 1 to ${max}\n`);
    process.exit(2);
  }
  return value;
}

const ROUNDS = setting('BENCH_ROUNDS', 3, 50);
const SECONDS = setting('BENCH_SECONDS', 3, 600);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 32, 10_000);
/** BENCH_PROJECT_PREFIX keeps the compose project names apart from other runs on a shared engine. */
const PROJECT_PREFIX = process.env['BENCH_PROJECT_PREFIX'] ?? '';
if (!/^[a-z0-9_-]*$/.test(PROJECT_PREFIX)) {
  process.stderr.write(`[bench] error: BENCH_PROJECT_PREFIX=${PROJECT_PREFIX}: use lower-case letters, digits, - and _\n`);
  process.exit(2);
}
const PROJECT = `${PROJECT_PREFIX}djbench`;
const DATABASE_PROJECT = `${PROJECT_PREFIX}djbenchpg`;
const PORT = setting('BENCH_PORT', 18_480, 65_534);
/** The PostgreSQL stack publishes the next port, so neither stack waits for the other's to close. */
const DATABASE_PORT = PORT + 1;
/** The HTTPS stack (--tls files): HTTP on this port, HTTPS on the next. */
const HTTPS_PORT = PORT + 2;
const HTTPS_PROJECT = process.env['BENCH_HTTPS_PROJECT'] || 'djbenchtls';
/** What the one-row view answers: the row the bench app's migration wrote. */
const ROW_TEXT = 'hello from the database';
const GENERATION_RUNS = setting('BENCH_GENERATION_RUNS', 15, 200);
const CORPUS_GENERATION_RUNS = setting('BENCH_CORPUS_RUNS', 5, 100);
const CLI = path.join(packageRoot(), 'dist', 'bin', 'cli.js');
/** The package's bin as installed users run it (doctor's own way in: bin/cli.ts). */
const BIN = path.join(packageRoot(), 'dist', 'bin', 'cli.js');
const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

interface Timed extends ComposeRun {
  seconds: number;
}

function must<T extends ComposeRun>(run: T, what: string): T {
  if (run.exitCode !== 0) throw new Error(`${what} failed${run.timedOut ? ' (timed out)' : ''}:\n${run.output.slice(-2000)}`);
  return run;
}

/** The comparison stack: the generated compose.yaml plus the bench override, on Compose v2. */
class Stack {
  constructor(readonly project: ComposeProject) {}
  get dir(): string {
    return this.project.cwd;
  }
  async compose(args: string[], timeoutMs = 600_000): Promise<Timed> {
    const started = process.hrtime.bigint();
    const run = await this.project.run(args, { timeoutMs });
    return { ...run, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  }
  async loadgen(args: string[]): Promise<Timed> {
    return must(await this.compose(['run', '--rm', '--no-deps', '-T', LOADGEN_SERVICE, ...args], 300_000), `loadgen ${args.join(' ')}`);
  }
  async down(): Promise<void> {
    await this.compose(['down', '-v', '--remove-orphans'], 180_000);
  }
}

/** A plain command (not compose): the CLI, or wrk on the host network. */
function sh(command: string, args: string[], cwd: string): ComposeRun {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  return { exitCode: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, timedOut: result.error !== undefined };
}

function generation(workdir: string): GenerationResults {
  log(`generation: 3 warm-ups, ${GENERATION_RUNS} runs, each beside \`node -e 0\`; then the corpus shapes, a warm-up round and ${CORPUS_GENERATION_RUNS} rounds…`);
  return measureGeneration({ cli: CLI, workdir, warmups: 3, runs: GENERATION_RUNS, corpusRuns: CORPUS_GENERATION_RUNS, log });
}

/** The newest results file, which `--only generation` adds its figures to. */
function latestResults(): string | undefined {
  const dir = path.join(packageRoot(), 'bench', 'results');
  const files = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  return files.length ? path.join(dir, files.at(-1)!) : undefined;
}

/** Replaces one phase's figures in the newest results file (the others keep theirs, and their date). */
async function replaceInLatest(measure: (workdir: string, results: BenchResults) => Promise<BenchResults>): Promise<void> {
  const file = latestResults();
  if (!file) throw new Error('no earlier results in bench/results to add the figures to: run the whole bench once');
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-bench-'));
  try {
    const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
    const written = await writeReport(await measure(workdir, results), packageRoot());
    log(`wrote ${written.map((f) => path.relative(packageRoot(), f)).join(', ')}`);
  } finally {
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** Swarm's ports and names stay apart from the compose stacks' (BENCH_SWARM_PORT, BENCH_REGISTRY_PORT). */
const SWARM_PORT = setting('BENCH_SWARM_PORT', PORT + 4, 65_534);
const REGISTRY_PORT = setting('BENCH_REGISTRY_PORT', PORT + 5, 65_534);

/** Measures app replicas on Docker Swarm and adds the figures to the newest results file. */
function onlySwarm(): Promise<void> {
  provision();
  return replaceInLatest(async (workdir, results) => ({ ...results, swarm: await swarm(workdir) }));
}

function swarm(workdir: string): Promise<SwarmResults> {
  const stack = `${PROJECT_PREFIX}djbenchswarm`;
  return measureSwarm({ cli: CLI, workdir, stack, port: SWARM_PORT, registryPort: REGISTRY_PORT, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, log });
}

/** Measures HTTPS against plain HTTP and adds the figures to the newest results file. */
function onlyHttps(): Promise<void> {
  provision();
  return replaceInLatest(async (workdir, results) => ({ ...results, https: await https(workdir) }));
}

async function https(workdir: string): Promise<HttpsResults> {
  const composeV2 = await findCompose('v2');
  if (!composeV2) throw new Error('Compose v2 (`docker compose`) is needed for the benchmark');
  return measureHttps({ cli: CLI, workdir, compose: composeV2, project: HTTPS_PROJECT, port: HTTPS_PORT, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, run: sh, log });
}

/** Docker, both Compose versions, and the images (stand-ins where they cannot be pulled): idempotent. */
function provision(): void {
  const provisioned = spawnSync('bash', [path.join(packageRoot(), 'scripts', 'test-env.sh'), '--bench'], { stdio: 'inherit' });
  if (provisioned.status !== 0) throw new Error('scripts/test-env.sh --bench failed');
}

/** BENCH_DOCTOR_SERVERS: the server blocks of doctor's file (the issue's figure: 10,000). */
const DOCTOR_SERVERS = setting('BENCH_DOCTOR_SERVERS', 10_000, 100_000);

/** `--only doctor`: doctor against `nginx -t` on one generated file, added to the newest results. */
function onlyDoctor(): Promise<void> {
  return replaceInLatest(async (_workdir, results) => ({ ...results, doctor: measureDoctor({ cli: BIN, servers: DOCTOR_SERVERS, rounds: ROUNDS, log }) }));
}

function onlyGeneration(): Promise<void> {
  // Also drops the older five-run figures (generationSeconds) it supersedes.
  return replaceInLatest(async (workdir, { generationSeconds: _superseded, ...others }) => ({ ...others, generation: generation(workdir) }));
}

/** `--only warm-up`: up -> passing check on the SQLite and PostgreSQL stacks, as the whole run measures it. */
function onlyWarmUp(): Promise<void> {
  return replaceInLatest(async (workdir, results) => {
    if (!results.database) throw new Error('the newest results have no PostgreSQL figures to replace: run the whole bench once');
    const composeV2 = await findCompose('v2');
    if (!composeV2) throw new Error('Compose v2 (`docker compose`) is needed for the benchmark');
    const loadBefore = os.loadavg()[0]!;
    const stacks = [generateStack(workdir, PROJECT, PORT, 'sqlite'), generateStack(workdir, DATABASE_PROJECT, DATABASE_PORT, 'postgres')].map(({ dir, config }) => ({
      config,
      stack: new Stack(new ComposeProject(composeV2, dir, config.projectName)),
    }));
    try {
      const [sqlite, postgres] = stacks as [(typeof stacks)[0], (typeof stacks)[0]];
      const timeToHealthy: BenchResults['timeToHealthy'] = {};
      must(await sqlite.stack.compose(['build']), 'building the SQLite stack');
      for (const variant of ['v2', 'v1'] as const) timeToHealthy[variant] = await timeToCheck(sqlite.stack, sqlite.config, variant, 'empty');
      await sqlite.stack.down();
      const { firstStart, secondStart } = await timeStarts(postgres.stack, postgres.config);
      const warmUp = { date: new Date().toISOString(), rounds: ROUNDS, loadAverage: [loadBefore, os.loadavg()[0]!] as [number, number] };
      return { ...results, timeToHealthy, database: { ...results.database, firstStart, secondStart }, warmUp };
    } finally {
      for (const { stack } of stacks) await stack.down();
    }
  });
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first (npm run bench does)');
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-bench-'));
  const generationResults = generation(workdir);

  provision();
  const composeV2 = await findCompose('v2');
  if (!composeV2) throw new Error('Compose v2 (`docker compose`) is needed for the benchmark');

  const { dir, config } = generateStack(workdir, PROJECT, PORT, 'sqlite');
  const postgres = generateStack(workdir, DATABASE_PROJECT, DATABASE_PORT, 'postgres');
  const workers = os.cpus().length * 2 + 1;
  writeBenchFiles(dir, config, workers);
  writeLoadgen(postgres.dir);
  fs.writeFileSync(path.join(postgres.dir, OVERRIDE_FILE), stringify(databaseOverride(postgres.config, workers), { version: '1.1' }));

  const stack = new Stack(new ComposeProject(composeV2, dir, PROJECT, ['compose.yaml', OVERRIDE_FILE]));
  const databaseStack = new Stack(new ComposeProject(composeV2, postgres.dir, DATABASE_PROJECT, ['compose.yaml', OVERRIDE_FILE]));
  const cleanup = async () => {
    log('cleaning up: containers, networks and volumes');
    await stack.down();
    await databaseStack.down();
  };
  process.once('SIGINT', () => {
    void cleanup().finally(() => process.exit(130));
  });
  try {
    const loadBefore = os.loadavg()[0]!;
    // One stack at a time, so neither shares the cores with the other's idle containers.
    const database = await measureDatabase(databaseStack, postgres.config);
    await databaseStack.down();
    const results = await measure(stack, config, workers, generationResults);
    await stack.down();
    const httpsResults = await https(workdir);
    const swarmResults = await swarm(workdir);
    const written = await writeReport({ ...results, database, https: httpsResults, swarm: swarmResults, loadAverage: [loadBefore, os.loadavg()[0]!] }, packageRoot());
    log(`wrote ${written.map((file) => path.relative(packageRoot(), file)).join(', ')}`);
  } finally {
    await cleanup();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

/** Writes the bench project and generates its stack with the CLI, as a user would. */
function generateStack(workdir: string, name: string, port: number, database: 'sqlite' | 'postgres'): { dir: string; config: StackConfig } {
  const dir = writeProject(benchProject(database), path.join(workdir, name));
  must(sh(process.execPath, [CLI, '--yes', '--skip-health-check', '--project-name', name, '--port', String(port), '--database', database], dir), `generating the ${database} stack`);
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`generation left no manifest in ${dir}/.yo-rc.json`);
  const config = buildStackConfig(manifest.answers as Answers, detectProject(dir));
  if (config.database.kind !== database) throw new Error(`--database ${database} generated a ${config.database.kind} stack`);
  return { dir, config };
}

function writeLoadgen(dir: string): void {
  fs.mkdirSync(path.join(dir, 'bench-loadgen'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-loadgen', 'Dockerfile'), LOADGEN_DOCKERFILE);
}

function writeBenchFiles(dir: string, config: StackConfig, workers: number): void {
  fs.mkdirSync(path.join(dir, 'bench-nginx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-nginx', 'limit.conf'), LIMIT_NGINX_CONF);
  // The product's own rendering of the config; the CLI must have written exactly that.
  const generated = materialize(renderStack(config)).get(GENERATED_FILES.nginxConf)!;
  if (fs.readFileSync(path.join(dir, GENERATED_FILES.nginxConf), 'utf8') !== generated) throw new Error('the CLI wrote another nginx config than renderStack renders');
  if (!generated.includes('gzip_static on;')) throw new Error('the generated nginx config no longer has gzip_static on');
  fs.writeFileSync(path.join(dir, 'bench-nginx', 'onthefly.conf'), generated.replace('gzip_static on;', 'gzip_static off;'));
  writeLoadgen(dir);
  fs.writeFileSync(path.join(dir, OVERRIDE_FILE), stringify(benchOverride(config, workers), { version: '1.1' }));
}

async function measure(stack: Stack, config: StackConfig, workers: number, generation: GenerationResults): Promise<BenchResults> {
  // 5. Rebuild after a code-only change, against a cold build.
  log('cold build of the app image (--no-cache)…');
  const cold = must(await stack.compose(['build', '--no-cache', 'app']), 'cold build');
  fs.appendFileSync(path.join(stack.dir, 'config', 'urls.py'), '\n# a code-only change\n');
  log('incremental build after a code-only change…');
  const incremental = must(await stack.compose(['build', 'app']), 'incremental build');
  const dependencyLayerCached = /RUN pip install[^\n]*\n(?:#\d+ [^\n]*\n)*?#\d+ CACHED/.test(incremental.output);
  must(await stack.compose(['build']), 'building the benchmark services');

  // 4. Time from `up` (images built) to healthy and to a passing check, on each Compose.
  const timeToHealthy: BenchResults['timeToHealthy'] = {};
  for (const variant of ['v2', 'v1'] as const) timeToHealthy[variant] = await timeToCheck(stack, config, variant, 'empty');

  log('starting every variant…');
  must(await stack.compose(['up', '-d', '--wait', 'app', 'nginx', 'whitenoise', 'djangoview', 'nginx-limit', ONTHEFLY_SERVICE], 600_000), 'up');
  const manifest = JSON.parse(must(await stack.compose(['exec', '-T', 'app', 'cat', `${config.static.appDir}/staticfiles.json`]), 'reading staticfiles.json').output.replace(/^[^{]*/, '')) as {
    paths: Record<string, string>;
  };
  const url = (variant: Variant, file: keyof typeof BENCH_FILES) => {
    const logical = BENCH_FILES[file];
    const name = variant === 'C' ? logical : manifest.paths[logical]!; // Django's view serves source names
    return `http://${VARIANTS[variant].service}:${VARIANTS[variant].port}${config.static.url}${name}`;
  };
  const host = ['-H', `Host: ${config.http.probeHost}`];
  await waitUntilServing(
    stack,
    (['A', 'B', 'C', 'D'] as Variant[]).map((variant) => url(variant, 'css')),
    config,
  );

  const wrk = async (target: string, headers: string[] = []) => {
    const run = await stack.loadgen(['wrk', '-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', ...host, ...headers, target]);
    return parseWrk(run.output);
  };

  // 1. Static throughput and latency, interleaved A B C D in every round.
  const load: LoadSample[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const file of Object.keys(BENCH_FILES) as (keyof typeof BENCH_FILES)[]) {
      for (const gzip of [false, true]) {
        for (const variant of Object.keys(VARIANTS) as Variant[]) {
          const result = await wrk(url(variant, file), gzip ? ['-H', 'Accept-Encoding: gzip'] : []);
          load.push({ round, variant, file, gzip, ...result });
          log(
            `round ${round} ${variant} ${file}${gzip ? ' gzip' : ''}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms${result.non2xx || result.errors ? ` (non-2xx ${result.non2xx}, errors ${result.errors})` : ''}`,
          );
        }
      }
    }
  }

  // 3. App path: a small view through nginx, and straight to gunicorn; then one that reads a row (SQLite).
  await expectRow(stack, config);
  const appPath: BenchResults['appPath'] = { throughNginx: [], direct: [], rowThroughNginx: [], rowDirect: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    appPath.throughNginx.push(await appWrk(stack, config, `http://nginx:80${APP_VIEWS.hello}`));
    appPath.direct.push(await appWrk(stack, config, `http://app:${config.gunicorn.port}${APP_VIEWS.hello}`));
    appPath.rowThroughNginx!.push(await appWrk(stack, config, `http://nginx:80${APP_VIEWS.row}`));
    appPath.rowDirect!.push(await appWrk(stack, config, `http://app:${config.gunicorn.port}${APP_VIEWS.row}`));
  }

  // What a developer sees locally: host -> published port (docker-proxy included), once.
  const loadgenImage = `${config.projectName}-loadgen:latest`;
  const hostRun = must(
    sh(
      'docker',
      [
        'run',
        '--rm',
        '--network',
        'host',
        loadgenImage,
        'wrk',
        '-t2',
        `-c${CONNECTIONS}`,
        `-d${SECONDS}s`,
        '--latency',
        ...host,
        `http://127.0.0.1:${config.http.port}${config.static.url}${manifest.paths[BENCH_FILES.css]}`,
      ],
      stack.dir,
    ),
    'host-path wrk',
  );
  const hostPath = parseWrk(hostRun.output);

  // 2. Bytes on the wire.
  const bytes = async (service: string, name: string, gzip: boolean) =>
    Number(
      (
        await stack.loadgen([
          'sh',
          '-c',
          `wget -q -O - --header 'Host: ${config.http.probeHost}' ${gzip ? "--header 'Accept-Encoding: gzip'" : ''} http://${service}${config.static.url}${name} | wc -c`,
        ])
      ).output
        .trim()
        .split('\n')
        .at(-1),
    );
  const wire: BenchResults['bytesOnTheWire'] = {};
  for (const file of Object.keys(BENCH_FILES) as (keyof typeof BENCH_FILES)[]) {
    const name = manifest.paths[BENCH_FILES[file]]!;
    wire[file] = { none: await bytes('nginx', name, false), precompressed: await bytes('nginx', name, true), onTheFly: await bytes(ONTHEFLY_SERVICE, name, true) };
  }

  return {
    date: new Date().toISOString(),
    machine: machine(config.pythonImage),
    settings: { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, wrkThreads: 2, gunicornWorkers: workers },
    load,
    appPath,
    hostPath,
    bytesOnTheWire: wire,
    timeToHealthy,
    rebuild: { coldSeconds: cold.seconds, incrementalSeconds: incremental.seconds, dependencyLayerCached },
    generation,
  };
}

/**
 * From `up` (images built) to a passing check, through the product's own health check, each
 * round after `down`: with `empty`, `down -v` first (a first start: PostgreSQL's initdb, every
 * migration); with `kept`, the volumes stay (a second start).
 */
async function timeToCheck(stack: Stack, config: StackConfig, variant: 'v1' | 'v2', volumes: 'empty' | 'kept'): Promise<TimeToCheck> {
  const healthy: number[] = [];
  const checked: number[] = [];
  process.env['DJANGO_STATIC_COMPOSE'] = variant;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      if (volumes === 'empty') await stack.down();
      else must(await stack.compose(['down', '--remove-orphans'], 180_000), 'down (volumes kept)');
      const started = Date.now();
      const result = await checkStack({ config, cwd: stack.dir, down: false, log: () => {} });
      if (result === 'no-engine' || !result.ok) throw new Error(`the health check failed on Compose ${variant} (${config.projectName}): ${result === 'no-engine' ? 'no engine' : result.summary}`);
      healthy.push(result.secondsToHealthy!);
      checked.push((Date.now() - started) / 1000);
    }
  } finally {
    delete process.env['DJANGO_STATIC_COMPOSE'];
  }
  log(`${config.projectName} (${config.database.kind}, volumes ${volumes}) on ${variant}: healthy after ${median(healthy).toFixed(1)} s, check passed after ${median(checked).toFixed(1)} s (medians)`);
  return { healthySeconds: healthy, checkPassedSeconds: checked };
}

/** wrk on a Django view: an error page measured fast is not a figure, so any non-2xx stops the run. */
async function appWrk(stack: Stack, config: StackConfig, target: string): Promise<WrkResult> {
  const run = await stack.loadgen(['wrk', '-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-H', `Host: ${config.http.probeHost}`, target]);
  const result = parseWrk(run.output);
  if (result.non2xx > 0 || result.requests === 0) throw new Error(`${target}: ${result.non2xx} non-2xx answers of ${result.requests}`);
  log(`${config.projectName} ${target}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms`);
  return result;
}

/** The one-row view answers with the row the migration wrote, through nginx: proof it reads the database. */
async function expectRow(stack: Stack, config: StackConfig): Promise<void> {
  const answer = must(await stack.loadgen(['wget', '-q', '-O', '-', '--header', `Host: ${config.http.probeHost}`, `http://nginx:80${APP_VIEWS.row}`]), `GET ${APP_VIEWS.row}`).output;
  if (!answer.includes(ROW_TEXT)) throw new Error(`${APP_VIEWS.row} did not answer with the migrated row:\n${answer.slice(-500)}`);
}

/**
 * The same project with `--database postgres`: time to a passing check (first start on both
 * Compose versions, second start on v2), then the app path with and without the database.
 */
async function measureDatabase(stack: Stack, config: StackConfig): Promise<DatabaseResults> {
  if (config.database.kind !== 'postgres') throw new Error('the database stack is not a PostgreSQL stack');
  const { firstStart, secondStart } = await timeStarts(stack, config);

  must(await stack.compose(['up', '-d', '--wait', 'app', 'nginx'], 600_000), 'up (PostgreSQL stack)');
  await expectRow(stack, config);
  const appPath: DatabaseResults['appPath'] = { helloThroughNginx: [], helloDirect: [], rowThroughNginx: [], rowDirect: [] };
  const gunicorn = `http://app:${config.gunicorn.port}`;
  for (let round = 1; round <= ROUNDS; round++) {
    appPath.helloThroughNginx.push(await appWrk(stack, config, `http://nginx:80${APP_VIEWS.hello}`));
    appPath.helloDirect.push(await appWrk(stack, config, `${gunicorn}${APP_VIEWS.hello}`));
    appPath.rowThroughNginx.push(await appWrk(stack, config, `http://nginx:80${APP_VIEWS.row}`));
    appPath.rowDirect.push(await appWrk(stack, config, `${gunicorn}${APP_VIEWS.row}`));
  }
  return { kind: 'postgres', image: config.database.image, driver: config.database.driver, firstStart, secondStart, appPath };
}

/** The PostgreSQL stack from `up` to a passing check: first start on both Compose versions, second start on v2. */
async function timeStarts(stack: Stack, config: StackConfig): Promise<Pick<DatabaseResults, 'firstStart' | 'secondStart'>> {
  if (config.database.kind !== 'postgres') throw new Error('the database stack is not a PostgreSQL stack');
  log(`PostgreSQL stack (${config.database.image}, driver ${config.database.driver}): building…`);
  must(await stack.compose(['build']), 'building the PostgreSQL stack');
  const firstStart: DatabaseResults['firstStart'] = {};
  for (const variant of ['v2', 'v1'] as const) firstStart[variant] = await timeToCheck(stack, config, variant, 'empty');
  return { firstStart, secondStart: await timeToCheck(stack, config, 'v2', 'kept') };
}

/** gunicorn variants start their own collectstatic: wait until every URL answers 200. */
async function waitUntilServing(stack: Stack, urls: string[], config: StackConfig): Promise<void> {
  const deadline = Date.now() + 120_000;
  const script = urls.map((u) => `wget -q -O /dev/null --header 'Host: ${config.http.probeHost}' ${u}`).join(' && ');
  while (Date.now() < deadline) {
    if ((await stack.compose(['run', '--rm', '--no-deps', '-T', LOADGEN_SERVICE, 'sh', '-c', script], 60_000)).exitCode === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`not every variant served its static URL within 120 s: ${urls.join(', ')}`);
}

function machine(pythonImage: string): BenchResults['machine'] {
  const version = (command: string, args: string[]) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  };
  return {
    host: os.hostname(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
    docker: version('docker', ['version', '--format', '{{.Server.Version}}']),
    composeV2: version('docker', ['compose', 'version', '--short']),
    composeV1: version('docker-compose', ['version', '--short']),
    images: version('docker', ['image', 'inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', pythonImage]).includes('DJANGO_STATIC_STANDIN')
      ? 'offline stand-ins (Debian trixie: Python 3.13, Django 4.2, gunicorn, nginx 1.26, PostgreSQL 17, psycopg 3.2)'
      : 'registry images',
  };
}

/** `node dist/bench/run.js --report-only <results.json>`: re-render the page and chart from raw figures. */
async function reportOnly(file: string): Promise<void> {
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
  log(`wrote ${(await writeReport(results, packageRoot())).map((f) => path.relative(packageRoot(), f)).join(', ')}`);
}

function chosenRun(argv: string[]): Promise<void> {
  const reportIndex = argv.indexOf('--report-only');
  if (reportIndex >= 0) return reportOnly(argv[reportIndex + 1] ?? '');
  const onlyIndex = argv.indexOf('--only');
  if (onlyIndex < 0) return main();
  const phase = argv[onlyIndex + 1];
  if (phase === 'generation') return onlyGeneration();
  if (phase === 'warm-up') return onlyWarmUp();
  if (phase === 'https') return onlyHttps();
  if (phase === 'swarm') return onlySwarm();
  if (phase === 'doctor') return onlyDoctor();
  return Promise.reject(new Error(`--only ${phase ?? ''}: the phases that run alone are \`generation\`, \`warm-up\`, \`https\`, \`swarm\` and \`doctor\``));
}

chosenRun(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(`[bench] error: ${error.message}\n`);
  process.exit(1);
});
