/**
 * docker/uv-requirements.py, run for real with python3: uv.lock's shapes (registry packages with
 * sdist/wheel hashes, edge markers, extras, dependency groups, a git source) become the pinned
 * requirements the builder stage installs. The lock files are written here in uv's format.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';

const SCRIPT = path.join(packageRoot(), 'templates', 'docker', 'uv-requirements.py.ejs');

/** A registry package as uv locks it; `extra`: keys before sdist, `tables`: sub-tables after wheels. */
const registry = (name: string, version: string, extra = '', tables = '') =>
  `\n[[package]]\nname = "${name}"\nversion = "${version}"\nsource = { registry = "https://pypi.org/simple" }\n${extra}sdist = { url = "https://files.example/${name}-${version}.tar.gz", hash = "sha256:${name}0", size = 10 }\nwheels = [\n    { url = "https://files.example/${name}-${version}-py3-none-any.whl", hash = "sha256:${name}1", size = 10 },\n]\n${tables}`;

const project = (dependencies: string, groups: string) =>
  `\n[[package]]\nname = "site"\nversion = "0.1.0"\nsource = { virtual = "." }\ndependencies = [${dependencies}]\n\n[package.dev-dependencies]\n${groups}`;

function run(lock: string, ...groups: string[]) {
  return runIn(fs.mkdtempSync(path.join(os.tmpdir(), 'uv-requirements-')), 'uv.lock', lock, ...groups);
}

