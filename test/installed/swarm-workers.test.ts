/**
 * Celery workers on Docker Swarm, as a user meets them (issue 23): the installed package through
 * real yo, as the non-root user, on the Celery + Redis project (Celery 5.5 and kombu 5.5 on the
 * 3.12 stand-in, as PyPI gives them). `yo django-static --target swarm --yes --replicas 2` and
 * `./swarm.sh up` deploy it on a real single-node swarm: the worker runs 2 replicas, beat exactly 1, and
 * `yo django-static:check` passes its task round trip. Then tasks are enqueued through the app
 * (POST /enqueue/<n>, one task each, kept enqueuing meanwhile) while `./swarm.sh up` rolls out a
 * new image whose task code changed: every task the app accepted is found done in the result
 * backend afterwards, enqueued = done. The stack, registry, secrets, volumes and images are
 * removed afterwards (on failure too); the swarm is the one found, and is left as found.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { send } from '../../lib/probe/http-probe.js';
import { waitForConvergence } from '../../lib/health/swarm-converge.js';
import { celeryCounted } from '../fixtures/processes.js';
import { until } from '../fixtures/poll.js';
import { dockerOut, swarmStackForFile } from '../fixtures/swarm-engine.js';
import { runAsUserAsync, userProject } from './user.js';

const { base, prefix } = inject('installed');

const STACK = 'djsswarmwk';
const PORT = 19_741;
const REGISTRY_PORT = 19_742;
const HOST = { Host: `localhost:${PORT}` };
const WORKER = `${STACK}_worker-celery`;
/** Tasks enqueued ahead of those done, at most: enough that each worker holds tasks in hand and prefetched when it is stopped. */
const BACKLOG = 40;
/**
 * How long one task may wait to be accepted. The update replaces the app's replicas too, and on
 * this 2-core machine, with other suites running beside, a new replica took minutes to become
 * healthy while the old ones were already gone.
 */
const ACCEPT_MS = 420_000;

let dir: string;

/** A command as the user, in the project, without blocking this process. */
const asUser = (command: string[]) => runAsUserAsync(command, { cwd: dir, prefix });

/** A docker command's standard output, without blocking this process. */
function dockerAsync(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => (status === 0 ? resolve(stdout) : reject(new Error(`docker ${args.slice(0, 3).join(' ')}: ${stderr.trim()}`))));
  });
}

const converged = async (timeoutMs = 300_000) => {
  const result = await waitForConvergence(STACK, timeoutMs, () => {});
  const stuck = result.verdicts.filter((verdict) => verdict.state !== 'converged').map((verdict) => `${verdict.name}'s last lines:\n${lastLines(verdict.name.slice(STACK.length + 1))}`);
  expect(result.ok, `${JSON.stringify(result.verdicts)}\n${stuck.join('\n')}`).toBe(true);
};

const running = (service: string) => dockerOut('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${STACK}_${service}`).split('\n').filter(Boolean);
const replicasOf = (service: string) => Number(dockerOut('service', 'inspect', '--format', '{{.Spec.Mode.Replicated.Replicas}}', `${STACK}_${service}`));
const imageOf = (container: string) => dockerOut('inspect', '--format', '{{.Config.Image}}', container).split('@')[0]!;

/** A service's last log lines, both streams (for a failure's message). */
function lastLines(service: string): string {
  const logs = spawnSync('docker', ['service', 'logs', '--raw', '--tail', '30', `${STACK}_${service}`], { encoding: 'utf8', timeout: 60_000 });
  return `${logs.stdout}${logs.stderr}`.trim();
}

interface Done {
  n: number;
  release: string;
  worker: string;
}

/**
 * The `record` tasks done: their results in the result backend (Redis database 1, key
 * celery-task-meta-count-<n>), read in one step by a Lua script in the stack's Redis.
 */
async function doneTasks(): Promise<Done[]> {
  const [redis] = running('redis');
  const script = "local out = {} for _, key in ipairs(redis.call('KEYS', ARGV[1])) do out[#out + 1] = redis.call('GET', key) end return out";
  const output = await dockerAsync(['exec', redis!, 'redis-cli', '-n', '1', 'EVAL', script, '0', 'celery-task-meta-count-*']);
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { status: string; result: Done })
    .filter((meta) => meta.status === 'SUCCESS')
    .map((meta) => meta.result);
}

