/**
 * Generation time, hyperfine-style: the CLI on a fresh copy of the startproject fixture per
 * run, interleaved with `node -e 0` so both see the same machine, after a few warm-ups.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GENERATED_FILES } from '../lib/config/names.js';
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

/** Wall time of one process, from spawn to exit; a failed run stops the benchmark. */
function timed(args: string[], cwd: string, what: string): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${what} failed (exit ${result.status}):\n${`${result.stdout}${result.stderr}`.slice(-2000)}`);
  return seconds;
}

export function measureGeneration(options: { cli: string; workdir: string; warmups: number; runs: number; log: (line: string) => void }): GenerationResults {
  const { cli, workdir, warmups, runs, log } = options;
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
  return {
    date: new Date().toISOString(),
    node: process.version,
    command: `node dist/bin/cli.js ${GENERATION_ARGS.join(' ')}`,
    project: 'a fresh copy of the startproject fixture per run (written before the timer starts)',
    warmups,
    cliSeconds,
    nodeStartupSeconds,
    loadAverage: [loadBefore, os.loadavg()[0]!],
  };
}
