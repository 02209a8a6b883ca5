/**
 * Generation time, hyperfine-style: the CLI on a fresh copy of the startproject fixture per
 * run, interleaved with `node -e 0` so both see the same machine, after a few warm-ups.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_FILES } from '../lib/config/names.js';
import { CORPUS } from '../test/fixtures/corpus/index.js';
import { startproject, writeProject } from '../test/fixtures/projects.js';

export interface GenerationResults {
  date: string;
  node: string;
  command: string;
  /** How each run got its project. */
  project: string;
  warmups: number;
  cliSeconds: number[];
  nodeStartupSeconds: number[];
  /** The machine's 1-minute load average before and after: other work on it skews both columns. */
  loadAverage?: [number, number];
  /** The real-project corpus shapes (test/fixtures/corpus), each run as its entry says (its folder, its one option). */
  corpus?: CorpusGeneration[];
}

export interface CorpusGeneration {
  slug: string;
  /** Where the run starts, inside the fixture, and the arguments beyond GENERATION_ARGS. */
  cwd: string;
  options: string[];
  seconds: number[];
}

export const GENERATION_ARGS = ['--yes', '--skip-health-check'];

export interface Stats {
  median: number;
  min: number;
  max: number;
  stddev: number;
}

export function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(middle)]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const stddev = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(values.length - 1, 1));
  return { median, min: sorted[0]!, max: sorted.at(-1)!, stddev };
}

/** A corpus entry's options ({ settingsModule: 'x' }) as the CLI takes them (--settings-module x). */
const cliOptions = (options: Record<string, unknown> = {}): string[] =>
  Object.entries(options).flatMap(([key, value]) => [`--${key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`, String(value)]);

/**
 * Every corpus shape that generates (not the pending ones), interleaved round by round so each
 * sees the same machine; one warm-up round. Each run gets a fresh copy, written before the timer.
 */
export function measureCorpusGeneration(options: { cli: string; workdir: string; runs: number; log: (line: string) => void }): CorpusGeneration[] {
  const { cli, workdir, runs, log } = options;
  const shapes = CORPUS.filter((entry) => !entry.pending).map((entry) => ({ entry, result: { slug: entry.slug, cwd: entry.cwd ?? '.', options: cliOptions(entry.options), seconds: [] as number[] } }));
  for (let round = 0; round <= runs; round++) {
    for (const { entry, result } of shapes) {
      const root = writeProject(entry.files(), fs.mkdtempSync(path.join(workdir, `corpus-${entry.slug}-`)));
      const seconds = timed([cli, ...GENERATION_ARGS, ...result.options], path.join(root, result.cwd), `generation of the corpus shape ${entry.slug}`);
      const stackDir = path.join(root, entry.stackIn ?? result.cwd);
      // Its compose file may have another name (beside the project's own): .yo-rc.json is always written.
      if (!fs.existsSync(path.join(stackDir, '.yo-rc.json'))) throw new Error(`generation of ${entry.slug} wrote no .yo-rc.json in ${stackDir}`);
      fs.rmSync(root, { recursive: true, force: true });
      if (round > 0) result.seconds.push(seconds);
    }
  }
  for (const { result } of shapes) {
    const s = stats(result.seconds);
    log(`generation, corpus ${result.slug}: median ${s.median.toFixed(3)} s (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}) over ${runs} runs`);
  }
  return shapes.map(({ result }) => result);
}

/** Wall time of one process, from spawn to exit; a failed run stops the benchmark. */
function timed(args: string[], cwd: string, what: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.slice(-2000)}`);
  return seconds;
}

export function measureGeneration(options: { cli: string; workdir: string; warmups: number; runs: number; corpusRuns: number; log: (line: string) => void }): GenerationResults {
  const { cli, workdir, warmups, runs, corpusRuns, log } = options;
  const cliSeconds: number[] = [];
  const nodeStartupSeconds: number[] = [];
  const loadBefore = os.loadavg()[0]!;
  for (let i = 0; i < warmups + runs; i++) {
    // Writing the project is not timed: only the generator's own run is.
    const dir = writeProject(startproject(), fs.mkdtempSync(path.join(workdir, 'generate-')));
    const cliRun = timed([cli, ...GENERATION_ARGS], dir, 'generation');
    if (!fs.existsSync(path.join(dir, GENERATED_FILES.compose))) throw new Error(`generation wrote no ${GENERATED_FILES.compose} in ${dir}`);
    const nodeRun = timed(['-e', '0'], dir, 'node -e 0');
    fs.rmSync(dir, { recursive: true, force: true });
    if (i < warmups) continue;
    cliSeconds.push(cliRun);
    nodeStartupSeconds.push(nodeRun);
  }
  const generation = stats(cliSeconds);
  const node = stats(nodeStartupSeconds);
  log(
    `generation: median ${generation.median.toFixed(3)} s (min ${generation.min.toFixed(3)}, max ${generation.max.toFixed(3)}, σ ${generation.stddev.toFixed(3)}) over ${runs} runs; ` +
      `node -e 0: median ${node.median.toFixed(3)} s; ${(generation.median / node.median).toFixed(1)} × Node's start-up`,
  );
  const corpus = corpusRuns > 0 ? measureCorpusGeneration({ cli, workdir, runs: corpusRuns, log }) : undefined;
  return {
    date: new Date().toISOString(),
    node: process.version,
    command: `node dist/bin/cli.js ${GENERATION_ARGS.join(' ')}`,
    project: 'a fresh copy of the startproject fixture per run (written before the timer starts)',
    warmups,
    cliSeconds,
    nodeStartupSeconds,
    loadAverage: [loadBefore, os.loadavg()[0]!],
    ...(corpus ? { corpus } : {}),
  };
}
