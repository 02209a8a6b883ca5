import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import * as databases from '../fixtures/databases.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const services = (dir: string) => Object.keys((parse(read(dir, 'compose.yaml')) as { services: object }).services).sort();
const envValue = (dir: string, name: string) =>
  read(dir, '.env')
    .split('\n')
    .find((line) => line.startsWith(`${name}=`))
    ?.slice(name.length + 1);

describe('yo django-static --database', () => {
  it('sqlite (startproject): migrate and backup services, the data volume, backups/ ignored by git', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    fs.mkdirSync(path.join(dir, '.git'));
    await generate(dir);
    expect(services(dir)).toEqual(['app', 'backup', 'collectstatic', 'migrate', 'nginx']);
    expect(read(dir, 'mysite/settings_docker.py')).toContain('"/srv/django/data/db.sqlite3"');
    expect(read(dir, '.gitignore').split('\n')).toEqual(expect.arrayContaining(['.env', 'backups/']));
    expect(envValue(dir, 'POSTGRES_PASSWORD')).toBeUndefined();
  });

  it('postgres: a db service and a random POSTGRES_PASSWORD, generated once and kept on re-runs', async () => {
    const dir = fixtures.writeProject(databases.postgresPackage('psycopg'));
    await generate(dir);
    expect(services(dir)).toEqual(['app', 'backup', 'collectstatic', 'db', 'migrate', 'nginx']);
    const password = envValue(dir, 'POSTGRES_PASSWORD');
    expect(password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(read(dir, 'Dockerfile')).toContain('libpq5');
    await generate(dir);
    await generate(dir, { force: true });
    expect(envValue(dir, 'POSTGRES_PASSWORD')).toBe(password);

    const other = fixtures.writeProject(databases.postgresPackage('psycopg'));
    await generate(other);
    expect(envValue(other, 'POSTGRES_PASSWORD')).not.toBe(password);
  });

  it('postgres without a driver: stops with one line naming what to add, and writes nothing', async () => {
    const dir = fixtures.writeProject(databases.postgresPackage('none'));
    const before = fs.readdirSync(dir).sort();
    await expect(generate(dir)).rejects.toThrow(/^--database postgres needs a PostgreSQL driver, and requirements\.txt has none: add psycopg\[binary\] \(or psycopg2-binary\) to requirements\.txt$/);
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('external (dj-database-url): no db service; DATABASE_URL documented and required before a check', async () => {
    const dir = fixtures.writeProject(databases.djDatabaseUrl());
    await generate(dir);
    expect(services(dir)).toEqual(['app', 'collectstatic', 'migrate', 'nginx']);
    expect(read(dir, '.env.example')).toMatch(/# read at mysite\/settings_docker\.py \(--database external\)\nDATABASE_URL=\n/);
    // Without --skip-health-check the run stops before any Docker work: .env lacks DATABASE_URL.
    await expect(generate(dir, { skipHealthCheck: false })).rejects.toThrow(/DATABASE_URL \(read at mysite\/settings_docker\.py \(--database external\)\)/);
  });

  it('overrides the detected default, and rejects a value that is not a choice', async () => {
    const dir = fixtures.writeProject(databases.postgresPackage('psycopg2'));
    await generate(dir, { database: 'sqlite' });
    expect(services(dir)).not.toContain('db');

    const bad = fixtures.writeProject(fixtures.startproject());
    await expect(generate(bad, { database: 'mongo' })).rejects.toThrow('--database: "mongo" is not one of sqlite, postgres, external');
    expect(fs.existsSync(path.join(bad, 'compose.yaml'))).toBe(false);
  });

  it('--delete-data without --down is refused before anything is written', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await expect(generate(dir, { deleteData: true })).rejects.toThrow('--delete-data only goes with --down');
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });
});
