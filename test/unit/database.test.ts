import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { buildStackConfig, ConfigError } from '../../lib/config/stack-config.js';
import { databaseFromUrl } from '../../lib/detect/database.js';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { checkInvariants } from '../../lib/validate/invariants.js';
import { validateOutput } from '../../lib/stack.js';
import * as databases from '../fixtures/databases.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll, resolveForTest } from './helpers.js';

type Compose = { services: Record<string, Record<string, any>>; volumes: Record<string, unknown> };

describe('database detection', () => {
  it('reads a startproject SQLite file with file and line', () => {
    const files = fixtures.startproject();
    const facts = detectProject(fixtures.writeProject(files));
    expect(facts.database?.value).toEqual({ engine: 'sqlite', form: 'dict', name: 'db.sqlite3' });
    const line = files['mysite/settings.py']!.split('\n').indexOf('DATABASES = {') + 1;
    expect(facts.database?.source).toEqual({ file: 'mysite/settings.py', line });
    expect(facts.postgresDriver).toBeUndefined();
  });

  it('reads ENGINE postgresql from the production module of a settings package, and the driver', () => {
    const facts = detectProject(fixtures.writeProject(databases.postgresPackage('psycopg')));
    expect(facts.settingsModule.value).toBe('config.settings.production');
    expect(facts.database?.value).toEqual({ engine: 'postgresql', form: 'dict', name: 'shop' });
    expect(facts.database?.source?.file).toBe('config/settings/production.py');
    expect(facts.postgresDriver?.value).toEqual({ module: 'psycopg', system: 'libpq' });
    expect(detectionReport(facts).find((line) => line.includes('database'))).toContain('postgresql (NAME shop)  [config/settings/production.py:7]');
  });

  it('reads dj_database_url.config(default=...) as a URL from DATABASE_URL', () => {
    const facts = detectProject(fixtures.writeProject(databases.djDatabaseUrl()));
    expect(facts.database?.value).toEqual({ engine: 'sqlite', form: 'url', name: 'db.sqlite3', variable: 'DATABASE_URL' });
    expect(facts.database?.env).toBe('DATABASE_URL');
    expect(facts.requiredEnv).toEqual([]); // config() without the variable is not an import error
  });

  it('reads env.db("DATABASE_URL") with no default as a required URL', () => {
    const facts = detectProject(fixtures.writeProject(databases.environDb()));
    expect(facts.database?.value).toEqual({ engine: 'unknown', form: 'url', variable: 'DATABASE_URL' });
    expect(facts.requiredEnv.map((read) => read.variable)).toEqual(['DATABASE_URL']);
    expect(facts.postgresDriver?.value).toEqual({ module: 'psycopg', system: 'none' });
  });

  it('tells drivers apart: binary builds bring libpq, psycopg2 builds from source', () => {
    const driver = (name: Parameters<typeof databases.postgresPackage>[0]) => detectProject(fixtures.writeProject(databases.postgresPackage(name))).postgresDriver?.value;
    expect(driver('psycopg[binary]')).toEqual({ module: 'psycopg', system: 'none' });
    expect(driver('psycopg2-binary')).toEqual({ module: 'psycopg2', system: 'none' });
    expect(driver('psycopg2')).toEqual({ module: 'psycopg2', system: 'build' });
    expect(driver('none')).toBeUndefined();
  });

  it('reads URLs the way dj-database-url does', () => {
    expect(databaseFromUrl('postgres://u:p@db:5432/shop')).toEqual({ engine: 'postgresql', name: 'shop', host: 'db' });
    expect(databaseFromUrl('sqlite:////srv/data/db.sqlite3')).toEqual({ engine: 'sqlite', name: '/srv/data/db.sqlite3' });
    expect(databaseFromUrl('mysql://u@h/app')).toEqual({ engine: 'mysql', name: 'app', host: 'h' });
    expect(databaseFromUrl('oracle://u@h/app').engine).toBe('other');
  });
});

describe('--database default and config', () => {
  const choice = (files: fixtures.Files) => resolveForTest(fixtures.writeProject(files)).answers.database;
  it('is sqlite for sqlite3, postgres for postgresql settings, external for a DATABASE_URL', () => {
    expect(choice(fixtures.startproject())).toBe('sqlite');
    expect(choice(databases.postgresPackage())).toBe('postgres');
    expect(choice(databases.djDatabaseUrl())).toBe('external');
    expect(choice(databases.environDb())).toBe('external');
  });

  it('refuses postgres without a driver, naming what to add', () => {
    const root = fixtures.writeProject(databases.postgresPackage('none'));
    const { answers, facts } = resolveForTest(root);
    expect(() => buildStackConfig(answers, facts)).toThrow(ConfigError);
    expect(() => buildStackConfig(answers, facts)).toThrow('add psycopg[binary] (or psycopg2-binary) to requirements.txt');
    expect(() => buildStackConfig({ ...answers, database: 'sqlite' }, facts)).not.toThrow();
  });

  it('makes DATABASE_URL required in external mode only', () => {
    const external = renderAll(fixtures.startproject(), { database: 'external' }).config;
    expect(external.settingsEnv.map((read) => read.variable)).toEqual(['DATABASE_URL']);
    expect(renderAll(fixtures.startproject()).config.settingsEnv).toEqual([]);
  });
});

