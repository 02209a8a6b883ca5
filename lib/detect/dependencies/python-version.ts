/**
 * The project's Python version, from .python-version, requires-python (or Poetry's python
 * constraint), runtime.txt or Pipfile's [requires], in that order: first beside manage.py, then
 * in the folder of the dependency file the image installs from (pyproject.toml and uv.lock at the
 * repository's root, manage.py in src/). A range is narrowed by what the lock was resolved for
 * (uv.lock's requires-python) and by the Pythons the project's Django supports.
 */
import path from 'node:path';
import { major, minor, satisfies, valid } from '@renovatebot/pep440';
import { read } from '../../read-text.js';
import type { Found } from '../found.js';
import { djangoPythonLimit, type DjangoPythonLimit } from './django-pythons.js';
import type { DependencyFacts } from './manifests.js';
import { lineOfKey, readToml, string, table } from './toml.js';
import { allows, poetryConstraint, type Range } from './versions.js';

/** Python versions with an official python:<v>-slim image this generator supports. */
export const SUPPORTED_PYTHON = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] as const;
export const DEFAULT_PYTHON = '3.12';

/** Patch releases tried when asking whether a specifier allows a Python line (`>=3.12.3` allows 3.12). */
const PATCHES = Array.from({ length: 40 }, (_, patch) => patch);

/** Whether some release of the Python line `python` (major.minor) satisfies the PEP 440 specifier. */
export const pythonAllows = (python: string, specifier: string): boolean => PATCHES.some((patch) => satisfies(`${python}.${patch}`, specifier));

const rangesAllow = (python: string, ranges: Range[]) => PATCHES.some((patch) => allows(`${python}.${patch}`, ranges));

type Allowed = (python: string) => boolean;

/** What else bounds the choice: the lock's requires-python and the project's Django. */
interface Limits {
  lock?: { specifier: string; source: { file: string; line?: number } };
  django?: DjangoPythonLimit;
}

/**
 * `dependencies`: the dependency file the image installs from by default (its file relative to
 * `root`), or none.
 */
export function detectPythonVersion(root: string, dependencies?: DependencyFacts): Found<string> | undefined {
  const limits: Limits = { lock: dependencies?.requiresPython, django: djangoPythonLimit(dependencies) };
  const manifestFolder = dependencies ? path.posix.dirname(dependencies.file) : '.';
  for (const folder of [...new Set(['.', manifestFolder])]) {
    const found = inFolder(root, folder, limits);
    if (found) return found;
  }
  // Nothing written down: what the lock was resolved for, else what Django supports.
  if (limits.lock) {
    const chosen = pick((python) => pythonAllows(python, limits.lock!.specifier), limits, `requires-python "${limits.lock.specifier}" of the lock`);
    if (chosen) return { ...chosen, source: limits.lock.source };
  }
  // Django's range is said only when it rules the default out (Django 2.2: 3.9 at the newest).
  if (limits.django && !limits.django.supports(DEFAULT_PYTHON)) {
    const chosen = pickAllowed(limits.django.supports);
    if (chosen) return { value: chosen, source: { file: dependencies!.file }, note: limits.django.why };
  }
  return undefined;
}

