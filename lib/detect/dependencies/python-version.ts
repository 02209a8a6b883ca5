/**
 * The project's Python version, from .python-version, requires-python (or Poetry's python
 * constraint), runtime.txt or Pipfile's [requires], in that order.
 */
import { major, minor, satisfies, valid } from '@renovatebot/pep440';
import { read } from '../../read-text.js';
import type { Found } from '../found.js';
import { lineOfKey, readToml, string, table } from './toml.js';
import { allows, poetryConstraint, type Range } from './versions.js';

/** Python versions with an official python:<v>-slim image this generator supports. */
export const SUPPORTED_PYTHON = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] as const;
export const DEFAULT_PYTHON = '3.12';

export function detectPythonVersion(root: string): Found<string> | undefined {
  const pinned = majorMinor(firstLine(read(root, '.python-version')));
  if (pinned) return { value: pinned, source: { file: '.python-version', line: 1 } };

  const pyproject = readToml(root, 'pyproject.toml');
  if (pyproject && 'data' in pyproject) {
    const requires = string(table(pyproject.data, 'project')?.['requires-python']);
    const chosen = requires && pickFromSpecifier(requires);
    if (requires && chosen) {
      return { value: chosen, source: { file: 'pyproject.toml', line: lineOfKey(pyproject.text, 'requires-python', '[project]') }, note: `requires-python "${requires}"` };
    }
    const poetryPython = string(table(pyproject.data, 'tool', 'poetry', 'dependencies')?.['python']);
    const fromPoetry = poetryPython && pickFrom(poetryConstraint(poetryPython));
    if (poetryPython && fromPoetry) {
      const line = lineOfKey(pyproject.text, 'python', '[tool.poetry.dependencies]');
      return { value: fromPoetry, source: { file: 'pyproject.toml', line }, note: `Poetry python "${poetryPython}"` };
    }
  }

  // runtime.txt (Heroku and others): "python-3.12.4".
  const runtime = firstLine(read(root, 'runtime.txt'));
  const fromRuntime = runtime?.startsWith('python-') ? majorMinor(runtime.slice('python-'.length)) : undefined;
  if (fromRuntime) return { value: fromRuntime, source: { file: 'runtime.txt', line: 1 } };

  const pipfile = readToml(root, 'Pipfile');
  const pipfileVersion = pipfile && 'data' in pipfile ? majorMinor(string(table(pipfile.data, 'requires')?.['python_version'])) : undefined;
  if (pipfile && pipfileVersion) return { value: pipfileVersion, source: { file: 'Pipfile', line: lineOfKey(pipfile.text, 'python_version', '[requires]') } };
  return undefined;
}

/** The default version when the PEP 440 specifier allows it, else the newest supported one it allows. */
export function pickFromSpecifier(specifier: string): string | undefined {
  return pickAllowed((version) => satisfies(version, specifier));
}

const pickFrom = (ranges: Range[]) => pickAllowed((version) => allows(version, ranges));

function pickAllowed(allowed: (version: string) => boolean): string | undefined {
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
