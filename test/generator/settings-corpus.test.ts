/**
 * Across every settings form of the corpus (test/fixtures/settings-forms.ts): no run exits 0
 * with a stack that cannot start. Each either stops with one clear message, or writes a stack
 * whose database is the one the project points at and whose .env.example names every variable
 * the settings require; while .env lacks one, the run stops before building.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import * as forms from '../fixtures/settings-forms.js';
import { generate } from './run.js';

const CORPUS: Record<string, () => Files> = {
  urlWithPostgresDefault: forms.urlWithPostgresDefault,
  urlParsedFromEnviron: forms.urlParsedFromEnviron,
  environReader: forms.environReader,
  postgresOnOneBranch: forms.postgresOnOneBranch,
  configurationModule: forms.configurationModule,
  namedImport: forms.namedImport,
  splitSettings: forms.splitSettings,
  unreadEngine: () => forms.unreadEngine(),
  conflictingIndications: () => forms.unreadEngine(['mysqlclient']),
  offlineCompressor: forms.offlineCompressor,
  engineFromVariable: forms.engineFromVariable,
};

/** What compose.yaml and the .env give the app, so the settings find them set. */
const PROVIDED = new Set(['DJANGO_SECRET_KEY', 'COMPOSE_PROJECT_NAME', 'DJANGO_SETTINGS_MODULE']);

describe('no settings form of the corpus exits 0 with a stack that cannot start', () => {
  for (const [name, files] of Object.entries(CORPUS)) {
    it(name, async () => {
      const dir = writeProject(files());
      const facts = detectProject(dir);
      const written = await generate(dir).then(
        () => true,
        (error: Error) => {
          // A stop: one clear message, and nothing written.
          expect(error.message).toMatch(/choose with --database|nothing written/);
          expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
          return false;
        },
      );
      if (!written) {
        expect('conflict' in facts.databaseDecision).toBe(true);
        return;
      }
      const compose = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
      const example = fs.readFileSync(path.join(dir, '.env.example'), 'utf8');
      const choice = 'choice' in facts.databaseDecision ? facts.databaseDecision.choice : undefined;
      expect(choice, `${name}: written although the database indications disagree`).toBeDefined();
      // The database the project points at, never SQLite by silence.
      expect(compose.includes('image: postgres:'), `${name}: ${choice}`).toBe(choice === 'postgres');
      if (facts.database?.value.engine === 'postgresql' || facts.postgresDriver) expect(choice).not.toBe('sqlite');
      // Every variable the settings require (always, or on a branch) is named in .env.example.
      const postgresProvided = choice === 'postgres' ? ['POSTGRES_USER', 'POSTGRES_DB', 'POSTGRES_PASSWORD'] : [];
      const required = facts.requiredEnv.filter((read) => !PROVIDED.has(read.variable) && !postgresProvided.includes(read.variable));
      for (const read of required) expect(example, `${name}: ${read.variable}`).toMatch(new RegExp(`^${read.variable}=$`, 'm'));
      // External: DATABASE_URL is the user's to give.
      if (choice === 'external') expect(example).toMatch(/^DATABASE_URL=$/m);
      // With one missing, the run stops before building (the check never starts).
      const always = required.filter((read) => !read.when);
      if (always.length > 0 || choice === 'external') {
        await expect(generate(dir, { skipHealthCheck: false })).rejects.toThrow(/require environment variables that \.env does not set/);
      }
    });
  }
});

describe('--inspect that fails at import', () => {
  const helper = `
from django.core.exceptions import ImproperlyConfigured


def require_env(name):
    value = os.environ.get(name)
    if not value:
        raise ImproperlyConfigured("Set the %s environment variable" % name)
    return value


API_TOKEN = require_env("API_TOKEN")
`;

  it('names the variable Django names: required, in .env.example, and the run stops before building', async () => {
    const files = forms.namedImport();
    files['mysite/settings.py'] += helper;
    const dir = writeProject(files);
    await expect(generate(dir, { inspect: true, inspectPython: '/usr/bin/python3', skipHealthCheck: false })).rejects.toThrow(/API_TOKEN \(read at mysite\/settings\.py:\d+\)/);
    expect(fs.readFileSync(path.join(dir, '.env.example'), 'utf8')).toMatch(/^API_TOKEN=$/m);
  });

  it('any other import error stops the run with the project file and line, nothing written', async () => {
    const files = forms.namedImport();
    files['mysite/settings.py'] += '\nimport a_package_nobody_installed  # noqa\n';
    const dir = writeProject(files);
    const line = files['mysite/settings.py']!.split('\n').indexOf('import a_package_nobody_installed  # noqa') + 1;
    await expect(generate(dir, { inspect: true, inspectPython: '/usr/bin/python3' })).rejects.toThrow(
      new RegExp(`No module named 'a_package_nobody_installed' \\(at mysite/settings\\.py:${line}\\)[\\s\\S]*Django cannot import these settings`),
    );
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });
});
