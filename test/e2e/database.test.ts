/**
 * The database, end to end and for real (issue 9): for SQLite in a volume, the stack's own
 * PostgreSQL, and an external PostgreSQL, the generated stack starts, migrates, passes every
 * check including the admin login through nginx, keeps its rows across --down and a
 * regeneration, and backs up and restores. Faults fail with a named diagnosis.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.js';
import { ComposeProject, findCompose } from '../../lib/health/compose-cli.js';
import * as dbFixtures from '../fixtures/db-e2e.js';
import * as fixtures from '../fixtures/projects.js';
import { cli, composeDown } from './stack.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let nextPort = 18_600;
function project(files: fixtures.Files, name: string, port = nextPort++) {
  const dir = fixtures.writeProject(files);
  cleanups.push(() => composeDown(dir, name));
  return { dir, port, base: ['--yes', '--project-name', name, '--port', String(port)] };
}

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', timeout: 120_000 }).trim();

const passedWithLogin = (output: string) => {
  expect(output).not.toMatch(/^\s+FAIL /m);
  expect(output).toMatch(/PASS {2}static file from nginx/);
  expect(output).toMatch(/PASS {2}least privilege/);
  expect(output).toMatch(/PASS {2}admin login through nginx\s+GET \/admin\/login\/ 200 → POST 302 → GET \/admin\/ 200 → logout 200 → GET \/admin\/ 302/);
};

/** A user written through Django in the running app, and whether it is there. */
const KEEPER = 'keeper';
async function writeRow(stack: ComposeProject) {
  const run = await stack.run(['exec', '-T', 'app', 'python', 'manage.py', 'shell', '-c', `from django.contrib.auth.models import User; User.objects.create_user("${KEEPER}", password=None)`]);
  expect(run.exitCode, run.output).toBe(0);
}
async function rowExists(stack: ComposeProject): Promise<boolean> {
  const run = await stack.run([
    'exec',
    '-T',
    'app',
    'python',
    'manage.py',
    'shell',
    '-c',
    `from django.contrib.auth.models import User; print("rows:", User.objects.filter(username="${KEEPER}").count())`,
  ]);
  expect(run.exitCode, run.output).toBe(0);
  return /rows: 1/.test(run.output);
}
async function deleteRow(stack: ComposeProject) {
  const run = await stack.run(['exec', '-T', 'app', 'python', 'manage.py', 'shell', '-c', `from django.contrib.auth.models import User; User.objects.filter(username="${KEEPER}").delete()`]);
  expect(run.exitCode, run.output).toBe(0);
  expect(await rowExists(stack)).toBe(false);
}

/** `--profile backup run --rm backup`: one timestamped dump in ./backups. */
async function backUp(stack: ComposeProject, dir: string): Promise<string> {
  const run = await stack.run(['--profile', 'backup', 'run', '--rm', 'backup'], { timeoutMs: 120_000 });
  expect(run.exitCode, run.output).toBe(0);
  expect(run.output).toMatch(/backup written: backups\/db-/);
  const dumps = fs.readdirSync(path.join(dir, 'backups')).filter((name) => name.startsWith('db-'));
  expect(dumps).toHaveLength(1);
  return dumps[0]!;
}

/**
 * Rows written, --down, regenerated with another answer (--workers 3), started and checked
 * again: the rows are there. Then backed up, wiped, restored: the rows are back.
 */
async function dataSurvives(stack: ComposeProject, dir: string, base: string[], env: Record<string, string>, restore: (dump: string) => Promise<void>) {
  await writeRow(stack);
  const down = cli(dir, ['check', '--down'], env);
  expect(down.status, down.output).toBe(0);
  expect(down.output).toMatch(/Kept: the [a-z, ]+ volumes? \(data\)/);
  const again = cli(dir, [...base, '--workers', '3'], env);
  expect(again.output).toMatch(/files this changes: [^\n]*gunicorn\.conf\.py/);
  expect(fs.readFileSync(path.join(dir, 'gunicorn.conf.py'), 'utf8')).toContain('or 3)');
  passedWithLogin(again.output);
  expect(again.status, again.output).toBe(0);
  expect(await rowExists(stack)).toBe(true);

  const dump = await backUp(stack, dir);
  await deleteRow(stack);
  await restore(dump);
  expect(await rowExists(stack)).toBe(true);
}

