import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AnswerError, resolveAnswers } from '../../lib/config/answers.js';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { readDependencySpec } from '../../lib/detect/dependencies/manifests.js';
import { DJANGO_RELEASES, djangoVersion, isRuntimeDependency } from '../../lib/detect/dependencies/packages.js';
import { detectPythonVersion, pickFromSpecifier } from '../../lib/detect/dependencies/python-version.js';
import { normalizeName } from '../../lib/detect/dependencies/requirements.js';
import { lowestAllowed, poetryConstraint, specifierText } from '../../lib/detect/dependencies/versions.js';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import * as manifests from '../fixtures/manifests.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import { defaultAnswers } from './helpers.js';

const detect = (files: Files) => detectProject(writeProject(files));
const runtimeNames = (facts: ReturnType<typeof detect>) => facts.dependencyCandidates[0]!.runtime.map((requirement) => requirement.name);
const requirementsProject = (text: string) => manifests.djangoWith({ 'requirements.txt': text });

describe('pyproject.toml (PEP 621)', () => {
  it('reads a one-line dependency list with extras: Django 4.2 from the range, gunicorn already installed', () => {
    const root = writeProject(manifests.pep621OneLine());
    const facts = detectProject(root);
    expect(facts.dependencies?.value).toEqual({ manager: 'pip-pyproject', file: 'pyproject.toml' });
    expect(facts.djangoVersion).toEqual({ value: '4.2', source: { file: 'pyproject.toml', line: 5 }, note: 'from ">=4.2,<5.3"' });
    expect(facts.hasGunicorn).toBe(true);
    expect(detectionReport(facts)).toContain('  Django             4.2  [pyproject.toml:5] (from ">=4.2,<5.3")');
    expect(facts.pythonVersion).toMatchObject({ value: '3.12', source: { file: 'pyproject.toml', line: 4 } });

    const config = buildStackConfig(defaultAnswers(root), facts);
    expect(config.dependencies).toEqual({ manager: 'pip-pyproject', file: 'pyproject.toml', copy: ['pyproject.toml'], installGunicorn: false, groups: [], extras: [], ownExtras: [] });
  });

  it('counts neither optional-dependencies nor dependency-groups as installed', () => {
    const facts = detect(manifests.pep621OneLine());
    expect(runtimeNames(facts)).toEqual(['django', 'gunicorn']);

    const files = manifests.pep621OneLine();
    files['pyproject.toml'] = files['pyproject.toml']!.replace('"gunicorn>=22"', '"whitenoise"').replace('pytest-django>=4.8', 'gunicorn>=22');
    files['uv.lock'] = 'version = 1\n\n[[package]]\nname = "django"\nversion = "5.2.1"\n';
    const uv = detect(files);
    expect(uv.dependencies?.value.manager).toBe('uv');
    expect(uv.hasGunicorn).toBe(false); // only in the dev group: `uv sync --no-dev` leaves it out
    expect(runtimeNames(uv)).not.toContain('sentry-sdk');
  });

  it('reports a syntax error with file and line instead of guessing', () => {
    const files = manifests.pep621OneLine();
    files['pyproject.toml'] = '[project]\nname = "x"\ndependencies = ["django>=4.2",\n\n[tool.x]\n';
    const facts = detect(files);
    expect(facts.dependencies).toBeUndefined();
    expect(facts.warnings.join('\n')).toMatch(/pyproject\.toml:\d+: not valid TOML/);
  });
});

