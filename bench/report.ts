/**
 * Turns one benchmark run into bench/results/<date>-<host>.json, docs/benchmarks.md and a
 * chart rendered from the same figures with vega-lite.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { doctorRatio, type DoctorResults } from './doctor.js';
import { stats, type GenerationResults } from './generation.js';
import type { HttpsResults } from './https.js';
import { SWARM_REPLICAS, type SwarmResults } from './swarm.js';
import { VARIANTS, type Variant } from './variants.js';
import { median, type WrkResult } from './wrk.js';

export interface LoadSample extends WrkResult {
  round: number;
  variant: Variant;
  file: 'css' | 'js';
  gzip: boolean;
}

/** Seconds from `up` (images built) to healthy and to a passing health check, one value a round. */
export interface TimeToCheck {
  healthySeconds: number[];
  checkPassedSeconds: number[];
}

/** The bench project generated with `--database postgres`. */
export interface DatabaseResults {
  kind: 'postgres';
  image: string;
  driver: string;
  /** `down -v` before each round: initdb and every migration are inside the figure. */
  firstStart: Partial<Record<'v1' | 'v2', TimeToCheck>>;
  /** Compose v2, volumes kept: the database is there already. */
  secondStart: TimeToCheck;
  appPath: { helloThroughNginx: WrkResult[]; helloDirect: WrkResult[]; rowThroughNginx: WrkResult[]; rowDirect: WrkResult[] };
}

export interface BenchResults {
  date: string;
  machine: Record<string, string | number>;
  settings: { rounds: number; seconds: number; connections: number; wrkThreads: number; gunicornWorkers: number };
  load: LoadSample[];
  /** The SQLite stack: a view without the database; rows*: a view reading one row (absent in older results). */
  appPath: { throughNginx: WrkResult[]; direct: WrkResult[]; rowThroughNginx?: WrkResult[]; rowDirect?: WrkResult[] };
  hostPath: WrkResult;
  bytesOnTheWire: Record<string, { none: number; precompressed: number; onTheFly: number }>;
  timeToHealthy: Partial<Record<'v1' | 'v2', TimeToCheck>>;
  /** The same project with PostgreSQL (absent in older results). */
  database?: DatabaseResults;
  /** The 1-minute load average before the Docker phases and after them: other work on the machine skews every figure. */
  loadAverage?: [number, number];
  rebuild: { coldSeconds: number; incrementalSeconds: number; dependencyLayerCached: boolean };
  /** Set by `--only warm-up`, which re-measures timeToHealthy and database.firstStart/secondStart alone. */
  warmUp?: { date: string; rounds: number; loadAverage: [number, number] };
  /** Generation time, hyperfine-style (`--only generation` re-measures just this). */
  generation?: GenerationResults;
  /** HTTPS next to plain HTTP (absent in older results; `--only https` re-measures just this). */
  https?: HttpsResults;
  /** Docker Swarm: app-path req/s by replica count, deploy to a passing check (`--only swarm`). */
  swarm?: SwarmResults;
  /** doctor against `nginx -t` on the same generated file (`--only doctor`). */
  doctor?: DoctorResults;
  /** Earlier results: five plain timings of the generator, no comparison with Node's start-up. */
  generationSeconds?: number[];
}