for (const variant of ['v2', 'v1'] as const) {
  const env = { DJANGO_STATIC_COMPOSE: variant };
  const composeFor = async (dir: string, name: string) => new ComposeProject((await findCompose(variant))!, dir, name);

  describe(`databases on Compose ${variant}`, () => {
    it('startproject: SQLite in the data volume, the admin login passes, rows survive --down and regeneration, backup and restore', async () => {
      const name = `dbe2e-${variant}-sqlite`;
      const { dir, base } = project(fixtures.startproject(), name);
      const run = cli(dir, base, env);
      expect(run.output).toContain(variant === 'v2' ? 'with Compose v2' : 'with docker-compose 1.');
      passedWithLogin(run.output);
      expect(run.status, run.output).toBe(0);
      const stack = await composeFor(dir, name);
      await dataSurvives(stack, dir, base, env, async (dump) => {
        // SQLite's online backup API, in reverse: consistent while the app keeps running.
        const script = `import sqlite3; source = sqlite3.connect("/backups/${dump}"); target = sqlite3.connect("/srv/django/data/db.sqlite3"); source.backup(target)`;
        const restored = await stack.run(['--profile', 'backup', 'run', '--rm', 'backup', 'python', '-c', script], { timeoutMs: 120_000 });
        expect(restored.exitCode, restored.output).toBe(0);
      });
    });

    it('a settings package with PostgreSQL from environment variables (--database postgres, psycopg): checked, rows survive, backup and restore', async () => {
      const name = `dbe2e-${variant}-postgres`;
      const { dir, base } = project(dbFixtures.postgresFromEnvironment(), name);
      const args = [...base, '--database', 'postgres'];
      const run = cli(dir, args, env);
      expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toContain('image: postgres:17-alpine');
      passedWithLogin(run.output);
      expect(run.status, run.output).toBe(0);
      const stack = await composeFor(dir, name);
      await dataSurvives(stack, dir, args, env, async (dump) => {
        const script = `PGPASSWORD="$POSTGRES_PASSWORD" pg_restore -h db -U app -d app --clean --if-exists /backups/${dump}`;
        const restored = await stack.run(['--profile', 'backup', 'run', '--rm', 'backup', 'sh', '-c', script], { timeoutMs: 120_000 });
        expect(restored.exitCode, restored.output).toBe(0);
      });
    });

    it('dj-database-url with --database external: PostgreSQL started outside the stack, checked with the admin login', () => {
      const name = `dbe2e-${variant}-external`;
      const { dir, base } = project(dbFixtures.databaseUrlProject(), name);
      const url = externalPostgres(name);
      fs.writeFileSync(path.join(dir, '.env'), `DATABASE_URL=${url}\n`); // kept: .env is never overwritten
      const run = cli(dir, [...base, '--database', 'external'], env);
      expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).not.toMatch(/postgres:17/);
      passedWithLogin(run.output);
      expect(run.status, run.output).toBe(0);
    });
  });
}

/**
 * A PostgreSQL the stack does not manage, as a user's own server would be: on its own
 * user-defined network, its port published on that network's gateway address, which is an
 * address of the Docker host. The stack's containers reach it through the host, like any
 * server outside Docker, on Compose v1 and v2 alike: no shared network has to be declared
 * in the generated compose file (external networks, extra_hosts: host-gateway), and the
 * default bridge's container addresses are not reachable from another bridge network.
 * Binding to the gateway only keeps the test database off the machine's other interfaces.
 */
function externalPostgres(name: string, password = 'external-secret'): string {
  const network = `${name}-net`;
  const container = `${name}-pg`;
  const port = nextPort++;
  cleanups.push(() => {
    spawnSync('docker', ['rm', '-f', '-v', container], { stdio: 'ignore' });
    spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
  });
  docker('network', 'create', network);
  const gateway = docker('network', 'inspect', network, '--format', '{{range .IPAM.Config}}{{.Gateway}}{{end}}');
  expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  docker(
    'run',
    '-d',
    '--name',
    container,
    '--network',
    network,
    '-p',
    `${gateway}:${port}:5432`,
    '-e',
    `POSTGRES_PASSWORD=${password}`,
    '-e',
    'POSTGRES_USER=shop',
    '-e',
    'POSTGRES_DB=shop',
    'postgres:17-alpine',
  );
  const deadline = Date.now() + 60_000;
  while (spawnSync('docker', ['exec', container, 'pg_isready', '-U', 'shop', '-d', 'shop', '-h', '127.0.0.1'], { stdio: 'ignore' }).status !== 0) {
    if (Date.now() > deadline) throw new Error(`external PostgreSQL not ready: ${docker('logs', container)}`);
    spawnSync('sleep', ['0.5']);
  }
  return `postgres://shop:${password}@${gateway}:${port}/shop`;
}

