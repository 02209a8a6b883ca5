/**
 * Issue 12's "done when", as a user runs it: the installed package through real yo, as the
 * non-root user, on a fresh startproject (SQLite settings, a PostgreSQL driver in
 * requirements.txt): `yo django-static --target swarm --yes`, then the printed `./swarm.sh up`,
 * then `yo django-static:check` passes on a single-node swarm. The swarm (when this run made
 * it), the registry, the stack, its secrets, volumes and images are removed afterwards.
 */
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { probe } from '../../lib/health/http-probe.js';
import { startproject } from '../fixtures/projects.js';
import { joinSwarm, leaveSwarm, removeImages, removeStack, startRegistry, type Registry, type SwarmNode } from '../fixtures/swarm-engine.js';
import { exists, read, runAsUser, userProject } from './user.js';

const { base, prefix } = inject('installed');
const STACK = 'djsinstswarm';
const PORT = 19_611;
const REGISTRY_PORT = 19_660;

let node: SwarmNode | undefined;
let registry: Registry | undefined;

beforeAll(async () => {
  node = joinSwarm();
  registry = await startRegistry(REGISTRY_PORT);
});

afterAll(async () => {
  try {
    await removeStack(STACK);
    removeImages(`127.0.0.1:${REGISTRY_PORT}/${STACK}/`, `${STACK}-`);
  } finally {
    registry?.stop();
    if (node) leaveSwarm(node);
  }
});

it('yo django-static --target swarm --yes, ./swarm.sh up, yo django-static:check: passes on a single-node swarm', async () => {
  const dir = userProject(base, 'swarm', { ...startproject(), 'requirements.txt': 'Django>=4.2,<5.3\ngunicorn>=20\npsycopg>=3.1\n' });
  const run = (command: string[], timeoutMs?: number) => {
    const result = runAsUser(command, { cwd: dir, prefix, timeoutMs });
    return { ...result, output: result.stdout + result.stderr };
  };

  const generated = run(['yo', 'django-static', '--target', 'swarm', '--yes', '--project-name', STACK, '--port', String(PORT), '--image-repository', `127.0.0.1:${REGISTRY_PORT}/${STACK}`]);
  expect(generated.status, generated.output).toBe(0);
  // SQLite settings: the run says it chose PostgreSQL, and prints the commands it did not run.
  expect(generated.output).toMatch(/--target swarm: your settings use SQLite.*runs PostgreSQL/);
  expect(generated.output).toContain('./swarm.sh up does build, push and deploy');
  for (const file of ['stack.yaml', 'swarm.sh', 'docker/release.Dockerfile', 'compose.yaml']) expect(exists(dir, file), file).toBe(true);
  expect(read(dir, '.yo-rc.json')).toMatch(/"database": "postgres"/);

  const up = run(['./swarm.sh', 'up'], 600_000);
  expect(up.status, up.output).toBe(0);
  expect(up.output).toMatch(new RegExp(`deployed ${STACK} with tag [0-9a-f]{12}`));

  const check = run(['yo', 'django-static:check', '--timeout', '300'], 600_000);
  expect(check.status, check.output).toBe(0);
  expect(check.output).toMatch(/Stack converged after/);
  expect(check.output).toMatch(/PASS {2}static file from nginx/);
  expect(check.output).toMatch(/PASS {2}admin login through nginx/);
  const admin = await probe(PORT, '/admin/login/', { Host: `localhost:${PORT}` });
  expect(admin.status).toBe(200);

  const down = run(['./swarm.sh', 'down']);
  expect(down.status, down.output).toBe(0);
});