describe('Poetry', () => {
  it('converts caret and tilde constraints to PEP 440 ranges', () => {
    const text = (constraint: string) => poetryConstraint(constraint).map(specifierText);
    expect(text('^4.2')).toEqual(['>=4.2,<5.0']);
    expect(text('^0.2.3')).toEqual(['>=0.2.3,<0.3.0']);
    expect(text('^0.0.3')).toEqual(['>=0.0.3,<0.0.4']);
    expect(text('~4.2')).toEqual(['>=4.2,<4.3']);
    expect(text('~4')).toEqual(['>=4,<5.0']);
    expect(text('4.2.*')).toEqual(['==4.2.*']);
    expect(text('>= 4.2, < 5.0')).toEqual(['>=4.2,<5.0']);
    expect(text('^3.2 || ^4.2')).toEqual(['>=3.2,<4.0', '>=4.2,<5.0']);
    expect(text('*')).toEqual(['']);
  });

  it('reads inline tables, skips optional packages and dev groups, and reports the locked versions', () => {
    const facts = detect(manifests.poetryLocked());
    expect(facts.dependencies?.value).toEqual({ manager: 'poetry', file: 'poetry.lock' });
    expect(runtimeNames(facts)).toEqual(['django', 'gunicorn']);
    expect(facts.djangoVersion).toMatchObject({ value: '4.2.16', source: { file: 'poetry.lock', line: 11 } });
    expect(facts.dependencyCandidates[0]!.copy).toEqual(['pyproject.toml', 'poetry.lock']);
    expect(facts.pythonVersion).toMatchObject({ value: '3.12', note: 'Poetry python "^3.11"' });
  });

  it('takes the version from the caret constraint when the lock does not have the package', () => {
    const files = manifests.poetryLocked();
    files['poetry.lock'] = '[[package]]\nname = "gunicorn"\nversion = "22.0.0"\n';
    expect(detect(files).djangoVersion).toEqual({ value: '4.2', source: { file: 'pyproject.toml', line: 10 }, note: 'from "^4.2"' });
  });

  it('installs gunicorn when it is only in a dev group', () => {
    const files = manifests.poetryLocked();
    files['pyproject.toml'] = files['pyproject.toml']!.replace('gunicorn = "^22.0"\n', '').replace('pytest-django = "^4.8"', 'pytest-django = "^4.8"\ngunicorn = "^22.0"');
    const root = writeProject(files);
    const facts = detectProject(root);
    expect(facts.hasGunicorn).toBe(false);
    expect(buildStackConfig(defaultAnswers(root), facts).dependencies.installGunicorn).toBe(true);
  });

  it('without poetry.lock, says to run `poetry lock`, in the report and as the --yes failure', async () => {
    const facts = detect(manifests.poetryNoLock());
    expect(facts.dependencies).toBeUndefined();
    expect(facts.dependencyProblem).toBe('pyproject.toml declares Poetry dependencies but there is no poetry.lock: run `poetry lock` and commit it, or pass --dependencies requirements.txt');
    expect(detectionReport(facts).join('\n')).toContain('warning: pyproject.toml declares Poetry dependencies but there is no poetry.lock');
    const resolving = resolveAnswers({ facts, cliValues: {}, warn: () => {} });
    await expect(resolving).rejects.toThrow(AnswerError);
    await expect(resolving).rejects.toThrow('--dependencies: pyproject.toml declares Poetry dependencies but there is no poetry.lock: run `poetry lock`');
  });
});

describe('uv.lock', () => {
  it('reports the locked version with the line of its [[package]] entry', () => {
    const files = manifests.pep621OneLine();
    files['uv.lock'] = `version = 1
requires-python = ">=3.11"

[[package]]
name = "asgiref"
version = "3.8.1"
dependencies = [{ name = "django" }]

[[package]]
name = "django"
version = "5.1.4"
source = { registry = "https://pypi.org/simple" }
`;
    const facts = detect(files);
    expect(facts.dependencies?.value).toEqual({ manager: 'uv', file: 'uv.lock' });
    expect(facts.djangoVersion).toEqual({ value: '5.1.4', source: { file: 'uv.lock', line: 10 } });
    expect(facts.dependencyCandidates.map((candidate) => candidate.file)).toEqual(['uv.lock', 'pyproject.toml']);
  });
});

