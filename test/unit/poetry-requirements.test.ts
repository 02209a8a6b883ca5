/**
 * docker/poetry-requirements.py, run for real with python3 on Poetry 2 lock shapes read in real
 * locks (test/corpus/locks.md): each package's groups, its markers (one string, or one per group),
 * an extra's optional package, one name at two versions for two Pythons, git and directory sources.
 * Written here in Poetry's format, in our own words.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { requirementNames, runLockScript } from '../fixtures/lock-scripts.js';
import { poetry2Locked, poetryGroups } from '../fixtures/manifests.js';

const run = (lock: string, ...groups: string[]) => runLockScript('poetry-requirements.py', 'poetry.lock', lock, ...groups);
const names = requirementNames;

const METADATA = '\n[metadata]\nlock-version = "2.1"\npython-versions = "^3.11"\ncontent-hash = "0"\n';

describe('poetry-requirements.py', () => {
  const lock = poetryGroups()['poetry.lock']!;

  it("the main group with its hashes: not an extra's package, not a win32 one, the version for this Python", () => {
    const result = run(lock);
    expect(result.stderr).toBe('');
    expect(names(result.stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'numbers==2.0', 'sqlparse==0.5.3']);
    expect(result.stdout).toContain('django==5.1.4 \\\n    --hash=sha256:django-wheel\n');
  });

  it('plus a chosen group, not the others; a marker given per group is read for that group', () => {
    expect(names(run(lock, 'prod').stdout)).toEqual([
      'asgiref==3.8.1',
      'django==5.1.4',
      'gunicorn==23.0.0',
      'numbers==2.0',
      'packaging==24.2',
      'psycopg==3.2.3',
      'psycopg-binary==3.2.3',
      'sqlparse==0.5.3',
    ]);
    expect(names(run(lock, 'dev').stdout)).toContain('pytest==8.3.4');
  });

  it('git and directory sources: pinned to the resolved commit, a file: URL from the lock folder, and no hashes', () => {
    const sources =
      poetry2Locked('django', '5.1.4', ['main']) +
      poetry2Locked(
        'push',
        '1.1',
        ['main'],
        'source = {type = "git", url = "https://example.org/mirror/push.git", reference = "v1.1", resolved_reference = "0123456789abcdef0123456789abcdef01234567"}\n',
      ) +
      poetry2Locked('local-app', '0.1.0', ['main'], 'develop = true\nsource = {type = "directory", url = "examples/app"}\n');
    const result = run(sources + METADATA);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`django==5.1.4\nlocal-app @ file://${path.join(result.dir, 'examples/app')}\npush @ git+https://example.org/mirror/push.git@0123456789abcdef0123456789abcdef01234567\n`);
  });

  it('a group the lock does not hold: exit 1 naming those it holds', () => {
    const result = run(lock, 'deploy');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('poetry-requirements: poetry.lock locks no package for the group deploy (its groups: dev, main, prod)');
  });

  it('a Poetry 1 lock (no groups on its packages): says how to re-lock', () => {
    const result = run('[[package]]\nname = "django"\nversion = "4.2.16"\n\n[metadata]\nlock-version = "2.0"\n');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(lock-version 2.0): lock it with Poetry 2');
  });
});
