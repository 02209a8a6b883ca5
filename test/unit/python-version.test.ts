/**
 * The Python version: read where the dependency file lives (manage.py in src/, pyproject.toml and
 * uv.lock at the root), narrowed by the lock's requires-python and the Pythons the project's
 * Django supports; a --python-version the lock was not resolved for is refused at generation.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { detectProject } from '../../lib/detect/project.js';
import { uvLock, under } from '../fixtures/corpus/parts.js';
import { djangoWith } from '../fixtures/manifests.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import { resolveForTest } from './helpers.js';

/** A uv project at the repository's root, its Django project in src/. */
const srcLayout = (pyproject: string, lock: string): string =>
  path.join(writeProject({ '.git/HEAD': 'ref: refs/heads/main\n', 'pyproject.toml': pyproject, 'uv.lock': lock, ...under('src', djangoWith({})) }), 'src');

const locked = (requiresPython: string, django: string) => uvLock([['django', django]]).replace('requires-python = ">=3.12"', `requires-python = "${requiresPython}"`);

describe('Python version of a src/ layout', () => {
  it("read from the root's pyproject.toml, within what the locked Django supports", () => {
    const root = srcLayout('[project]\nname = "site"\nversion = "1"\nrequires-python = ">=3.13"\ndependencies = ["django"]\n', locked('>=3.13', '5.1.4'));
    expect(detectProject(root).pythonVersion).toEqual({
      value: '3.13',
      source: { file: '../pyproject.toml', line: 4 },
      note: 'requires-python ">=3.13"; Django 5.1.4 supports Python 3.10–3.13',
    });
  });

  it("no requires-python in pyproject.toml: the lock's own", () => {
    const root = srcLayout('[project]\nname = "site"\nversion = "1"\ndependencies = ["django"]\n', locked('>=3.13', '5.2.8'));
    expect(detectProject(root).pythonVersion).toEqual({ value: '3.14', source: { file: '../uv.lock', line: 2 }, note: 'requires-python ">=3.13" of the lock' });
  });

  it('--python-version the lock was not resolved for: refused when generating, not at docker build', () => {
    const root = srcLayout('[project]\nname = "site"\nversion = "1"\nrequires-python = ">=3.13"\ndependencies = ["django"]\n', locked('>=3.13', '5.2.8'));
    const { answers, facts } = resolveForTest(root, { pythonVersion: '3.12' });
    expect(() => buildStackConfig(answers, facts)).toThrow('../uv.lock was locked for Python >=3.13 (../uv.lock:2), not 3.12: choose a --python-version it allows, or re-lock');
  });
});

describe("Python version within the project's Django", () => {
  const poetry = (python: string, django: string): Files =>
    djangoWith({
      'pyproject.toml': `[tool.poetry]\nname = "site"\nversion = "1"\n\n[tool.poetry.dependencies]\npython = "${python}"\ndjango = "^2.2"\n`,
      'poetry.lock': `[[package]]\nname = "django"\nversion = "${django}"\noptional = false\ngroups = ["main"]\n`,
    });

  it('Django 2.2 locked, python ">=3.7": 3.9, the newest it supports, and why', () => {
    expect(detectProject(writeProject(poetry('>=3.7', '2.2.28'))).pythonVersion).toMatchObject({
      value: '3.9',
      note: 'Poetry python ">=3.7"; Django 2.2.28 supports Python 3.5–3.9',
    });
  });

  it('a Python the patch release added counts only from that patch (4.2.8 added 3.12); a limit that allows the default is not said', () => {
    const pinned = (django: string) => detectProject(writeProject(djangoWith({ 'requirements.txt': `django==${django}\n` }))).pythonVersion;
    expect(pinned('4.2.5')).toEqual({ value: '3.11', source: { file: 'requirements.txt' }, note: 'Django "==4.2.5" supports Python 3.8–3.11' });
    expect(pinned('4.2.20')).toBeUndefined();
  });

  it('Django not held to known releases (>=4.2): no limit, nothing made up', () => {
    expect(detectProject(writeProject(djangoWith({ 'requirements.txt': 'django>=4.2\n' }))).pythonVersion).toBeUndefined();
  });

  it('.python-version is taken as written', () => {
    expect(detectProject(writeProject({ ...poetry('>=3.7', '2.2.28'), '.python-version': '3.12\n' })).pythonVersion).toEqual({ value: '3.12', source: { file: '.python-version', line: 1 } });
  });
});