describe('uv.lock local sources', () => {
  const local = (name: string, source: string) => `\n[[package]]\nname = "${name}"\nversion = "0.1.0"\nsource = { ${source} }\n`;

  it('path sources and workspace members are copied with the manifests (they are built in the builder); virtual members and the project itself are not', () => {
    const files = manifests.pep621OneLine();
    files['uv.lock'] =
      'version = 1\nrevision = 3\n' +
      local('site', 'editable = "."') +
      local('greeting', 'editable = "packages/greeting"') +
      local('vendored', 'directory = "vendor/vendored/"') +
      local('tasks', 'virtual = "packages/tasks"') +
      local('prebuilt', 'path = "wheels/prebuilt-0.1.0-py3-none-any.whl"');
    for (const file of ['packages/greeting/pyproject.toml', 'vendor/vendored/pyproject.toml', 'packages/tasks/pyproject.toml', 'wheels/prebuilt-0.1.0-py3-none-any.whl']) files[file] = '';
    const facts = detect(files);
    expect(facts.dependencyCandidates[0]?.copy).toEqual(['pyproject.toml', 'uv.lock', 'packages/greeting', 'vendor/vendored', 'wheels/prebuilt-0.1.0-py3-none-any.whl']);
  });

  it('a local source that is not there: a warning that says the build will fail, and it is not copied', () => {
    const files = manifests.pep621OneLine();
    files['uv.lock'] = 'version = 1\n' + local('site', 'virtual = "."') + local('greeting', 'editable = "packages/greeting"');
    const facts = detect(files);
    expect(facts.dependencyCandidates[0]?.copy).toEqual(['pyproject.toml', 'uv.lock']);
    expect(facts.warnings.join('\n')).toContain('uv.lock: local sources packages/greeting are not there (the image build will fail)');
  });
});

describe('Pipfile', () => {
  it('reads [packages] (not [dev-packages]), [requires] and the default section of Pipfile.lock', () => {
    const facts = detect(manifests.pipenvProject());
    expect(facts.dependencies?.value).toEqual({ manager: 'pipenv', file: 'Pipfile.lock' });
    expect(runtimeNames(facts)).toEqual(['django', 'gunicorn']);
    expect(facts.hasGunicorn).toBe(true);
    expect(facts.djangoVersion).toEqual({ value: '4.2.11', source: { file: 'Pipfile.lock', line: 8 } });
    expect(facts.pythonVersion).toEqual({ value: '3.11', source: { file: 'Pipfile', line: 14 } });
    expect(facts.dependencyCandidates[0]!.copy).toEqual(['Pipfile', 'Pipfile.lock']);
  });
});

