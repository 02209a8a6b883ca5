/**
 * The generator on project shapes that failed on public projects: static files on object
 * storage, settings that require environment variables, and paths chosen by a conditional.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as realWorld from '../fixtures/real-world.js';
import { writeProject } from '../fixtures/projects.js';
import helpers from 'yeoman-test';
import AppGenerator from '../../generators/app/index.js';
import { generate } from './run.js';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
/** The answers in .yo-rc.json (yeoman-test files them under "*", yo under the package name). */
const storedAnswers = (dir: string) => (Object.values(JSON.parse(read(dir, '.yo-rc.json')))[0] as { manifest: { answers: Record<string, unknown> } }).manifest.answers;

describe('static files on object storage in production', () => {
  it('under --yes: says what it found, serves them from the volume, and the overlay switches the storage', async () => {
    const dir = writeProject(realWorld.objectStorage());
    await generate(dir);
    expect(read(dir, 'nginx/default.conf')).toContain('location /static/ {');
    const overlay = read(dir, 'config/settings_docker.py');
    expect(overlay).toContain('STATIC_URL = "/static/"');
    expect(overlay).toContain('_storages["staticfiles"] = {"BACKEND": _static_backend if "Manifest" in _static_backend else _MANIFEST_STORAGE}');
    expect(storedAnswers(dir).remoteStatic).toBe('volume');
  });

  it('--remote-static stop writes nothing and says why', async () => {
    const dir = writeProject(realWorld.objectStorage());
    await expect(generate(dir, { remoteStatic: 'stop' })).rejects.toThrow(
      /stopped, nothing written \(--remote-static stop\): your production settings serve static files from the storage storages\.backends\.s3\.S3Storage \(config\/settings\/production\.py:\d+\)/,
    );
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });

  it('asks interactively, offering both paths', async () => {
    const dir = writeProject(realWorld.objectStorage());
    const run = helpers
      .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
      .cd(dir)
      .withOptions({ skipHealthCheck: true, force: false } as never)
      .withAnswers({}, { callback: (answer, { question }) => (String(question.message).startsWith('Your production settings serve static files') ? 'stop' : answer) });
    await expect(run).rejects.toThrow(/stopped, nothing written/);
  });

  it('a project without remote storage is never asked, and stores no such answer', async () => {
    const dir = writeProject(realWorld.typedSettings());
    await generate(dir);
    expect(storedAnswers(dir)).not.toHaveProperty('remoteStatic');
  });
});

describe('settings that require environment variables', () => {
  it('lists each one in .env.example with the file and line that reads it', async () => {
    const dir = writeProject(realWorld.requiredEnv());
    await generate(dir);
    const example = read(dir, '.env.example');
    expect(example).toMatch(/# read at config\/settings\/production\.py:4\nDJANGO_ALLOWED_HOSTS=\n/);
    expect(example).toMatch(/# read at config\/settings\/production\.py:5\nDATABASE_URL=\n/);
    expect(example).not.toMatch(/read at .*\nDJANGO_SECRET_KEY=/); // .env holds it already
    // read only inside an if the reader cannot decide: listed with its condition, and it does not stop the run
    expect(example).toMatch(/# read at config\/settings\/production\.py:\d+, required only when `env\.bool\("USE_SENTRY", default=False\)`\nSENTRY_DSN=\n/);
  });

  it('stops before building, with the list, while .env lacks them; stops no more once .env has them', async () => {
    const dir = writeProject(realWorld.requiredEnv());
    await expect(generate(dir, { skipHealthCheck: false })).rejects.toThrow(
      /require environment variables that \.env does not set[\s\S]*DJANGO_ALLOWED_HOSTS \(read at config\/settings\/production\.py:4\)\n\s+DATABASE_URL \(read at config\/settings\/production\.py:5\)\nAdd them to \.env/,
    );
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(true); // the files are written; only the build waits
    fs.appendFileSync(path.join(dir, '.env'), 'DJANGO_ALLOWED_HOSTS=localhost\nDATABASE_URL=sqlite:////tmp/db.sqlite3\n');
    await expect(generate(dir, { skipHealthCheck: true })).resolves.toBeDefined();
  });
});

describe('paths chosen by a conditional expression', () => {
  it('reads the fallback, so the local data folder stays out of the image', async () => {
    const dir = writeProject(realWorld.conditionalPaths());
    await generate(dir);
    const ignore = read(dir, '.dockerignore').split('\n');
    expect(ignore).toContain('var/static/');
    expect(ignore).toContain('var/media/');
  });
});

describe('options for questions this project is not asked', () => {
  it('still rejects nonsense, writing nothing', async () => {
    const dir = writeProject(realWorld.typedSettings()); // no remote static files: --remote-static is not asked
    await expect(generate(dir, { remoteStatic: 'maybe' })).rejects.toThrow(/--remote-static: "maybe" is not one of volume, stop/);
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });
});
