/**
 * PDM groups, for real (issue 21): a PDM project whose gunicorn is only in the extra `deploy`
 * (PDM installs an extra as a group) builds with docker/pdm-requirements.py (no PDM in the image:
 * there is no PyPI here), pip checks the hashes pdm.lock gives, the check passes, and neither the
 * dev group nor a package whose marker does not hold on Linux is installed. The lock names the
 * stand-in wheelhouse's own files, their hashes computed now.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { djangoWith, pdmLockHead } from '../fixtures/manifests.js';
import { cli, stacksFrom } from './stack.js';
import { findsModules, wheelhouse, type Wheels } from './wheelhouse.js';

const project = stacksFrom(19_913);

function pdmLock(wheels: Wheels): string {
  const locked = (name: string, groups: string[]) => {
    const wheel = wheels.get(name);
    if (!wheel) throw new Error(`the stand-in wheelhouse has no ${name}`);
    return `\n[[package]]\nname = "${name}"\nversion = "${wheel.version}"\nsummary = ""\ngroups = [${groups.map((group) => `"${group}"`).join(', ')}]\nfiles = [\n    {file = "${wheel.file}", hash = "sha256:${wheel.sha256}"},\n]\n`;
  };
  // Not in the wheelhouse: the build fails if either is installed.
  const absent = (name: string, groups: string, marker = '') =>
    `\n[[package]]\nname = "${name}"\nversion = "0.9.0"\nsummary = ""\ngroups = [${groups}]\n${marker}files = [\n    {file = "${name}-0.9.0-py3-none-any.whl", hash = "sha256:${'0'.repeat(64)}"},\n]\n`;
  return [
    pdmLockHead(['default', 'deploy', 'dev']),
    locked('asgiref', ['default']),
    locked('django', ['default']),
    locked('gunicorn', ['deploy']),
    locked('packaging', ['deploy']),
    locked('sqlparse', ['default']),
    absent('ruff', '"dev"'),
    absent('windows-only', '"default"', 'marker = "sys_platform == \\"win32\\""\n'),
  ].join('');
}

describe('PDM dependency groups', () => {
  it('gunicorn only in the extra deploy: installed from pdm.lock with its hashes, dev and a win32-only package left out, and the check passes', () => {
    const name = 'e2e-pdm-groups';
    const files = djangoWith({
      'pyproject.toml':
        '[project]\nname = "site"\nversion = "0.1.0"\nrequires-python = ">=3.12"\ndependencies = ["django", "windows-only; sys_platform == \'win32\'"]\n\n[project.optional-dependencies]\ndeploy = ["gunicorn"]\n\n[tool.pdm.dev-dependencies]\ndev = ["ruff"]\n',
      'pdm.lock': pdmLock(wheelhouse()),
    });
    const { dir, base } = project(files, name);
    const generated = cli(dir, [...base, '--python-version', '3.12']);
    expect(generated.output).toContain('dependency groups of pdm.lock: installing deploy (named for production), not dev');
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).not.toContain('pip install gunicorn');

    expect(findsModules(dir, name, 'gunicorn', 'ruff')).toBe('True False');
  });
});
