/**
 * Workers' faults end to end, on both Compose versions: Celery with --broker external whose
 * settings keep their default broker URL, redis://localhost:6379/0. Inside a container localhost
 * is the container itself, so no broker answers there (the most likely way to get an external
 * broker wrong, and one whose traffic stays inside the worker's own container). The check must
 * fail and say which processes, at which address, and which .env variable to set.
 */
import { describe, expect, it } from 'vitest';
import { celeryRedis } from '../fixtures/processes.js';
import { cli, stacksFrom } from './stack.js';

const project = stacksFrom(19_640);

for (const compose of ['v2', 'v1'] as const) {
  describe(`fault: a worker that cannot reach its broker, Compose ${compose}`, () => {
    it('--broker external left at the settings default, localhost: the check fails and says where the URL is set and what to put there', () => {
      const name = `e2e-${compose}-nobroker`;
      const { dir, base } = project(celeryRedis(), name);
      const run = cli(dir, [...base, '--broker', 'external', '--down'], { DJANGO_STATIC_COMPOSE: compose });
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toMatch(
        /^ {2}- worker-celery and beat cannot reach their broker at redis:\/\/localhost:6379\/0 \(worker-celery is [a-z, ]+; beat is [a-z, ]+\)\. localhost inside a container is that container itself/m,
      );
      expect(run.output).toContain("Set CELERY_BROKER_URL in .env to the broker's address as the containers reach it");
      expect(run.output).toMatch(/said:\n {4}.*Cannot connect to redis:\/\/localhost:6379\/0|said:\n {4}.*connecting to localhost:6379/);
    });
  });
}