describe('database faults are caught and named', () => {
  it('a migration that raises', () => {
    const { dir, base } = project(dbFixtures.failingMigration(), 'dbe2e-fault-migration');
    const run = cli(dir, [...base, '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/The migrations failed \(migrate exited with 1\), so the app never started[\s\S]*RuntimeError: this migration fails on purpose/);
  });

  it('a wrong database password in .env (postgres)', async () => {
    const name = 'dbe2e-fault-password';
    const { dir, base } = project(dbFixtures.postgresFromEnvironment(), name);
    expect(cli(dir, [...base, '--database', 'postgres', '--skip-health-check']).status).toBe(0);
    // The volume is initialised with the generated password; then .env is changed by hand.
    const stack = new ComposeProject((await findCompose('v2'))!, dir, name);
    expect((await stack.run(['up', '-d', '--wait', 'db'], { timeoutMs: 120_000 })).exitCode).toBe(0);
    const envFile = path.join(dir, '.env');
    fs.writeFileSync(envFile, fs.readFileSync(envFile, 'utf8').replace(/^POSTGRES_PASSWORD=.*$/m, 'POSTGRES_PASSWORD=not-the-one'));
    const run = cli(dir, ['check', '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/The database refused the password for user "app": POSTGRES_PASSWORD in \.env is not the one the db volume was created with/);
  });

  it('an unreachable database (external, DATABASE_URL naming localhost)', () => {
    const { dir, base } = project(dbFixtures.databaseUrlProject(), 'dbe2e-fault-unreachable');
    fs.writeFileSync(path.join(dir, '.env'), 'DATABASE_URL=postgres://shop:secret@localhost:5432/shop\n');
    const run = cli(dir, [...base, '--database', 'external', '--down']);
    expect(run.status).not.toBe(0);
    // psycopg 3 reports the address it tried for localhost: ::1 or 127.0.0.1.
    expect(run.output).toMatch(
      /The database server (localhost|::1|127\.0\.0\.1) cannot be reached from the stack's containers: DATABASE_URL in \.env names localhost, which inside a container is the container itself/,
    );
  });

  // The diagnosis reads the check's own probe, the same whichever Compose runs the stack: v2 only.
  for (const variant of ['v2'] as const) {
    it(`a login form refused by CSRF: nginx forwards Host without the port, .env trusts only the production origin (Compose ${variant})`, () => {
      const env = { DJANGO_STATIC_COMPOSE: variant };
      const { dir, base, port } = project(fixtures.startproject(), `i9-csrf-fault-${variant}`, variant === 'v2' ? 19_150 : 19_151);
      expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
      // Two edits a user makes: the nginx snippet found everywhere ($host drops the port), and
      // their real domain as the only trusted origin (the .env value replaces the generated list).
      const nginxConf = path.join(dir, 'nginx', 'default.conf');
      const conf = fs.readFileSync(nginxConf, 'utf8');
      expect(conf).toContain('proxy_set_header Host $http_host;');
      fs.writeFileSync(nginxConf, conf.replace('proxy_set_header Host $http_host;', 'proxy_set_header Host $host;'));
      fs.appendFileSync(path.join(dir, '.env'), 'DJANGO_CSRF_TRUSTED_ORIGINS=https://shop.example.com\n');
      const run = cli(dir, ['check', '--down'], env);
      expect(run.status, run.output).not.toBe(0);
      expect(run.output).toMatch(/PASS {2}app through nginx/);
      expect(run.output).toMatch(/FAIL {2}admin login through nginx\s+GET \/admin\/login\/ 200 → POST \/admin\/login\/: 403 \(CSRF verification failed\)/);
      expect(run.output).toContain(
        `The admin login form was refused with 403 (CSRF): the browser's Origin is http://localhost:${port}, and Django accepts only http://<the Host nginx forwards> or CSRF_TRUSTED_ORIGINS (https://shop.example.com).`,
      );
    });
  }
});

/** The volumes compose created for a project (both Compose versions label them). */
const volumesOf = (name: string) => docker('volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${name}`).split('\n').filter(Boolean);

describe('--delete-data asks first in an interactive run', () => {
  it('answered no, the data volume and its rows are kept; answered yes, it is deleted', async () => {
    const name = 'i9-delete-data';
    const { dir, base, port } = project(fixtures.startproject(), name, 19_152);
    const first = cli(dir, base);
    expect(first.status, first.output).toBe(0);
    const stack = new ComposeProject((await findCompose('v2'))!, dir, name);
    await writeRow(stack);

    // The generator as `yo django-static --down --delete-data` runs it without --yes (name and port
    // given as the first run gave them): every other question keeps its default; the confirmation
    // gets `answer`, and its wording is recorded.
    const asked: string[] = [];
    const interactive = (answer: boolean) =>
      helpers
        .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
        .cd(dir)
        .withOptions({ projectName: name, port: String(port), down: true, deleteData: true, force: false } as never)
        .withAnswers(
          {},
          {
            callback: (value: unknown, { question }: { question: { message?: unknown } }) => {
              if (!String(question.message).startsWith('--delete-data')) return value;
              asked.push(String(question.message));
              return answer;
            },
          },
        );

    await interactive(false);
    expect(asked).toEqual([`--delete-data: after the check, delete the volumes ${name}_data for good (the database and uploads in them)?`]);
    expect(volumesOf(name)).toEqual([`${name}_data`]); // static went with --down; data stayed
    expect((await stack.run(['up', '-d', '--wait'], { timeoutMs: 300_000 })).exitCode).toBe(0);
    expect(await rowExists(stack)).toBe(true);

    await interactive(true);
    expect(asked).toHaveLength(2);
    expect(volumesOf(name)).toEqual([]);
  });
});
