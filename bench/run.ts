/**
 * `npm run bench`: generates a stack for the benchmark project, brings it up beside the
 * alternatives, measures them in one interleaved run, and writes bench/results/*.json,
 * docs/benchmarks.md and its chart. Every container, network and volume is removed at the
 * end, on failure and on Ctrl-C too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Answers } from '../lib/config/questions.js';
import { buildStackConfig, type StackConfig } from '../lib/config/stack-config.js';
import { detectProject } from '../lib/detect/project.js';
import { runHealthCheck } from '../lib/health/run.js';
import { packageRoot } from '../lib/package-root.js';
import { readManifest } from '../lib/regen/manifest.js';
import { writeProject } from '../test/fixtures/projects.js';
import { BENCH_FILES, benchProject, LIMIT_NGINX_CONF, LOADGEN_DOCKERFILE } from './project.js';
import { writeReport, type BenchResults, type LoadSample } from './report.js';
import { benchOverride, LOADGEN_SERVICE, ONTHEFLY_SERVICE, OVERRIDE_FILE, VARIANTS, type Variant } from './variants.js';
import { median, parseWrk } from './wrk.js';

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
const PROJECT = 'djbench';
const PORT = setting('BENCH_PORT', 18_480, 65_535);
const CLI = path.join(packageRoot(), 'dist', 'bin', 'cli.js');
const log = (line: string) => process.stdout.write(`[bench] ${line}\n`);

function sh(command: string, args: string[], cwd: string, timeoutMs = 600_000): { status: number; output: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, COMPOSE_ANSI: 'never', BUILDKIT_PROGRESS: 'plain' } });
  return { status: result.status ?? 1, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function must(run: ReturnType<typeof sh>, what: string): ReturnType<typeof sh> {
  if (run.status !== 0) throw new Error(`${what} failed:\n${run.output.slice(-2000)}`);
  return run;
}

class Stack {
  constructor(readonly dir: string) {}
  compose(args: string[], timeoutMs?: number) {
    return sh('docker', ['compose', '--project-name', PROJECT, '-f', 'compose.yaml', '-f', OVERRIDE_FILE, ...args], this.dir, timeoutMs);
  }
  loadgen(args: string[]) {
    return must(this.compose(['run', '--rm', '--no-deps', '-T', LOADGEN_SERVICE, ...args], 300_000), `loadgen ${args.join(' ')}`);
  }
  down() {
    this.compose(['down', '-v', '--remove-orphans'], 180_000);
  }
}

async function main(): Promise<void> {
  if (!fs.existsSync(CLI)) throw new Error('run `npm run build` first (npm run bench does)');
  const workdir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-bench-'));

  // 6. Generation time, on fresh copies.
  const generation: number[] = [];
  for (let i = 0; i < 5; i++) {
    const dir = writeProject(benchProject(), fs.mkdtempSync(path.join(workdir, 'gen-')));
    generation.push(must(sh(process.execPath, [CLI, '--yes', '--skip-health-check'], dir), 'generation').seconds);
  }
  log(`generation: median ${median(generation).toFixed(2)} s over 5 runs`);

  const dir = writeProject(benchProject(), path.join(workdir, PROJECT));
  must(sh(process.execPath, [CLI, '--yes', '--skip-health-check', '--project-name', PROJECT, '--port', String(PORT)], dir), 'generating the stack');
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`generation left no manifest in ${dir}/.yo-rc.json`);
  const config = buildStackConfig(manifest.answers as Answers, detectProject(dir));
  const workers = os.cpus().length * 2 + 1;
  writeBenchFiles(dir, config, workers);

  const stack = new Stack(dir);
  const cleanup = () => {
    log('cleaning up: containers, networks and volumes');
    stack.down();
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    const results = await measure(stack, config, workers, generation);
    const written = await writeReport(results, packageRoot());
    log(`wrote ${written.map((file) => path.relative(packageRoot(), file)).join(', ')}`);
  } finally {
    cleanup();
    fs.rmSync(workdir, { recursive: true, force: true });
  }
}

function writeBenchFiles(dir: string, config: StackConfig, workers: number): void {
  fs.mkdirSync(path.join(dir, 'bench-nginx'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-nginx', 'limit.conf'), LIMIT_NGINX_CONF);
  const generated = fs.readFileSync(path.join(dir, 'nginx', 'default.conf'), 'utf8');
  if (!generated.includes('gzip_static on;')) throw new Error('the generated nginx config no longer has gzip_static on');
  fs.writeFileSync(path.join(dir, 'bench-nginx', 'onthefly.conf'), generated.replace('gzip_static on;', 'gzip_static off;'));
  fs.mkdirSync(path.join(dir, 'bench-loadgen'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'bench-loadgen', 'Dockerfile'), LOADGEN_DOCKERFILE);
  fs.writeFileSync(path.join(dir, OVERRIDE_FILE), stringify(benchOverride(config, workers), { version: '1.1' }));
}

async function measure(stack: Stack, config: StackConfig, workers: number, generation: number[]): Promise<BenchResults> {
  // 5. Rebuild after a code-only change, against a cold build.
  log('cold build of the app image (--no-cache)…');
  const cold = must(stack.compose(['build', '--no-cache', 'app']), 'cold build');
  fs.appendFileSync(path.join(stack.dir, 'config', 'urls.py'), '\n# a code-only change\n');
  log('incremental build after a code-only change…');
  const incremental = must(stack.compose(['build', 'app']), 'incremental build');
  const dependencyLayerCached = /RUN pip install[^\n]*\n(?:#\d+ [^\n]*\n)*?#\d+ CACHED/.test(incremental.output);
  must(stack.compose(['build']), 'building the benchmark services');

  // 4. Time from `up` (images built) to healthy and to a passing check, on each Compose.
  const timeToHealthy: BenchResults['timeToHealthy'] = {};
  for (const variant of ['v2', 'v1'] as const) {
    const healthy: number[] = [];
    const checked: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      stack.down();
      process.env['DJANGO_STATIC_COMPOSE'] = variant;
      const started = Date.now();
      const result = await runHealthCheck({ config, cwd: stack.dir, down: false, log: () => {} });
      if (result === 'no-engine' || !result.ok) throw new Error(`the health check failed on Compose ${variant}: ${result === 'no-engine' ? 'no engine' : result.summary}`);
      healthy.push(result.secondsToHealthy!);
      checked.push((Date.now() - started) / 1000);
    }
    timeToHealthy[variant] = { healthySeconds: healthy, checkPassedSeconds: checked };
    log(`time to healthy on ${variant}: median ${median(healthy).toFixed(1)} s (check passed: ${median(checked).toFixed(1)} s)`);
  }
  delete process.env['DJANGO_STATIC_COMPOSE'];

  log('starting every variant…');
  must(stack.compose(['up', '-d', '--wait', 'app', 'nginx', 'whitenoise', 'djangoview', 'nginx-limit', ONTHEFLY_SERVICE], 600_000), 'up');
  const manifest = JSON.parse(must(stack.compose(['exec', '-T', 'app', 'cat', `${config.static.appDir}/staticfiles.json`]), 'reading staticfiles.json').output.replace(/^[^{]*/, '')) as { paths: Record<string, string> };
  const url = (variant: Variant, file: keyof typeof BENCH_FILES) => {
    const logical = BENCH_FILES[file];
    const name = variant === 'C' ? logical : manifest.paths[logical]!; // Django's view serves source names
    return `http://${VARIANTS[variant].service}:${VARIANTS[variant].port}${config.static.url}${name}`;
  };
  const host = ['-H', `Host: ${config.http.probeHost}`];
  waitUntilServing(stack, (['A', 'B', 'C', 'D'] as Variant[]).map((variant) => url(variant, 'css')), config);

  const wrk = (target: string, headers: string[] = []) => {
    const run = stack.loadgen(['wrk', '-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', ...host, ...headers, target]);
    return parseWrk(run.output);
  };

  // 1. Static throughput and latency, interleaved A B C D in every round.
  const load: LoadSample[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    for (const file of Object.keys(BENCH_FILES) as (keyof typeof BENCH_FILES)[]) {
      for (const gzip of [false, true]) {
        for (const variant of Object.keys(VARIANTS) as Variant[]) {
          const result = wrk(url(variant, file), gzip ? ['-H', 'Accept-Encoding: gzip'] : []);
          load.push({ round, variant, file, gzip, ...result });
          log(`round ${round} ${variant} ${file}${gzip ? ' gzip' : ''}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50ms.toFixed(2)} ms, p99 ${result.p99ms.toFixed(2)} ms${result.non2xx || result.errors ? ` (non-2xx ${result.non2xx}, errors ${result.errors})` : ''}`);
        }
      }
    }
  }

  // 3. App path: a small view through nginx, and straight to gunicorn.
  const appPath: BenchResults['appPath'] = { throughNginx: [], direct: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    appPath.throughNginx.push(wrk(`http://nginx:80/bench/hello`));
    appPath.direct.push(wrk(`http://app:${config.gunicorn.port}/bench/hello`));
  }

  // What a developer sees locally: host -> published port (docker-proxy included), once.
  const loadgenImage = `${config.projectName}-loadgen:latest`;
  const hostRun = must(
    sh('docker', ['run', '--rm', '--network', 'host', loadgenImage, 'wrk', '-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', ...host, `http://127.0.0.1:${config.http.port}${config.static.url}${manifest.paths[BENCH_FILES.css]}`], stack.dir),
    'host-path wrk',
  );
  const hostPath = parseWrk(hostRun.output);

  // 2. Bytes on the wire.
  const bytes = (service: string, name: string, gzip: boolean) =>
    Number(
      stack
        .loadgen(['sh', '-c', `wget -q -O - --header 'Host: ${config.http.probeHost}' ${gzip ? "--header 'Accept-Encoding: gzip'" : ''} http://${service}${config.static.url}${name} | wc -c`])
        .output.trim()
        .split('\n')
        .at(-1),
    );
  const wire: BenchResults['bytesOnTheWire'] = {};
  for (const file of Object.keys(BENCH_FILES) as (keyof typeof BENCH_FILES)[]) {
    const name = manifest.paths[BENCH_FILES[file]]!;
    wire[file] = { none: bytes('nginx', name, false), precompressed: bytes('nginx', name, true), onTheFly: bytes(ONTHEFLY_SERVICE, name, true) };
  }

  return {
    date: new Date().toISOString(),
    machine: machine(),
    settings: { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, wrkThreads: 2, gunicornWorkers: workers },
    load,
    appPath,
    hostPath,
    bytesOnTheWire: wire,
    timeToHealthy,
    rebuild: { coldSeconds: cold.seconds, incrementalSeconds: incremental.seconds, dependencyLayerCached },
    generationSeconds: generation,
  };
}

