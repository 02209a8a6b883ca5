/**
 * The project's own extras, for real (issue 21): a uv project whose gunicorn and PostgreSQL driver
 * are only in its extra `prod` ([project.optional-dependencies]) gets them chosen by name, installed
 * from uv.lock by docker/uv-requirements.py (pip checks the lock's hashes), and the check passes on
 * PostgreSQL; the extra `docs` is left out (its package is not in the stand-in wheelhouse, so the
 * build would fail if it were installed). The lock names the wheelhouse's own files, hashed now.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { djangoWith } from '../fixtures/manifests.js';
import { cli, stacksFrom } from './stack.js';
import { findsModules, uvLockedWheel, wheelhouse } from './wheelhouse.js';

const project = stacksFrom(19_760);

function uvLock(): string {
  const wheels = wheelhouse();
  const edges = (...names: string[]) => names.map((name) => `{ name = "${name}" }`);
  return [
    'version = 1\nrevision = 2\nrequires-python = ">=3.12"\n',
    uvLockedWheel(wheels, 'asgiref'),
    uvLockedWheel(wheels, 'django', edges('asgiref', 'sqlparse')),
    uvLockedWheel(wheels, 'gunicorn', edges('packaging')),
    uvLockedWheel(wheels, 'packaging'),
    uvLockedWheel(wheels, 'psycopg', [`{ name = "typing-extensions", marker = "python_full_version < '3.13'" }`]),
    uvLockedWheel(wheels, 'sqlparse'),
    uvLockedWheel(wheels, 'typing-extensions'),
    // Not in the wheelhouse: the build fails if the docs extra is installed.
    '\n[[package]]\nname = "sphinx"\nversion = "8.1.3"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n    { url = "https://files.example/sphinx-8.1.3-py3-none-any.whl", hash = "sha256:0000000000000000000000000000000000000000000000000000000000000000", size = 1 },\n]\n',
    '\n[[package]]\nname = "shop"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [{ name = "django" }]\n\n[package.optional-dependencies]\ndocs = [{ name = "sphinx" }]\nprod = [{ name = "gunicorn" }, { name = "psycopg" }]\n',
  ].join('');
}

describe('uv optional extras', () => {
  it('gunicorn and psycopg only in the extra prod: chosen, installed from uv.lock with their hashes, docs left out, and the check passes on PostgreSQL', () => {
    const name = 'e2e-uv-extras';
    const files = djangoWith({
      'pyproject.toml':
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "shop"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["django"]\n\n[project.optional-dependencies]\ndocs = ["sphinx"]\nprod = ["gunicorn", "psycopg"]\n',
      'uv.lock': uvLock(),
    });
    const { dir, base } = project(files, name);
    const generated = cli(dir, [...base, '--python-version', '3.12', '--database', 'postgres']);
    expect(generated.output).toContain('optional extras of uv.lock: installing prod (named for production), not docs');
    expect(generated.output).not.toContain('needs a PostgreSQL driver');
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    // The login writes a session: PostgreSQL answers through the extra's psycopg.
    expect(generated.output).toMatch(/PASS {2}admin login through nginx/);
    expect(generated.status, generated.output).toBe(0);
    const dockerfile = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN python /tmp/uv-requirements.py uv.lock --extra prod > /tmp/requirements.txt');
    expect(dockerfile).not.toContain('pip install gunicorn');

    expect(findsModules(dir, name, 'gunicorn', 'psycopg', 'sphinx')).toBe('True True False');
  });
});