describe('rendered database stacks', () => {
  it('sqlite: the data volume in app and migrate, owned by the app user, NAME inside it', () => {
    const { config, output } = renderAll(fixtures.startproject());
    const compose = parse(output.get('compose.yaml')!) as Compose;
    expect(compose.services['migrate']!.command).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
    expect(compose.services['migrate']!.volumes).toEqual(['data:/srv/django/data']);
    expect(compose.services['app']!.volumes).toContain('data:/srv/django/data');
    expect(compose.services['app']!.depends_on).toEqual({
      collectstatic: { condition: 'service_completed_successfully' },
      migrate: { condition: 'service_completed_successfully' },
    });
    expect(compose.services['db']).toBeUndefined();
    expect(Object.keys(compose.volumes)).toEqual(['static', 'data']);
    expect(compose.services['backup']).toMatchObject({ profiles: ['backup'], image: compose.services['app']!.image, volumes: ['data:/srv/django/data', './backups:/backups'] });
    expect(compose.services['backup']!.command[2]).toContain('.backup(copy)');
    expect(output.get('Dockerfile')).toContain('RUN mkdir -p /srv/django/static /srv/django/data \\\n    && chown app:app /srv/django/static /srv/django/data');
    expect(output.get('Dockerfile')!.split(/^FROM /m)[2]).not.toContain('apt-get'); // the runtime stage: no system packages for SQLite
    const overlay = output.get('mysite/settings_docker.py')!;
    expect(overlay).toContain('"NAME": "/srv/django/data/db.sqlite3"');
    expect(overlay).toContain('if django.VERSION >= (5, 1):');
    expect(output.get('.dockerignore')).toContain('\nbackups/\n');
    expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
  });

  it('postgres: a db service with a healthcheck and no port, migrate after it, libpq for plain psycopg', () => {
    const { config, output } = renderAll(databases.postgresPackage('psycopg'));
    const compose = parse(output.get('compose.yaml')!) as Compose;
    const db = compose.services['db']!;
    expect(db.image).toBe('postgres:17-alpine');
    expect(db.ports).toBeUndefined();
    expect(db.volumes).toEqual(['db:/var/lib/postgresql/data']);
    expect(db.healthcheck.test).toEqual(['CMD', 'pg_isready', '-U', 'app', '-d', 'app', '-h', '127.0.0.1']);
    expect(db.healthcheck.interval).toBe('1s');
    expect(compose.services['migrate']!.depends_on).toEqual({ db: { condition: 'service_healthy' } });
    expect(compose.services['app']!.environment).toMatchObject({ POSTGRES_USER: 'app', POSTGRES_DB: 'app' });
    expect(compose.services['backup']).toMatchObject({ image: 'postgres:17-alpine', profiles: ['backup'], volumes: ['./backups:/backups'] });
    expect(compose.services['backup']!.command[2]).toContain('pg_dump -Fc -h db -U app -d app');
    expect(Object.keys(compose.volumes)).toEqual(['static', 'db']);
    expect(output.get('Dockerfile')).toContain('apt-get install -y --no-install-recommends libpq5');
    expect(output.get('config/settings_docker.py')).toContain('"PASSWORD": os.environ["POSTGRES_PASSWORD"]');
    expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
  });

  it('postgres with psycopg2 from source installs its build dependencies; binary builds need none', () => {
    const [builder, runtime] = renderAll(databases.postgresPackage('psycopg2'))
      .output.get('Dockerfile')!
      .split(/^FROM /m)
      .slice(1);
    expect(builder).toContain('--no-install-recommends build-essential git libpq-dev');
    expect(runtime).toContain('--no-install-recommends libpq5');
    // The builder always has its toolchain; the runtime image gets no apt step at all.
    expect(
      renderAll(databases.postgresPackage('psycopg[binary]'))
        .output.get('Dockerfile')!
        .split(/^FROM /m)[2],
    ).not.toContain('apt-get');
  });

  it('external: no db and no backup service, the overlay reads DATABASE_URL', () => {
    const { config, output } = renderAll(databases.djDatabaseUrl());
    const compose = parse(output.get('compose.yaml')!) as Compose;
    expect(Object.keys(compose.services).sort()).toEqual(['app', 'collectstatic', 'migrate', 'nginx']);
    expect(compose.services['migrate']!.depends_on).toBeUndefined();
    expect(output.get('mysite/settings_docker.py')).toContain('DATABASES = {"default": _database_from_url(os.environ["DATABASE_URL"])}');
    expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
  });

  it('an overlay whose SQLite file is outside the data volume fails validation', () => {
    const { config, output } = renderAll(fixtures.startproject());
    const moved = new Map(output).set('mysite/settings_docker.py', output.get('mysite/settings_docker.py')!.replace('"/srv/django/data/db.sqlite3"', '"/app/db.sqlite3"'));
    expect(checkInvariants(config, (file) => moved.get(file))).toEqual([
      { file: 'mysite/settings_docker.py', message: 'the SQLite NAME is /app/db.sqlite3, but the data volume is mounted at /srv/django/data' },
    ]);
  });
});