/**
 * Enqueues tasks through the app until stopped, one POST each, at most BACKLOG ahead of those
 * done (read from the result backend when the backlog is full). A task the app did not answer
 * 200 for is sent again under the same id (its result key is the same), so every id counted as
 * enqueued was accepted, and none is left in doubt.
 */
function enqueueLoop() {
  const tally = { enqueued: new Set<number>(), retries: 0, lastErrors: [] as string[], done: 0, largestBacklog: 0, failure: undefined as string | undefined };
  let going = true;
  const enqueue = async (n: number) => {
    const deadline = Date.now() + ACCEPT_MS;
    for (;;) {
      try {
        const response = await send(PORT, { method: 'POST', path: `/enqueue/${n}`, headers: HOST });
        if (response.status === 200 && response.body === `queued ${n}`) return;
        tally.lastErrors = [...tally.lastErrors, `${n}: HTTP ${response.status}`].slice(-5);
      } catch (error) {
        tally.lastErrors = [...tally.lastErrors, `${n}: ${(error as Error).message}`].slice(-5);
      }
      tally.retries++;
      if (Date.now() > deadline) throw new Error(`task ${n} was not accepted within ${ACCEPT_MS / 1000} s: ${tally.lastErrors.join('; ')}\nthe app's last lines:\n${lastLines('app')}`);
    }
  };
  const loop = async () => {
    let n = 0;
    while (going) {
      const backlog = tally.enqueued.size - tally.done;
      tally.largestBacklog = Math.max(tally.largestBacklog, backlog);
      if (backlog >= BACKLOG) {
        await until(
          'room in the backlog',
          async () => {
            tally.done = (await doneTasks()).length;
            return tally.enqueued.size - tally.done < BACKLOG || !going ? true : undefined;
          },
          { timeoutMs: 300_000, intervalMs: 500, last: () => `${tally.done} of ${tally.enqueued.size} done` },
        );
        continue;
      }
      n++;
      await enqueue(n);
      tally.enqueued.add(n);
    }
  };
  const finished = loop().catch((error: unknown) => {
    tally.failure = (error as Error).message;
  });
  const stop = async () => {
    going = false;
    await finished;
    if (tally.failure) throw new Error(tally.failure);
    return tally;
  };
  return { tally, stop };
}

const onSwarm = swarmStackForFile(STACK, PORT, REGISTRY_PORT);
beforeAll(() => {
  dir = userProject(base, 'swarm-workers', celeryCounted('v1'));
});

