/**
 * Workers end to end, on both Compose versions: a Celery + Redis project whose generated check
 * sends a task through the broker and gets its result back, with the worker and beat healthy and
 * a beat-scheduled task seen to run; an RQ project the same way.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { celeryRedis, rqProject } from '../fixtures/processes.js';
import { until } from '../fixtures/poll.js';
import { cli, stacksFrom } from './stack.js';

const project = stacksFrom(19_620);

/** The first container of a compose service (stopped ones too with `all`), or undefined. */
function containerOf(projectName: string, service: string, all = false): string | undefined {
  const filters = ['--filter', `label=com.docker.compose.project=${projectName}`, '--filter', `label=com.docker.compose.service=${service}`];
  const ids = execFileSync('docker', ['ps', all ? '-aq' : '-q', ...filters], { encoding: 'utf8' }).trim();
  return ids ? ids.split('\n')[0] : undefined;
}

/** The health status Docker reports for a service's container ("healthy", "starting", ...). */
function health(projectName: string, service: string): string {
  const id = containerOf(projectName, service);
  return id ? execFileSync('docker', ['inspect', '--format', '{{.State.Health.Status}}', id], { encoding: 'utf8' }).trim() : 'no container';
}

/** The types of what is mounted in a service's container ("volume", "bind"); a tmpfs is not listed. */
function mountTypes(projectName: string, service: string): string[] {
  const id = containerOf(projectName, service);
  if (!id) return ['no container'];
  return execFileSync('docker', ['inspect', '--format', '{{range .Mounts}}{{.Type}} {{end}}', id], { encoding: 'utf8' }).trim().split(' ').filter(Boolean);
}

function logs(projectName: string, service: string): string {
  const id = containerOf(projectName, service, true);
  if (!id) return '';
  // Celery logs to stderr: both streams.
  const result = spawnSync('docker', ['logs', id], { encoding: 'utf8' });
  return `${result.stdout}${result.stderr}`;
}

for (const compose of ['v2', 'v1'] as const) {
  describe(`workers, Compose ${compose}`, () => {
    it('Celery + Redis: the task round trip passes, worker and beat are healthy, a beat-scheduled task runs', async () => {
      const name = `e2e-${compose}-celery`;
      const { dir, base } = project(celeryRedis(), name);
      // 768m: three pool children, a count this test's host (2 CPUs) would not give by Celery's default.
      const run = cli(dir, [...base, '--worker-memory', '768m'], { DJANGO_STATIC_COMPOSE: compose });
      expect(run.output).toMatch(/PASS {2}task round trip through the broker +celery celery: a task ran on a worker and its result came back/);
      expect(run.status, run.output).toBe(0);
      expect(health(name, 'worker-celery')).toBe('healthy');
      // Its pool as the overlay sets it from --worker-memory (a child per 256 MiB), not a child per host CPU.
      expect(logs(name, 'worker-celery')).toMatch(/concurrency: 3 \(prefork\)/);
      // Redis without persistence: its image's VOLUME /data is covered by a tmpfs, so no anonymous
      // volume is made (one would be left behind by every `down`).
      expect(mountTypes(name, 'redis')).toEqual([]);
      await until('beat healthy', () => (health(name, 'beat') === 'healthy' ? true : undefined), { timeoutMs: 120_000, intervalMs: 1000, last: () => health(name, 'beat') });
      // beat sends counter.tasks.tick every 2 s; the worker logs each one it ran.
      await until('a beat-scheduled tick run by the worker', () => (/Task counter\.tasks\.tick\[[^\]]+\] succeeded/.test(logs(name, 'worker-celery')) ? true : undefined), {
        timeoutMs: 120_000,
        intervalMs: 1000,
        last: () => logs(name, 'worker-celery').split('\n').slice(-5).join(' | '),
      });
    });

    it('RQ: os.getpid goes through Redis to each queue and comes back', () => {
      const name = `e2e-${compose}-rq`;
      const { dir, base } = project(rqProject(), name);
      const run = cli(dir, [...base, '--down'], { DJANGO_STATIC_COMPOSE: compose });
      expect(run.output).toMatch(/PASS {2}task round trip through the broker +rq default: os\.getpid ran in worker process \d+; rq low: os\.getpid ran/);
      expect(run.status, run.output).toBe(0);
    });
  });
}