/** gunicorn variants start their own collectstatic: wait until every URL answers 200. */
function waitUntilServing(stack: Stack, urls: string[], config: StackConfig): void {
  const deadline = Date.now() + 120_000;
  const script = urls.map((u) => `wget -q -O /dev/null --header 'Host: ${config.http.probeHost}' ${u}`).join(' && ');
  while (Date.now() < deadline) {
    if (stack.compose(['run', '--rm', '--no-deps', '-T', LOADGEN_SERVICE, 'sh', '-c', script], 60_000).status === 0) return;
    spawnSync('sleep', ['1']);
  }
  throw new Error(`not every variant served its static URL within 120 s: ${urls.join(', ')}`);
}

function machine(): BenchResults['machine'] {
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
    images: version('docker', ['image', 'inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', 'python:3.12-slim']).includes('DJANGO_STATIC_STANDIN')
      ? 'offline stand-ins (Debian trixie: Python 3.13, Django 4.2, gunicorn, nginx 1.26)'
      : 'registry images',
  };
}

/** `node dist/bench/run.js --report-only <results.json>`: re-render the page and chart from raw figures. */
async function reportOnly(file: string): Promise<void> {
  const results = JSON.parse(fs.readFileSync(file, 'utf8')) as BenchResults;
  log(`wrote ${(await writeReport(results, packageRoot())).map((f) => path.relative(packageRoot(), f)).join(', ')}`);
}

const reportIndex = process.argv.indexOf('--report-only');
(reportIndex > 0 ? reportOnly(process.argv[reportIndex + 1] ?? '') : main()).catch((error: Error) => {
  process.stderr.write(`[bench] error: ${error.message}\n`);
  process.exit(1);
});
