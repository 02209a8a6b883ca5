/**
 * Which dependency manager a project uses, what the Python version is, and which Django
 * and gunicorn versions it pins, read from requirement and lock files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readText } from '../read-text.js';
import type { Found } from './found.js';

export type DependencyManager = 'pip' | 'pip-pyproject' | 'poetry' | 'uv' | 'pipenv';

export interface DependencySpec {
  manager: DependencyManager;
  /** The file that names the dependencies (relative to the project). */
  file: string;
}

/** Lock files win over loose specifications; production requirements over base ones. */
const DEPENDENCY_FILES: [string, DependencyManager][] = [
  ['uv.lock', 'uv'],
  ['poetry.lock', 'poetry'],
  ['Pipfile.lock', 'pipenv'],
  ['requirements/production.txt', 'pip'],
  ['requirements/prod.txt', 'pip'],
  ['requirements.txt', 'pip'],
  ['requirements/base.txt', 'pip'],
  ['pyproject.toml', 'pip-pyproject'],
];

export function dependencyFor(file: string): DependencySpec {
  const known = DEPENDENCY_FILES.find(([name]) => name === file);
  if (known) return { manager: known[1], file };
  if (file.endsWith('.txt') || file.endsWith('.in')) return { manager: 'pip', file };
  throw new Error(`unknown dependency file ${file}: expected a requirements *.txt file, pyproject.toml, poetry.lock, uv.lock or Pipfile.lock`);
}

export function dependencyCandidates(root: string): DependencySpec[] {
  const found = DEPENDENCY_FILES.filter(([file]) => fs.existsSync(path.join(root, file))).map(([file]) => dependencyFor(file));
  // pyproject.toml only counts for pip when it lists [project] dependencies.
  return found.filter((spec) => spec.manager !== 'pip-pyproject' || /^\s*dependencies\s*=/m.test(read(root, spec.file) ?? ''));
}

/** The files the Dockerfile must copy before installing (so the layer caches apart from code). */
export function filesToCopy(root: string, spec: DependencySpec): string[] {
  switch (spec.manager) {
    case 'pip':
      return [...new Set([spec.file, ...includedRequirements(root, spec.file)])];
    case 'pip-pyproject':
      return ['pyproject.toml'];
    case 'poetry':
      return ['pyproject.toml', 'poetry.lock'];
    case 'uv':
      return ['pyproject.toml', 'uv.lock'];
    case 'pipenv':
      return ['Pipfile', 'Pipfile.lock'];
  }
}

/** `-r other.txt` / `-c constraints.txt` includes, transitively. */
function includedRequirements(root: string, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = read(root, file) ?? '';
  const includes = [...text.matchAll(/^\s*(?:-r|-c|--requirement|--constraint)[\s=]+(\S+)/gm)].map((m) =>
    path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]!)),
  );
  return includes.flatMap((include) => [include, ...includedRequirements(root, include, seen)]);
}

/** A package's pinned or minimum version in the dependency files, e.g. Django 4.2. */
export function packageVersion(root: string, spec: DependencySpec, name: string): Found<string> | undefined {
  const files = spec.manager === 'pip' ? filesToCopy(root, spec) : [spec.file, 'pyproject.toml'];
  const escaped = name.replace(/[-_]/g, '[-_]');
  const patterns = [
    // requirements: Django==4.2.7, django>=4.2,<5; pyproject: "django>=4.2"
    new RegExp(`^\\s*["']?${escaped}(?:\\[[^\\]]*\\])?\\s*(?:==|>=|~=|===)\\s*v?(\\d+(?:\\.\\d+)*)`, 'im'),
    // poetry.lock / uv.lock: name = "django"\nversion = "4.2.7"
    new RegExp(`^name\\s*=\\s*"${escaped}"\\s*\\n(?:.*\\n)*?version\\s*=\\s*"(\\d+(?:\\.\\d+)*)"`, 'im'),
    // Pipfile.lock: "django": { ... "version": "==4.2.7"
    new RegExp(`"${escaped}"\\s*:\\s*\\{[^}]*?"version"\\s*:\\s*"==(\\d+(?:\\.\\d+)*)"`, 'is'),
    // poetry pyproject: django = "^4.2"
    new RegExp(`^${escaped}\\s*=\\s*"[\\^~>=]*(\\d+(?:\\.\\d+)*)`, 'im'),
  ];
  for (const file of files) {
    const text = read(root, file);
    if (!text) continue;
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (match) return { value: match[1]!, source: { file, line: lineOf(text, match.index) } };
    }
  }
  return undefined;
}

/**
 * Whether a package is among the dependencies the Dockerfile installs: the requirement files
 * for pip; otherwise only the runtime section ([project] dependencies, Poetry's main
 * dependencies, Pipfile's [packages]), since dev groups and lock files are not installed
 * by `--only main` / `--no-dev` / `--deploy` as meant here.
 */