/** The script run from `dir` on the lock file `file` (relative to `dir`). */
function runIn(dir: string, file: string, lock: string, ...groups: string[]) {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), lock);
  const result = spawnSync('python3', [SCRIPT, file, ...groups], { cwd: dir, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const HEADER = 'version = 1\nrevision = 2\nrequires-python = ">=3.11"\n';

describe('uv-requirements.py', () => {
  const lock =
    HEADER +
    registry('asgiref', '3.8.1') +
    registry('django', '5.2', 'dependencies = [\n    { name = "asgiref" },\n    { name = "tzdata", marker = "sys_platform == \'win32\'" },\n]\n') +
    registry('tzdata', '2025.1') +
    registry('gunicorn', '23.0.0', 'dependencies = [{ name = "packaging" }]\n') +
    registry('packaging', '24.2') +
    registry('psycopg', '3.2.3', '', '\n[package.optional-dependencies]\nc = [{ name = "psycopg-c", marker = "implementation_name != \'pypy\'" }]\n') +
    registry('psycopg-c', '3.2.3') +
    registry('ruff', '0.9.0') +
    project('{ name = "django" }', 'dev = [{ name = "ruff" }]\nprod = [\n    { name = "gunicorn" },\n    { name = "psycopg", extra = ["c"] },\n]\n');

  it('the main dependencies with their hashes, markers evaluated for this Python (no tzdata on Linux)', () => {
    const result = run(lock);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('asgiref==3.8.1 \\\n    --hash=sha256:asgiref0 \\\n    --hash=sha256:asgiref1\ndjango==5.2 \\\n    --hash=sha256:django0 \\\n    --hash=sha256:django1\n');
  });

  it('plus a group, transitively, with the extras it names; not the other groups', () => {
    const names = run(lock, 'prod')
      .stdout.split('\n')
      .filter((line) => /^\S/.test(line))
      .map((line) => line.split(' ')[0]);
    expect(names).toEqual(['asgiref==3.8.1', 'django==5.2', 'gunicorn==23.0.0', 'packaging==24.2', 'psycopg==3.2.3', 'psycopg-c==3.2.3']);
  });

  it('a group the lock does not have: exit 1 naming the ones it has', () => {
    const result = run(lock, 'web');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('uv-requirements: uv.lock has no dependency group web (it has dev, prod)');
  });

  it('a lock for other Pythons (its requires-python) stops the build instead of dropping packages by marker', () => {
    const result = run(lock.replace('requires-python = ">=3.11"', 'requires-python = "==2.7.*"'));
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^uv-requirements: uv\.lock was locked for Python ==2\.7\.\*, not this image's 3\.\d+\.\d+/);
  });

  it('a git source: a direct reference to the locked commit, and no hashes (pip cannot check a git checkout)', () => {
    const git = `${HEADER}${registry('django', '5.2')}\n[[package]]\nname = "django-push"\nversion = "1.1"\nsource = { git = "https://example.org/mirror/django-push.git?rev=main#0123456789abcdef0123456789abcdef01234567" }\n${project('{ name = "django" },\n    { name = "django-push" }', 'dev = []\n')}`;
    expect(run(git).stdout).toBe('django==5.2\ndjango-push @ git+https://example.org/mirror/django-push.git@0123456789abcdef0123456789abcdef01234567\n');
  });

  it('path sources and workspace members: file: URLs from the folder of the lock, not hashed; a virtual member only brings its dependencies', () => {
    const member = (name: string, source: string, dependencies = '') => `\n[[package]]\nname = "${name}"\nversion = "0.1.0"\nsource = { ${source} }\n${dependencies}`;
    const lock =
      HEADER +
      registry('django', '5.2') +
      registry('gunicorn', '23.0.0') +
      member('shared-models', 'editable = "packages/shared-models"', 'dependencies = [{ name = "django" }]\n') +
      member('vendored', 'directory = "../vendor/vendored"') +
      member('tasks', 'virtual = "packages/tasks"', 'dependencies = [{ name = "gunicorn" }]\n') +
      member('prebuilt', 'path = "wheels/prebuilt-0.1.0-py3-none-any.whl"') +
      project('{ name = "shared-models" },\n    { name = "vendored" },\n    { name = "tasks" },\n    { name = "prebuilt" }', 'dev = []\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'uv-requirements-'));
    const result = runIn(dir, 'repo/uv.lock', lock);
    expect(result.stderr).toBe('');
    const url = (where: string) => `file://${path.join(fs.realpathSync(dir), where)}`;
    expect(result.stdout).toBe(
      [
        'django==5.2',
        'gunicorn==23.0.0',
        `prebuilt @ ${url('repo/wheels/prebuilt-0.1.0-py3-none-any.whl')}`,
        `shared-models @ ${url('repo/packages/shared-models')}`,
        `vendored @ ${url('vendor/vendored')}`,
        '',
      ].join('\n'),
    );
  });

  it('shapes of real locks: one name locked twice (a direct wheel URL per machine and the registry), told apart by the source the edge names; another index than PyPI', () => {
    const edge = (name: string, version: string, source: string, marker: string) => `{ name = "${name}", version = "${version}", source = { ${source} }, marker = "${marker}" }`;
    const wheelUrl = 'https://files.example/builds/fastpg-1.0-cp3-linux_x86_64.whl';
    const lock =
      HEADER +
      registry('fastpg', '1.0') +
      `\n[[package]]\nname = "fastpg"\nversion = "1.0"\nsource = { url = "${wheelUrl}" }\nwheels = [\n    { url = "${wheelUrl}", hash = "sha256:direct" },\n]\n` +
      `\n[[package]]\nname = "tensorlib"\nversion = "2.0+cpu"\nsource = { registry = "https://wheels.example/cpu" }\nwheels = [\n    { url = "https://wheels.example/cpu/tensorlib-2.0+cpu-py3-none-any.whl", hash = "sha256:tensor" },\n]\n` +
      project(
        [
          edge('fastpg', '1.0', `url = "${wheelUrl}"`, "sys_platform == 'linux'"),
          edge('fastpg', '1.0', 'registry = "https://pypi.org/simple"', "sys_platform != 'linux'"),
          edge('tensorlib', '2.0+cpu', 'registry = "https://wheels.example/cpu"', "sys_platform == 'linux'"),
        ].join(',\n    '),
        'dev = []\n',
      );
    const result = run(lock);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`--extra-index-url https://wheels.example/cpu\nfastpg @ ${wheelUrl} \\\n    --hash=sha256:direct\ntensorlib==2.0+cpu \\\n    --hash=sha256:tensor\n`);
  });
});
