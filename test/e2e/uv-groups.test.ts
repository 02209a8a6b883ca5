/**
 * uv dependency groups, for real (issue 21): a uv project whose gunicorn is only in the group
 * `prod` builds with docker/uv-requirements.py (no uv in the image: there is no PyPI here), pip
 * checks the hashes uv.lock gives, the check passes, and the dev group is not installed. The lock
 * names the stand-in wheelhouse's own files, their hashes computed now.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { djangoWith } from '../fixtures/manifests.js';
import { cli, stacksFrom } from './stack.js';
import { findsModules, uvLockedWheel, wheelhouse, type Wheels } from './wheelhouse.js';

const project = stacksFrom(18_975);

/** `local`: more [[package]] entries (path sources); `root`: the project's own dependencies. */
function uvLock(wheels: Wheels, local = '', root = '{ name = "django" }'): string {
  const locked = (name: string, dependencies: string[]) =>
    uvLockedWheel(
      wheels,
      name,
      dependencies.map((dependency) => `{ name = "${dependency}" }`),
    );
  return [
    'version = 1\nrevision = 2\nrequires-python = ">=3.12"\n',
    locked('asgiref', []),
    locked('django', ['asgiref', 'sqlparse']),
    locked('gunicorn', ['packaging']),
    locked('packaging', []),
    locked('sqlparse', []),
    // Not in the wheelhouse: the build fails if the dev group is installed.
    '\n[[package]]\nname = "ruff"\nversion = "0.9.0"\nsource = { registry = "https://pypi.org/simple" }\nwheels = [\n    { url = "https://files.example/ruff-0.9.0-py3-none-any.whl", hash = "sha256:0000000000000000000000000000000000000000000000000000000000000000", size = 1 },\n]\n',
    local,
    `\n[[package]]\nname = "site"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [${root}]\n\n[package.dev-dependencies]\ndev = [{ name = "ruff" }]\nprod = [{ name = "gunicorn" }]\n`,
  ].join('');
}

describe('uv dependency groups', () => {
  it('gunicorn only in the group prod: installed from uv.lock with its hashes, dev left out, and the check passes', () => {
    const name = 'e2e-uv-groups';
    const files = djangoWith({
      'pyproject.toml': '[project]\nname = "site"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["django"]\n\n[dependency-groups]\ndev = ["ruff"]\nprod = ["gunicorn"]\n',
      'uv.lock': uvLock(wheelhouse()),
    });
    const { dir, base } = project(files, name);
    const generated = cli(dir, [...base, '--python-version', '3.12']);
    expect(generated.output).toContain('dependency groups of uv.lock: installing prod (named for production), not dev');
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).not.toContain('pip install gunicorn');

    expect(findsModules(dir, name, 'gunicorn', 'ruff')).toBe('True False');
  });

  it('a [tool.uv.sources] path package (a workspace member): copied into the builder, built there, installed in the image', () => {
    const name = 'e2e-uv-path-source';
    const greeting = '\n[[package]]\nname = "greeting"\nversion = "0.1.0"\nsource = { editable = "packages/greeting" }\ndependencies = [{ name = "sqlparse" }]\n';
    const files = djangoWith({
      'pyproject.toml':
        '[project]\nname = "site"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["django", "greeting"]\n\n[dependency-groups]\ndev = ["ruff"]\nprod = ["gunicorn"]\n\n[tool.uv.workspace]\nmembers = ["packages/*"]\n\n[tool.uv.sources]\ngreeting = { workspace = true }\n',
      'uv.lock': uvLock(wheelhouse(), greeting, '{ name = "django" }, { name = "greeting" }'),
      'packages/greeting/pyproject.toml':
        '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "greeting"\nversion = "0.1.0"\ndependencies = ["sqlparse"]\n\n[tool.setuptools]\npy-modules = ["greeting"]\n',
      'packages/greeting/greeting.py': 'def hello():\n    return "hello from a workspace member"\n',
    });
    const { dir, base } = project(files, name);
    const generated = cli(dir, [...base, '--python-version', '3.12']);
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('COPY packages/greeting ./packages/greeting\n');

    // Installed as a distribution (from its wheel), not merely importable from the copied code.
    const exec = (...args: string[]) => spawnSync('docker', ['compose', '--project-name', name, 'exec', '-T', 'app', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const installed = exec('python', '-c', 'import importlib.metadata as m, greeting; print(m.version("greeting"), greeting.hello())');
    expect(`${installed.stdout}${installed.stderr}`.trim()).toBe('0.1.0 hello from a workspace member');
  });
});