/** The version written in one folder (relative to root: '.', '..'), its files named from root. */
function inFolder(root: string, folder: string, limits: Limits): Found<string> | undefined {
  const here = path.join(root, folder);
  const file = (name: string) => path.posix.join(folder, name);
  const pinned = majorMinor(firstLine(read(here, '.python-version')));
  if (pinned) return { value: pinned, source: { file: file('.python-version'), line: 1 } };

  const pyproject = readToml(here, 'pyproject.toml');
  if (pyproject && 'data' in pyproject) {
    const requires = string(table(pyproject.data, 'project')?.['requires-python']);
    const chosen = requires && pick((python) => pythonAllows(python, requires), limits, `requires-python "${requires}"`);
    if (chosen) return { ...chosen, source: { file: file('pyproject.toml'), line: lineOfKey(pyproject.text, 'requires-python', '[project]') } };
    const poetryPython = string(table(pyproject.data, 'tool', 'poetry', 'dependencies')?.['python']);
    const ranges = poetryPython ? poetryConstraint(poetryPython) : undefined;
    const fromPoetry = ranges && pick((python) => rangesAllow(python, ranges), limits, `Poetry python "${poetryPython}"`);
    if (fromPoetry) return { ...fromPoetry, source: { file: file('pyproject.toml'), line: lineOfKey(pyproject.text, 'python', '[tool.poetry.dependencies]') } };
  }

  // runtime.txt (Heroku and others): "python-3.12.4".
  const runtime = firstLine(read(here, 'runtime.txt'));
  const fromRuntime = runtime?.startsWith('python-') ? majorMinor(runtime.slice('python-'.length)) : undefined;
  if (fromRuntime) return { value: fromRuntime, source: { file: file('runtime.txt'), line: 1 } };

  const pipfile = readToml(here, 'Pipfile');
  const pipfileVersion = pipfile && 'data' in pipfile ? majorMinor(string(table(pipfile.data, 'requires')?.['python_version'])) : undefined;
  if (pipfile && pipfileVersion) return { value: pipfileVersion, source: { file: file('Pipfile'), line: lineOfKey(pipfile.text, 'python_version', '[requires]') } };
  return undefined;
}

/**
 * A version the specifier allows, within the lock's requires-python and the Pythons Django
 * supports when some allowed version is; the note says what narrowed it. Undefined when the
 * specifier allows no supported version.
 */
function pick(allowed: Allowed, limits: Limits, written: string): Omit<Found<string>, 'source'> | undefined {
  const free = pickAllowed(allowed);
  if (!free) return undefined;
  const lock = limits.lock;
  const withLock: Allowed = (python) => allowed(python) && (!lock || pythonAllows(python, lock.specifier));
  const withDjango: Allowed = (python) => withLock(python) && (!limits.django || limits.django.supports(python));
  const chosen = pickAllowed(withDjango) ?? pickAllowed(withLock) ?? free;
  const narrowedBy = [
    ...(lock && !pythonAllows(free, lock.specifier) ? [`the lock's requires-python "${lock.specifier}"`] : []),
    ...(limits.django && !limits.django.supports(free) ? [limits.django.supports(chosen) ? limits.django.why : `${limits.django.why} (no image this generator supports)`] : []),
  ];
  return { value: chosen, note: [written, ...narrowedBy].join('; ') };
}

/** The default version when the PEP 440 specifier allows it, else the newest supported one it allows. */
export const pickFromSpecifier = (specifier: string): string | undefined => pickAllowed((python) => pythonAllows(python, specifier));

function pickAllowed(allowed: Allowed): string | undefined {
  if (allowed(DEFAULT_PYTHON)) return DEFAULT_PYTHON;
  return [...SUPPORTED_PYTHON].reverse().find(allowed);
}

const firstLine = (text: string | undefined) => text?.split('\n')[0]?.trim();

/** "3.12.4" → "3.12"; also accepts pyenv's "python-3.12" / "python3.12" forms; not a version → undefined. */
function majorMinor(text: string | undefined): string | undefined {
  const bare = text?.startsWith('python') ? text.slice('python'.length) : text;
  const version = bare?.startsWith('-') ? bare.slice(1) : bare;
  if (!version || valid(version) === null) return undefined;
  return `${major(version)}.${minor(version)}`;
}

/** Why the image's Python cannot install from the lock (uv.lock resolved only for other Pythons), said at generation time, not at build. */
export function lockedPythonProblem(python: string, dependencies: Pick<DependencyFacts, 'file' | 'requiresPython'> | undefined): string | undefined {
  const lock = dependencies?.requiresPython;
  if (!lock || pythonAllows(python, lock.specifier)) return undefined;
  const line = lock.source.line ? `:${lock.source.line}` : '';
  return `${dependencies.file} was locked for Python ${lock.specifier} (${lock.source.file}${line}), not ${python}: choose a --python-version it allows, or re-lock`;
}