export function mentionsPackage(root: string, spec: DependencySpec, name: string): boolean {
  const pattern = new RegExp(`(^|["'\\s])${name}(?![\\w-])`, 'im');
  if (spec.manager === 'pip') return filesToCopy(root, spec).some((file) => pattern.test(read(root, file) ?? ''));
  const runtime =
    spec.manager === 'pipenv'
      ? tomlSection(read(root, 'Pipfile') ?? '', 'packages')
      : spec.manager === 'poetry'
        ? tomlSection(read(root, 'pyproject.toml') ?? '', 'tool.poetry.dependencies') + projectDependencies(read(root, 'pyproject.toml') ?? '')
        : projectDependencies(read(root, 'pyproject.toml') ?? '');
  return pattern.test(runtime);
}

/** The body of a [section] of a TOML file, up to the next header. */
export function tomlSection(text: string, section: string): string {
  const header = new RegExp(`^\\[${section.replace(/\./g, '\\.')}\\]\\s*$`, 'm').exec(text);
  if (!header) return '';
  const rest = text.slice(header.index + header[0].length);
  return rest.slice(0, rest.search(/^\[/m) === -1 ? undefined : rest.search(/^\[/m));
}

/** The [project] dependencies = [...] array, as text. */
function projectDependencies(pyproject: string): string {
  return /^dependencies\s*=\s*\[([\s\S]*?)\]/m.exec(tomlSection(pyproject, 'project'))?.[1] ?? '';
}

/** Python versions with an official python:<v>-slim image this generator supports. */
export const SUPPORTED_PYTHON = ['3.9', '3.10', '3.11', '3.12', '3.13', '3.14'] as const;
export const DEFAULT_PYTHON = '3.12';

export function detectPythonVersion(root: string): Found<string> | undefined {
  const pythonVersion = read(root, '.python-version');
  const pinned = pythonVersion && /^\s*(?:python-?)?(\d+\.\d+)/m.exec(pythonVersion);
  if (pinned) return { value: pinned[1]!, source: { file: '.python-version', line: 1 } };

  const pyproject = read(root, 'pyproject.toml');
  const requires = pyproject && /^\s*requires-python\s*=\s*["']([^"']+)["']/m.exec(pyproject);
  if (requires) {
    const chosen = pickFromSpecifier(requires[1]!);
    const source = { file: 'pyproject.toml', line: lineOf(pyproject, requires.index) };
    if (chosen) return { value: chosen, source, note: `requires-python "${requires[1]}"` };
  }
  const runtime = read(root, 'runtime.txt');
  const runtimeMatch = runtime && /python-(\d+\.\d+)/.exec(runtime);
  if (runtimeMatch) return { value: runtimeMatch[1]!, source: { file: 'runtime.txt', line: 1 } };

  const pipfile = read(root, 'Pipfile');
  const pipfileMatch = pipfile && /^\s*python_version\s*=\s*["'](\d+\.\d+)/m.exec(pipfile);
  if (pipfileMatch) return { value: pipfileMatch[1]!, source: { file: 'Pipfile', line: lineOf(pipfile, pipfileMatch.index) } };
  return undefined;
}

/** The default version when the specifier allows it, else the newest supported one it allows. */
export function pickFromSpecifier(specifier: string): string | undefined {
  const clauses = specifier.split(',').map((c) => c.trim()).filter(Boolean);
  const allows = (version: string) => clauses.every((clause) => satisfies(version, clause));
  if (allows(DEFAULT_PYTHON)) return DEFAULT_PYTHON;
  return [...SUPPORTED_PYTHON].reverse().find(allows);
}

function satisfies(version: string, clause: string): boolean {
  const match = /^(==|>=|<=|>|<|~=|!=|\^)?\s*(\d+)(?:\.(\d+))?(?:\.(\d+|\*))?/.exec(clause);
  if (!match) return true;
  const [, op = '==', majorText, minorText] = match;
  const cmp = compare(version, `${majorText}.${minorText ?? '0'}`);
  switch (op) {
    case '>=':
      return cmp >= 0;
    case '>':
      return cmp > 0 || (match[4] !== undefined && cmp === 0);
    case '<=':
      return cmp <= 0;
    case '<':
      return cmp < 0;
    case '!=':
      return match[4] !== undefined || cmp !== 0;
    case '~=':
    case '^':
      return cmp >= 0 && version.split('.')[0] === majorText;
    default:
      return minorText === undefined ? version.split('.')[0] === majorText : cmp === 0;
  }
}

function compare(a: string, b: string): number {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number);
  const [b1 = 0, b2 = 0] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
}

export const read = (root: string, file: string): string | undefined => readText(path.join(root, file));

export function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}