describe('Celery workers on a single-node swarm', () => {
  it('yo django-static --target swarm --yes --replicas 2 and ./swarm.sh up: the worker runs 2 replicas, beat 1, and the check passes the task round trip', async () => {
    const generated = await asUser(['yo', 'django-static', ...onSwarm, '--replicas', '2']);
    expect(generated.status, generated.output).toBe(0);
    // Two gunicorn workers per replica, as a user sets it on a small machine (this one has 2 CPUs and runs other tests beside).
    fs.appendFileSync(path.join(dir, '.env'), 'WEB_CONCURRENCY=2\n');
    const up = await asUser(['./swarm.sh', 'up']);
    expect(up.status, up.output).toBe(0);
    await converged();

    expect(replicasOf('worker-celery')).toBe(2);
    expect(replicasOf('beat')).toBe(1);
    expect(running('worker-celery')).toHaveLength(2);
    expect(running('beat')).toHaveLength(1);

    const check = await asUser(['yo', 'django-static:check', '--timeout', '300']);
    expect(check.output).toMatch(/PASS {2}task round trip through the broker +celery celery: a task ran on a worker and its result came back/);
    expect(check.output).not.toMatch(/^\s+FAIL /m);
    expect(check.status, check.output).toBe(0);
  });

  it('a rolling update of the worker image (./swarm.sh up with changed task code) while tasks are enqueued loses none: enqueued = done', async () => {
    const before = running('worker-celery').map(imageOf);
    const load = enqueueLoop();
    // Tasks queued and running before the update starts.
    await until('a backlog of tasks', () => (load.tally.enqueued.size >= BACKLOG || load.tally.failure ? true : undefined), {
      timeoutMs: 120_000,
      last: () => `${load.tally.enqueued.size} enqueued; ${load.tally.lastErrors.join('; ')}`,
    });
    if (load.tally.failure) await load.stop();

    fs.writeFileSync(path.join(dir, 'counter/tasks.py'), celeryCounted('v2')['counter/tasks.py']!);
    const started = Date.now();
    const up = await asUser(['./swarm.sh', 'up']);
    expect(up.status, up.output).toBe(0);
    await converged();
    const updateSeconds = (Date.now() - started) / 1000;
    const tally = await load.stop();

    // The tasks Swarm wants running (a replaced one may still be finishing its tasks in hand).
    const after = dockerOut('service', 'ps', '--filter', 'desired-state=running', '--format', '{{.Image}}', WORKER)
      .split('\n')
      .map((image) => image.split('@')[0]!);
    expect(after).toHaveLength(2);
    for (const image of after) expect(before, `${image} is a new image`).not.toContain(image);

    // Every task the app accepted, done: wait for the backlog to drain, then compare.
    const enqueued = [...tally.enqueued].sort((a, b) => a - b);
    let done: Done[] = [];
    const drainStarted = Date.now();
    await until(
      'every enqueued task done',
      async () => {
        done = await doneTasks();
        return done.length >= enqueued.length ? true : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000, last: () => `${done.length} of ${enqueued.length} done` },
    ).catch(() => undefined); // compared below, with the ids missing
    const byRelease = new Map<string, number>();
    for (const task of done) byRelease.set(task.release, (byRelease.get(task.release) ?? 0) + 1);
    const workers = new Set(done.map((task) => task.worker));
    console.log(
      `rolling update of the workers (./swarm.sh up to converged: ${updateSeconds.toFixed(0)} s, then ${((Date.now() - drainStarted) / 1000).toFixed(0)} s to drain): ` +
        `${enqueued.length} tasks enqueued, ${done.length} done (by release ${JSON.stringify([...byRelease])}, on ${workers.size} workers); ` +
        `largest backlog ${tally.largestBacklog}, ${tally.retries} enqueue requests retried${tally.lastErrors.length ? ` (last: ${tally.lastErrors.join('; ')})` : ''}`,
    );
    // What the stopped workers said (Celery's warm shutdown, and kombu's restoring of prefetched tasks).
    const logs = spawnSync('docker', ['service', 'logs', '--raw', WORKER], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    const shutdown = `${logs.stdout}${logs.stderr}`.split('\n').filter((line) => /warm shutdown|restoring|unacknowledged/i.test(line));
    console.log(`the workers' shutdown lines: ${[...new Set(shutdown.map((line) => line.trim()))].join(' | ') || 'none'}`);
    // Where a missing task may be: Redis's set of delivered, unacknowledged messages (kombu restores
    // them after its visibility timeout), and how each worker task ended (killed, or stopped).
    const [redis] = running('redis');
    const unacked = (await dockerAsync(['exec', redis!, 'redis-cli', '-n', '0', 'HLEN', 'unacked'])).trim();
    const ended = dockerOut('service', 'ps', '--no-trunc', '--format', '{{.Image}} {{.DesiredState}} {{.CurrentState}} {{.Error}}', WORKER);
    console.log(`unacknowledged messages in Redis: ${unacked}; the worker tasks:\n${ended.replace(/127\.0\.0\.1:\d+\/\S+\/app:/g, '')}`);
    const doneIds = done.map((task) => task.n).sort((a, b) => a - b);
    const missing = enqueued.filter((n) => !doneIds.includes(n));
    expect(missing, `${missing.length} enqueued tasks never done`).toEqual([]);
    expect(doneIds).toEqual(enqueued);
    // The update happened while tasks flowed: old and new workers both ran some.
    expect(byRelease.get('v1')).toBeGreaterThan(0);
    expect(byRelease.get('v2')).toBeGreaterThan(0);
    // Beat was replaced too, and is still exactly one.
    expect(running('beat')).toHaveLength(1);
  }, 1_200_000);
});