describe('requirements files', () => {
  it('reads pip-compile output with --hash continuation lines', () => {
    const facts = detect(manifests.hashedRequirements());
    expect(runtimeNames(facts)).toEqual(['asgiref', 'django', 'gunicorn']);
    expect(facts.djangoVersion).toEqual({ value: '5.0.6', source: { file: 'requirements.txt', line: 8 }, note: 'from "==5.0.6"' });
    expect(facts.warnings).toEqual([]);
  });

  it('follows -r and --constraint includes for the copy list, but installs only what -r brings', () => {
    const facts = detect(manifests.layeredRequirements());
    const production = facts.dependencyCandidates[0]!;
    expect(production.file).toBe('requirements/production.txt');
    expect(production.copy).toEqual(['requirements/production.txt', 'requirements/base.txt', 'constraints.txt']);
    // pywin32 is for Windows only; psycopg is only constrained; `-e .` names no package.
    expect(production.runtime.map((requirement) => requirement.name).sort()).toEqual(['django', 'django-environ', 'django-redis', 'gunicorn', 'whitenoise']);
    expect(facts.djangoVersion).toMatchObject({ value: '5.0', source: { file: 'requirements/base.txt', line: 1 }, note: 'from "==5.*"' });
    expect(facts.hasGunicorn).toBe(true);
    expect(facts.warnings).toEqual([]);
  });

  it('reads a dependency file the user names that detection did not choose, without touching the disk in StackConfig', async () => {
    const root = writeProject(manifests.layeredRequirements());
    const detected = detectProject(root);
    expect(detected.dependencyCandidates.map((candidate) => candidate.file)).not.toContain('requirements/local.txt');
    const { answers, facts } = await resolveAnswers({ facts: detected, cliValues: { dependencies: 'requirements/local.txt' }, warn: () => {} });
    fs.rmSync(path.join(root, 'requirements'), { recursive: true }); // StackConfig works from the facts alone
    const config = buildStackConfig(answers, facts);
    expect(config.dependencies).toEqual({
      manager: 'pip',
      file: 'requirements/local.txt',
      copy: ['requirements/local.txt', 'requirements/base.txt'],
      installGunicorn: true,
      groups: [],
      extras: [],
      ownExtras: [],
    });
  });

  it('chooses the reported Django version from the specifier', () => {
    const version = (line: string) => detect(requirementsProject(`${line}\n`)).djangoVersion?.value;
    expect(version('Django~=4.2.0')).toBe('4.2.0');
    expect(version('django==5.*')).toBe('5.0');
    expect(version('django>=4.2,<5.3')).toBe('4.2');
    expect(version('django>=4.2.7')).toBe('4.2.7'); // not 5.0: 4.2.7 is allowed and lower
    expect(version('django>4.2')).toBe('5.0');
    expect(version('Django')).toBe('any version');
    expect(version('django-environ==0.11')).toBeUndefined();
    // Arbitrary equality, decided by pep440 (pip-requirements-js 1.0.3 cannot parse "===" in a requirement line).
    expect(lowestAllowed([[{ operator: '===', version: '4.2.1' }]], DJANGO_RELEASES)).toBe('4.2.1');
  });

  it('normalizes names as PEP 503 does', () => {
    expect(normalizeName('Django_Environ')).toBe('django-environ');
    expect(normalizeName('zope.interface')).toBe('zope-interface');
    expect(normalizeName('A__b-.C')).toBe('a-b-c');
    const spec = readDependencySpec(writeProject(requirementsProject('DJANGO>=4.2\nGunicorn==22.0.0\n')), 'requirements.txt')!;
    expect(isRuntimeDependency(spec, 'gunicorn')).toBe(true);
    expect(isRuntimeDependency(spec, 'Django')).toBe(true);
    expect(djangoVersion(spec)?.value).toBe('4.2');
  });

  it('warns, with file and line, about a line pip would not accept', () => {
    const facts = detect(requirementsProject('django>=4.2\ngunicorn=22\n'));
    expect(facts.warnings).toEqual(['requirements.txt:2: "gunicorn=22" is not a requirement pip understands']);
  });

  it('answers undefined for a file that does not exist', () => {
    expect(readDependencySpec(writeProject(requirementsProject('django\n')), 'requirements/missing.txt')).toBeUndefined();
  });
});

describe('Python version', () => {
  it('chooses the default when requires-python allows it, else the newest supported one allowed', () => {
    expect(pickFromSpecifier('>=3.10')).toBe('3.12');
    expect(pickFromSpecifier('>=3.13')).toBe('3.14');
    expect(pickFromSpecifier('>=3.9,<3.12')).toBe('3.11');
    expect(pickFromSpecifier('~=3.10.0')).toBe('3.10');
    expect(pickFromSpecifier('==3.11.*')).toBe('3.11');
    expect(pickFromSpecifier('>=3.9,!=3.12.*')).toBe('3.14');
    expect(pickFromSpecifier('<3.0')).toBeUndefined();
  });

  it('reads .python-version, requires-python and runtime.txt in that order', () => {
    const files = manifests.pep621OneLine();
    files['pyproject.toml'] = files['pyproject.toml']!.replace('">=3.11"', '">=3.9,<3.11"');
    expect(detectPythonVersion(writeProject(files))).toMatchObject({ value: '3.10', note: 'requires-python ">=3.9,<3.11"' });
    expect(detectPythonVersion(writeProject({ ...files, '.python-version': '3.13.1\n' }))).toEqual({ value: '3.13', source: { file: '.python-version', line: 1 } });
    expect(detectPythonVersion(writeProject(requirementsProject('django\n')))).toBeUndefined();
    expect(detectPythonVersion(writeProject({ ...requirementsProject('django\n'), 'runtime.txt': 'python-3.11.9\n' }))).toMatchObject({ value: '3.11' });
  });
});