interface Target {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

const combos = ['css', 'css gzip', 'js', 'js gzip'] as const;
const comboOf = (sample: LoadSample) => `${sample.file}${sample.gzip ? ' gzip' : ''}`;
const range = (values: number[], digits = 0) => `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;

function staticMedians(results: BenchResults): Map<string, number[]> {
  const grouped = new Map<string, number[]>();
  for (const sample of results.load) {
    const key = `${sample.variant}|${comboOf(sample)}`;
    grouped.set(key, [...(grouped.get(key) ?? []), sample.requestsPerSecond]);
  }
  return grouped;
}

export function targets(results: BenchResults): Target[] {
  const grouped = staticMedians(results);
  const rps = (variant: Variant, combo: string) => median(grouped.get(`${variant}|${combo}`) ?? [Number.NaN]);
  const worstRatio = (other: Variant) => Math.min(...combos.map((combo) => rps('A', combo) / rps(other, combo)));
  const nginxCost = 1 - median(results.appPath.throughNginx.map((r) => r.requestsPerSecond)) / median(results.appPath.direct.map((r) => r.requestsPerSecond));
  const list: Target[] = [
    { name: 'A vs D (static req/s)', goal: '≥ 0.9 × D', value: `${worstRatio('D').toFixed(2)} × (worst file/encoding)`, met: worstRatio('D') >= 0.9 },
    { name: 'A vs B (WhiteNoise)', goal: '≥ 8 × B', value: `${worstRatio('B').toFixed(1)} ×`, met: worstRatio('B') >= 8 },
    { name: 'A vs C (Django view)', goal: '≥ 30 × C', value: `${worstRatio('C').toFixed(1)} ×`, met: worstRatio('C') >= 30 },
    { name: 'nginx cost on the app path', goal: '≤ 10 %', value: `${(nginxCost * 100).toFixed(1)} %`, met: nginxCost <= 0.1 },
  ];
  for (const [variant, times] of Object.entries(results.timeToHealthy)) {
    const checked = median(times.checkPassedSeconds);
    list.push({
      name: `warm up → passing check, SQLite (Compose ${variant})`,
      goal: '≤ 10 s',
      value: `${checked.toFixed(1)} s (healthy after ${median(times.healthySeconds).toFixed(1)} s)`,
      met: checked <= 10,
    });
  }
  for (const [variant, times] of Object.entries(results.database?.firstStart ?? {})) {
    const checked = median(times.checkPassedSeconds);
    list.push({
      name: `warm up → passing check with PostgreSQL, empty volumes (Compose ${variant})`,
      goal: '≤ 15 s',
      value: `${checked.toFixed(1)} s (healthy after ${median(times.healthySeconds).toFixed(1)} s)`,
      met: checked <= 15,
    });
  }
  const rebuildShare = results.rebuild.incrementalSeconds / results.rebuild.coldSeconds;
  list.push({
    name: 'incremental rebuild vs cold',
    goal: '≤ 25 %, dependency layer cached',
    value: `${(rebuildShare * 100).toFixed(0)} % (${results.rebuild.incrementalSeconds.toFixed(1)} s / ${results.rebuild.coldSeconds.toFixed(1)} s), dependency layer ${results.rebuild.dependencyLayerCached ? 'cached' : 'REBUILT'}`,
    met: rebuildShare <= 0.25 && results.rebuild.dependencyLayerCached,
  });
  const generation = stats(results.generation?.cliSeconds ?? results.generationSeconds ?? [Number.NaN]).median;
  const overNode = results.generation ? ` (${(generation / stats(results.generation.nodeStartupSeconds).median).toFixed(1)} × \`node -e 0\`)` : '';
  if (results.https) {
    const ratio = httpsRatio(results.https);
    list.push({ name: 'HTTPS keep-alive vs plain HTTP (static req/s)', goal: '≥ 0.8 × HTTP', value: `${ratio.toFixed(2)} ×`, met: ratio >= 0.8 });
  }
  list.push({ name: 'generation (--yes --skip-health-check), median', goal: '≤ 1.0 s', value: `${generation.toFixed(2)} s${overNode}`, met: generation <= 1.0 });
  const corpus = results.generation?.corpus;
  if (corpus?.length) {
    const slowest = corpus.map((shape) => ({ slug: shape.slug, median: stats(shape.seconds).median })).sort((a, b) => b.median - a.median)[0]!;
    list.push({ name: `generation of every corpus shape (${corpus.length}), slowest median`, goal: '≤ 1.0 s', value: `${slowest.median.toFixed(2)} s (${slowest.slug})`, met: slowest.median <= 1.0 });
  }
  if (results.doctor) {
    const ratio = doctorRatio(results.doctor);
    const rss = Math.max(...results.doctor.doctorMaxRssMb);
    list.push({
      name: `doctor on ${results.doctor.servers.toLocaleString('en')} server blocks vs nginx -t`,
      goal: '≤ 3 × nginx -t, ≤ 200 MB',
      value: `${ratio.toFixed(2)} ×, ${rss.toFixed(0)} MB`,
      met: ratio <= 3 && rss <= 200,
    });
  }
  return list;
}

async function chart(results: BenchResults): Promise<string> {
  const grouped = staticMedians(results);
  const values = [...grouped].map(([key, samples]) => {
    const [variant, combo] = key.split('|') as [Variant, string];
    return { variant: VARIANTS[variant].label, request: combo, rps: median(samples) };
  });
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Static files: requests/s (median, log scale)', subtitle: `${results.machine['cores']} cores, ${results.settings.connections} connections, wrk inside the compose network` },
    data: { values },
    mark: 'bar',
    width: 120,
    height: 260,
    encoding: {
      column: { field: 'request', type: 'nominal', title: null, sort: [...combos] },
      x: { field: 'variant', type: 'nominal', title: null, axis: { labels: false, ticks: false } },
      y: { field: 'rps', type: 'quantitative', title: 'requests/s', scale: { type: 'log' }, stack: null }, // stacking breaks log scales
      color: { field: 'variant', type: 'nominal', title: 'serves /static/', legend: { orient: 'bottom', columns: 2, labelLimit: 0 } },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

function markdown(results: BenchResults, jsonPath: string, chartFile: string): string {
  const grouped = staticMedians(results);
  const rows = (Object.keys(VARIANTS) as Variant[]).map((variant) => {
    const cells = combos.map((combo) => {
      const samples = grouped.get(`${variant}|${combo}`) ?? [];
      const latencies = results.load.filter((s) => s.variant === variant && comboOf(s) === combo);
      return `${median(samples).toFixed(0)} (${range(samples)}); p50 ${median(latencies.map((s) => s.p50ms)).toFixed(2)} ms, p99 ${median(latencies.map((s) => s.p99ms)).toFixed(2)} ms`;
    });
    return `| ${VARIANTS[variant].label} | ${cells.join(' | ')} |`;
  });
  const wire = Object.entries(results.bytesOnTheWire).map(
    ([file, b]) => `| ${file} | ${b.none} | ${b.onTheFly} (${((b.onTheFly / b.none) * 100).toFixed(0)} %) | ${b.precompressed} (${((b.precompressed / b.none) * 100).toFixed(0)} %) |`,
  );
  const m = results.machine;
  return `# Benchmarks

Generated by \`npm run bench\` on ${results.date.slice(0, 10)}; raw figures: [\`${jsonPath}\`](../${jsonPath}).
Re-run it to replace this page. Nothing here is typed by hand.

## Method

- One run measures every variant, interleaved (A B C D, A B C D, …), ${results.settings.rounds === 1 ? '**1 round** (`BENCH_ROUNDS=1`: single measurements, so every min–max below is that one figure and there is no spread)' : `${results.settings.rounds} rounds`}, each measurement
  ${results.settings.seconds} s of \`wrk -t${results.settings.wrkThreads} -c${results.settings.connections} --latency\`. Figures are medians with the min–max over rounds.
- Load comes from a container **inside the compose network**, so docker-proxy does not dominate; the host → published
  port path is measured once below.
- The project: the settings-package fixture with Django's admin, a ${Math.round(results.bytesOnTheWire['js']!.none / 1024)} KB JS bundle and a
  ${Math.round(results.bytesOnTheWire['css']!.none / 1024)} KB stylesheet in \`STATICFILES_DIRS\`. Every gunicorn variant runs ${results.settings.gunicornWorkers} workers.
- Variants: **A** the generated nginx config over the shared volume (the product); **B** gunicorn + WhiteNoise with
  \`CompressedManifestStaticFilesStorage\` (what cookiecutter-django does); **C** gunicorn with
  \`django.contrib.staticfiles.views.serve\` (the naive route); **D** a minimal hand-tuned nginx (\`sendfile\`, no access
  log) over the same volume: the ceiling.
- Machine: ${m['cores']} × ${m['cpu']}, ${m['memoryGiB']} GiB, kernel ${m['kernel']}, Docker ${m['docker']}, Compose ${m['composeV2']} / docker-compose ${m['composeV1']},
  Node ${m['node']}; images: ${m['images']}. The load generator shares the ${m['cores']} cores with the servers, so absolute
  numbers are low and ratios are what carries over.${
    results.loadAverage
      ? `
- Load: the 1-minute load average was ${results.loadAverage[0].toFixed(1)} before the Docker phases and ${results.loadAverage[1].toFixed(1)} after them.`
      : ''
  }

## Static files: requests/s (median, min–max) and latency

| variant | css | css, gzip | js | js, gzip |
|---|---|---|---|---|
${rows.join('\n')}

![requests per second by variant](${chartFile})

Host → published port (docker-proxy included), css via the generated nginx: ${results.hostPath.requestsPerSecond.toFixed(0)} req/s,
p50 ${results.hostPath.p50ms.toFixed(2)} ms, p99 ${results.hostPath.p99ms.toFixed(2)} ms.

## Bytes on the wire (gzip requested)

| file | no compression | on the fly (gzip_comp_level 5) | precompressed (gzip_static, level 9) |
|---|---|---|---|
${wire.join('\n')}

## App path

${appPathSection(results)}
${databaseStartSection(results)}${httpsSection(results)}${swarmSection(results)}${generationSection(results)}${doctorSection(results)}## Targets

| target | goal | measured | |
|---|---|---|---|
${targets(results)
  .map((t) => `| ${t.name} | ${t.goal} | ${t.value} | ${t.met ? 'met' : '**missed**'} |`)
  .join('\n')}

## Reading these figures

- Everything shares ${m['cores']} cores: wrk, nginx, gunicorn and dockerd, so both the absolute figures and the ratios
  belong to this machine. Scaling with more cores was not measured.
- The app-path cost is measured the same way: nginx's CPU per proxied request comes out of gunicorn's share, and
  gunicorn's sync workers close every connection, so nginx's upstream keepalive cannot help. gthread workers
  (which keep connections) were measured too and were slower through nginx (connections stick to busy workers).
${
  String(m['images']).includes('stand-in')
    ? `- The images were offline stand-ins: \`pip install\` has nothing to download, so the "cold" build is short and the
  rebuild ratio understates what a cached dependency layer saves with real downloads.
`
    : ''
}`;
}

const appRps = (runs: WrkResult[]) => `${median(runs.map((r) => r.requestsPerSecond)).toFixed(0)} (${range(runs.map((r) => r.requestsPerSecond))})`;
const appCell = (runs: WrkResult[] | undefined) =>
  runs?.length ? `${appRps(runs)}; p50 ${median(runs.map((r) => r.p50ms)).toFixed(2)} ms, p99 ${median(runs.map((r) => r.p99ms)).toFixed(2)} ms` : '—';

function appPathSection(results: BenchResults): string {
  const app = results.appPath;
  if (!app.rowThroughNginx) return `A small Django view: through nginx ${appRps(app.throughNginx)} req/s, straight to gunicorn ${appRps(app.direct)} req/s.\n`;
  const db = results.database?.appPath;
  const rows = [
    ['`/bench/hello` (no database)', 'SQLite', app.throughNginx, app.direct],
    ['`/bench/row` (one row, by primary key)', 'SQLite', app.rowThroughNginx, app.rowDirect],
    ...(db
      ? [
          ['`/bench/hello` (no database)', 'PostgreSQL', db.helloThroughNginx, db.helloDirect],
          ['`/bench/row` (one row, by primary key)', 'PostgreSQL', db.rowThroughNginx, db.rowDirect],
        ]
      : []),
  ] as [string, string, WrkResult[], WrkResult[] | undefined][];
  return `Two small Django views in the benchmark project, same wrk settings as above: one answers without touching the
database, one reads one row (a model the bench app's migration created and filled, \`Greeting.objects.get(id=1)\`).
Requests/s, median (min–max), and latency:

| view | stack | through nginx | straight to gunicorn |
|---|---|---|---|
${rows.map(([view, stack, nginx, direct]) => `| ${view} | ${stack} | ${appCell(nginx)} | ${appCell(direct)} |`).join('\n')}

The SQLite stack is the one measured above; the PostgreSQL stack is the same project generated with
\`--database postgres\`${results.database ? ` (${results.database.image}, driver ${results.database.driver}, \`CONN_MAX_AGE\` 60: each gunicorn worker keeps its connection)` : ''},
measured before the SQLite stack started and stopped before it. For comparison, static files through the same nginx reach the figures in the first table.
`;
}

function databaseStartSection(results: BenchResults): string {
  const db = results.database;
  if (!db) return '';
  const seconds = (values: number[]) => `${median(values).toFixed(1)} (${range(values, 1)})`;
  const row = (what: string, compose: string, times: TimeToCheck | undefined) => (times ? `| ${what} | ${compose} | ${seconds(times.healthySeconds)} | ${seconds(times.checkPassedSeconds)} |` : '');
  // `--only warm-up` re-measures this phase alone, so it carries its own date, rounds and load.
  const alone = results.warmUp;
  const rounds = alone?.rounds ?? results.settings.rounds;
  return `## Warm up → passing check${alone ? ` (measured ${alone.date.slice(0, 16).replace('T', ' ')} UTC)` : ''}

Images built; each round starts with \`down\`, then the product's own health check (\`up --build --wait\` on v2, polling on
v1, then every probe through nginx, the admin login included). Seconds, median (min–max) over ${rounds} round${rounds === 1 ? '' : 's'}${alone ? ` (load average ${alone.loadAverage.map((l) => l.toFixed(1)).join(' → ')} on ${results.machine['cores']} cores)` : ''}:

| stack | Compose | up → healthy | up → check passed |
|---|---|---|---|
${[
  row('SQLite, empty volumes', 'v2', results.timeToHealthy.v2),
  row('SQLite, empty volumes', 'v1', results.timeToHealthy.v1),
  row('PostgreSQL, empty volumes (initdb + every migration)', 'v2', db.firstStart.v2),
  row('PostgreSQL, empty volumes (initdb + every migration)', 'v1', db.firstStart.v1),
  row('PostgreSQL, volumes kept (second start)', 'v2', db.secondStart),
]
  .filter(Boolean)
  .join('\n')}

`;
}

const httpsRps = (https: HttpsResults, scheme: 'http' | 'https', connection: 'keep-alive' | 'new') => https.samples.filter((s) => s.scheme === scheme && s.connection === connection);

function httpsRatio(https: HttpsResults): number {
  const rps = (scheme: 'http' | 'https') => median(httpsRps(https, scheme, 'keep-alive').map((s) => s.requestsPerSecond));
  return rps('https') / rps('http');
}

function httpsSection(results: BenchResults): string {
  const https = results.https;
  if (!https) return '';
  const row = (scheme: 'http' | 'https', connection: 'keep-alive' | 'new') => {
    const samples = httpsRps(https, scheme, connection);
    const rps = samples.map((s) => s.requestsPerSecond);
    return `| ${scheme.toUpperCase()} | ${connection === 'new' ? 'new connection per request' : 'keep-alive'} | ${median(rps).toFixed(0)} (${range(rps)}) | ${median(samples.map((s) => s.p50ms)).toFixed(2)} | ${median(samples.map((s) => s.p99ms)).toFixed(2)} |`;
  };
  const s = https.settings;
  return `## HTTPS next to plain HTTP (measured ${https.date.slice(0, 16).replace('T', ' ')} UTC)

The static CSS file, wrk inside the compose network (${s.wrkThreads} threads, ${s.connections} connections, ${s.seconds} s, ${s.rounds} interleaved rounds).
HTTPS: ${https.servers.https}; HTTP: ${https.servers.http}, on the same volume. A new connection per request
(\`Connection: close\`) measures the handshake: over HTTPS each is a full TLS handshake.

| scheme | connections | requests/s (median, min–max) | p50 ms | p99 ms |
|---|---|---|---|---|
${row('http', 'keep-alive')}
${row('https', 'keep-alive')}
${row('http', 'new')}
${row('https', 'new')}

HTTPS keep-alive serves ${httpsRatio(https).toFixed(2)} × plain HTTP's requests/s (target ≥ 0.8 ×).

`;
}

function swarmSection(results: BenchResults): string {
  const swarm = results.swarm;
  if (!swarm) return '';
  const s = swarm.settings;
  const rpsOf = (replicas: number) => swarm.samples.filter((sample) => sample.replicas === replicas);
  const one = median(rpsOf(1).map((sample) => sample.requestsPerSecond));
  const rows = SWARM_REPLICAS.map((replicas) => {
    const samples = rpsOf(replicas);
    const rps = samples.map((sample) => sample.requestsPerSecond);
    const failed = samples.reduce((sum, sample) => sum + sample.errors + sample.non2xx, 0);
    return `| ${replicas} | ${median(rps).toFixed(0)} (${range(rps)}) | ${(median(rps) / one).toFixed(2)} × | ${median(samples.map((x) => x.p50ms)).toFixed(2)} | ${median(samples.map((x) => x.p99ms)).toFixed(2)} | ${failed} |`;
  });
  return `## Docker Swarm: app replicas (measured ${swarm.date.slice(0, 16).replace('T', ' ')} UTC, ${swarm.cpus} CPUs)

The bench project generated with \`--target swarm --database postgres\`, on a single-node swarm: \`${s.path}\` through the
nginx front's host-mode port, wrk on the host network (${s.wrkThreads} threads, ${s.connections} connections, ${s.seconds} s, ${s.rounds} rounds
per replica count, after a 2 s warm-up), each replica with the generated gunicorn workers.

| app replicas | requests/s (median, min–max) | vs 1 replica | p50 ms | p99 ms | errors + non-2xx |
|---|---|---|---|---|---|
${rows.join('\n')}

On ${swarm.cpus} CPUs, wrk, nginx, every gunicorn worker and dockerd share the same cores: more replicas add workers, not
cores, so the figures show the ceiling of one machine, not Swarm's scaling${median(rpsOf(4).map((x) => x.requestsPerSecond)) < one ? ' (here 4 replicas serve fewer requests/s than 1: each brings its own gunicorn workers, all competing for the same cores)' : ''}. Replicas pay off across nodes, and for
availability (rolling updates, a replaced task) on one.

From \`./swarm.sh deploy\` (secrets, \`docker stack deploy\`) to a passing \`check\`, images already pushed:
${swarm.deployToCheckSeconds.first.toFixed(1)} s for the first deploy (PostgreSQL's initdb, the migrate job, every replica healthy),
${swarm.deployToCheckSeconds.again.toFixed(1)} s for a redeploy of the same tag (the migrate job runs again; the replicas are unchanged).

`;
}

function generationSection(results: BenchResults): string {
  const run = results.generation;
  if (!run) return '';
  const [cli, node] = [stats(run.cliSeconds), stats(run.nodeStartupSeconds)];
  const row = (what: string, s: ReturnType<typeof stats>) => `| ${what} | ${s.median.toFixed(3)} | ${s.min.toFixed(3)} | ${s.max.toFixed(3)} | ${s.stddev.toFixed(3)} |`;
  // `--only generation` re-measures this phase alone, so it carries its own date.
  return `## Generation time (measured ${run.date.slice(0, 16).replace('T', ' ')} UTC)

\`${run.command}\` on ${run.project}, Node ${run.node}: ${run.warmups} warm-ups, then ${run.cliSeconds.length} runs,
each followed by \`node -e 0\` so both see the same machine${run.loadAverage ? ` (load average ${run.loadAverage.map((l) => l.toFixed(1)).join(' → ')} on ${results.machine['cores']} cores)` : ''}. Seconds of wall time:

| command | median | min | max | σ |
|---|---|---|---|---|
${row('generator', cli)}
${row('`node -e 0`', node)}

The generator takes ${(cli.median / node.median).toFixed(1)} × Node's own start-up (median ${cli.median.toFixed(2)} s; target ≤ 1.0 s).

${corpusGenerationTable(run)}`;
}

/** The real-project corpus shapes, each as its entry runs it; target ≤ 1.0 s each. */
function corpusGenerationTable(run: GenerationResults): string {
  const corpus = run.corpus;
  if (!corpus?.length) return '';
  const rows = corpus.map((shape) => {
    const s = stats(shape.seconds);
    const how = [shape.cwd === '.' ? '' : `from \`${shape.cwd}\``, shape.options.length ? `\`${shape.options.join(' ')}\`` : ''].filter(Boolean).join(', ') || 'no option';
    return `| ${shape.slug} | ${how} | ${s.median.toFixed(3)} | ${s.min.toFixed(3)} | ${s.max.toFixed(3)} | ${s.median <= 1.0 ? 'yes' : 'no'} |`;
  });
  return `The real-project corpus shapes (\`test/fixtures/corpus\`, the ones that generate), the same command plus each shape's one option, run from its folder,
a fresh copy per run, interleaved shape by shape: a warm-up round, then ${corpus[0]!.seconds.length} rounds. Seconds of wall time:

| shape | run | median | min | max | ≤ 1.0 s |
|---|---|---|---|---|---|
${rows.join('\n')}

`;
}

function doctorSection(results: BenchResults): string {
  const run = results.doctor;
  if (!run) return '';
  const [doctor, nginx] = [stats(run.doctorSeconds), stats(run.nginxSeconds)];
  const row = (what: string, s: ReturnType<typeof stats>) => `| ${what} | ${s.median.toFixed(2)} | ${s.min.toFixed(2)} | ${s.max.toFixed(2)} |`;
  // `--only doctor` measures this phase alone, so it carries its own date.
  return `## doctor against nginx -t (measured ${run.date.slice(0, 16).replace('T', ' ')} UTC)

One generated file of ${run.servers.toLocaleString('en')} server blocks (${run.lines.toLocaleString('en')} lines; a static and a proxied location each, every
fourth with the off-by-slash alias and a listing: ${run.findings.toLocaleString('en')} findings, each with its diff), read by \`doctor --nginx
<file> --format json\` and by \`nginx -t\` (${run.nginx}), interleaved, ${run.doctorSeconds.length} rounds, Node ${run.node}, load average
${run.loadAverage.map((l) => l.toFixed(1)).join(' → ')} on ${results.machine['cores']} cores. Seconds of wall time:

| command | median | min | max |
|---|---|---|---|
${row('doctor', doctor)}
${row('`nginx -t`', nginx)}

doctor takes ${doctorRatio(run).toFixed(2)} × \`nginx -t\` (target ≤ 3 ×); its peak resident memory is ${Math.max(...run.doctorMaxRssMb).toFixed(0)} MB (target ≤ 200 MB).

`;
}

export async function writeReport(results: BenchResults, root: string): Promise<string[]> {
  const stamp = `${results.date.slice(0, 10)}-${String(results.machine['host']).replace(/[^\w.-]/g, '_')}`;
  const jsonPath = `bench/results/${stamp}.json`;
  fs.mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
  fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(root, jsonPath), `${JSON.stringify(results, null, 2)}\n`);
  const chartFile = 'benchmarks-static.svg';
  fs.writeFileSync(path.join(root, 'docs', chartFile), await chart(results));
  fs.writeFileSync(path.join(root, 'docs', 'benchmarks.md'), markdown(results, jsonPath, chartFile));
  return [path.join(root, jsonPath), path.join(root, 'docs', 'benchmarks.md'), path.join(root, 'docs', chartFile)];
}
