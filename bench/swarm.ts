/**
 * `npm run bench -- --only swarm`: the benchmark project generated with --target swarm and
 * PostgreSQL, built and pushed to a local registry by its own swarm.sh, deployed on a
 * single-node swarm; then the seconds from `./swarm.sh deploy` (secrets + docker stack deploy)
 * to a passing `check`, and the app path's requests/s through nginx with 1, 2 and 4 app
 * replicas in one run (wrk on the host network against the published port). On a shared
 * engine, run it under /tmp/docker-e2e.lock: it joins (and leaves) a swarm.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitForConvergence } from '../lib/health/swarm-converge.js';
import { writeProject } from '../test/fixtures/projects.js';
import { joinSwarm, leaveSwarm, removeImages, removeStack, startRegistry, type Registry, type SwarmNode } from '../test/fixtures/swarm-engine.js';
import { APP_VIEWS, benchProject, LOADGEN_DOCKERFILE } from './project.js';
import { median, parseWrk, type WrkResult } from './wrk.js';

export interface SwarmSample extends WrkResult {
  replicas: number;
  round: number;
}

export interface SwarmResults {
  date: string;
  cpus: number;
  settings: { rounds: number; seconds: number; connections: number; wrkThreads: number; path: string };
  /** `./swarm.sh deploy` to a passing `check` (the images already pushed): the first deploy and a redeploy of the same tag. */
  deployToCheckSeconds: { first: number; again: number };
  samples: SwarmSample[];
}

export interface SwarmBenchOptions {
  cli: string;
  workdir: string;
  stack: string;
  port: number;
  registryPort: number;
  rounds: number;
  seconds: number;
  connections: number;
  log: (line: string) => void;
}

export const SWARM_REPLICAS = [1, 2, 4] as const;

function run(command: string, args: string[], cwd: string, timeoutMs = 900_000): { output: string; seconds: number } {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed:\n${output.slice(-2000)}`);
  return { output, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

export async function measureSwarm(options: SwarmBenchOptions): Promise<SwarmResults> {
  const { cli, stack, port, log } = options;
  const dir = writeProject(benchProject('postgres'), fs.mkdtempSync(path.join(options.workdir, 'swarm-')));
  const loadgen = `${stack}-loadgen:latest`;
  let node: SwarmNode | undefined;
  let registry: Registry | undefined;
  try {
    const repository = `127.0.0.1:${options.registryPort}/${stack}`;
    run(process.execPath, [cli, '--yes', '--project-name', stack, '--port', String(port), '--target', 'swarm', '--database', 'postgres', '--image-repository', repository], dir);
    node = joinSwarm();
    registry = await startRegistry(options.registryPort);
    log('swarm: building and pushing the app and static images…');
    run('./swarm.sh', ['build'], dir);
    run('./swarm.sh', ['push'], dir);
    const deployToCheck = () => run('./swarm.sh', ['deploy'], dir).seconds + run(process.execPath, [cli, 'check', '--timeout', '300'], dir).seconds;
    const first = deployToCheck();
    const again = deployToCheck();
    log(`swarm: deploy -> passing check ${first.toFixed(1)} s (first), ${again.toFixed(1)} s (same tag again)`);

    const built = spawnSync('docker', ['build', '-t', loadgen, '-'], { input: LOADGEN_DOCKERFILE, encoding: 'utf8', timeout: 300_000 });
    if (built.status !== 0) throw new Error(`building the load generator failed:\n${built.stderr.slice(-1000)}`);
    const url = `http://127.0.0.1:${port}${APP_VIEWS.hello}`;
    const wrk = (seconds: number) =>
      parseWrk(
        run('docker', ['run', '--rm', '--network', 'host', loadgen, 'wrk', '-t2', `-c${options.connections}`, `-d${seconds}s`, '--latency', '-H', `Host: localhost:${port}`, url], dir, 300_000).output,
      );
    const samples: SwarmSample[] = [];
    for (const replicas of SWARM_REPLICAS) {
      run('docker', ['service', 'scale', '--detach', `${stack}_app=${replicas}`], dir);
      const converged = await waitForConvergence(stack, 300_000, () => {});
      if (!converged.ok) throw new Error(`the stack did not converge at ${replicas} replicas: ${JSON.stringify(converged.verdicts)}`);
      await new Promise((resolve) => setTimeout(resolve, 3000)); // nginx's resolver keeps an answer 2 s
      wrk(2); // warm-up: every worker of every replica has answered
      for (let round = 1; round <= options.rounds; round++) samples.push({ replicas, round, ...wrk(options.seconds) });
      const rps = median(samples.filter((s) => s.replicas === replicas).map((s) => s.requestsPerSecond));
      log(`swarm: ${replicas} app replica${replicas > 1 ? 's' : ''}: ${rps.toFixed(0)} req/s (median of ${options.rounds})`);
    }
    return {
      date: new Date().toISOString(),
      cpus: os.cpus().length,
      settings: { rounds: options.rounds, seconds: options.seconds, connections: options.connections, wrkThreads: 2, path: APP_VIEWS.hello },
      deployToCheckSeconds: { first, again },
      samples,
    };
  } finally {
    log('swarm: removing the stack, its secrets, volumes and images, the registry, and the swarm if this run made it');
    await removeStack(stack);
    removeImages(`127.0.0.1:${options.registryPort}/${stack}/`, `${stack}-`);
    registry?.stop();
    if (node) leaveSwarm(node);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
