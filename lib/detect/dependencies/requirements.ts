/**
 * Requirements, parsed with pip-requirements-js: PEP 508 strings (from TOML arrays) and
 * pip requirements files. The library parses requirements but not pip's own option lines
 * (`--hash`, `-e`, `--requirement`, `--index-url`, backslash continuations), so a file is
 * first cut into logical lines the way pip's req_file.py does, and only the requirement
 * part of each line is handed to the parser.
 */
import path from 'node:path';
import { parsePipRequirementsLine, RequirementsSyntaxError, type EnvironmentMarker, type Requirement as ParsedRequirement } from 'pip-requirements-js';
import { read } from '../../read-text.js';
import type { Range } from './versions.js';

/** A named dependency with the versions it allows and where it is declared. */
export interface Requirement {
  /** PEP 503 normalized: Django, django and DJANGO are one package. */
  name: string;
  /** The specifier as written (PEP 440, or Poetry's ^/~ syntax), '' for any version. */
  specifier: string;
  /** The allowed versions as PEP 440 ranges, any one of which suffices. */
  ranges: Range[];
  /** Extras asked for ("psycopg[binary]" -> ["binary"]), normalized; absent when none. */
  extras?: string[];
  source: { file: string; line?: number };
}

/** PEP 503: runs of -, _ and . are one "-", case-insensitive. */
export function normalizeName(name: string): string {
  let normalized = '';
  for (const char of name.toLowerCase()) {
    const separator = char === '-' || char === '_' || char === '.';
    if (!separator) normalized += char;
    else if (!normalized.endsWith('-')) normalized += '-';
  }
  return normalized;
}

/**
 * A PEP 508 string ("django[argon2]>=4.2,<5.3; python_version >= '3.10'", "pkg @ https://…")
 * as a Requirement, or undefined when it does not apply in the Linux image (its marker is
 * false) or is no requirement; the latter is also a warning naming file and line.
 */
export function pep508Requirement(text: string, source: Requirement['source'], warnings: string[]): Requirement | undefined {
  let parsed: ParsedRequirement | null;
  try {
    parsed = parsePipRequirementsLine(text);
  } catch (error) {
    if (!(error instanceof RequirementsSyntaxError)) throw error;
    warnings.push(`${source.file}${source.line ? `:${source.line}` : ''}: "${text}" is not a requirement pip understands`);
    return undefined;
  }
  return parsed ? fromParsed(parsed, source) : undefined;
}

function fromParsed(parsed: ParsedRequirement, source: Requirement['source']): Requirement | undefined {
  if (parsed.type !== 'ProjectName' && parsed.type !== 'ProjectURL') return undefined;
  if (parsed.environmentMarkerTree && !appliesInImage(parsed.environmentMarkerTree)) return undefined;
  const range = parsed.type === 'ProjectName' ? (parsed.versionSpec ?? []).map(({ operator, version }) => ({ operator: String(operator), version })) : [];
  const specifier = range.map((clause) => clause.operator + clause.version).join(',');
  const extras = (parsed.extras ?? []).map(normalizeName);
  return { name: normalizeName(parsed.name), specifier, ranges: [range], ...(extras.length ? { extras } : {}), source };
}

/** The environment the generated image runs in; Python's own version is left open (it is answered later). */
const IMAGE_ENVIRONMENT: Record<string, string> = {
  os_name: 'posix',
  sys_platform: 'linux',
  platform_system: 'Linux',
  platform_python_implementation: 'CPython',
  implementation_name: 'cpython',
  extra: '', // extras are not installed
};

/** A marker's value in the image; comparisons it cannot decide (Python version, machine) count as true. */
function appliesInImage(marker: EnvironmentMarker): boolean {
  if (marker.operator === 'and') return appliesInImage(marker.left) && appliesInImage(marker.right);
  if (marker.operator === 'or') return appliesInImage(marker.left) || appliesInImage(marker.right);
  const leaf = marker as { left: string; operator: string; right: string };
  const value = (side: string) => (side.startsWith('"') || side.startsWith("'") ? side.slice(1, -1) : IMAGE_ENVIRONMENT[side]);
  const [left, right] = [value(leaf.left), value(leaf.right)];
  if (left === undefined || right === undefined) return true;
  switch (leaf.operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case 'in':
      return right.includes(left);
    case 'not in':
      return !right.includes(left);
    default:
      return true;
  }
}

export interface RequirementsFile {
  requirements: Requirement[];
  /** Files named by -r / -c, relative to the project, in order. */
  includes: { file: string; constraints: boolean }[];
  /** Local archives and folders pip reads (`./vendor/pkg-1.0.tar.gz`, `--find-links wheels`), relative to the project. */
  localPaths: string[];
  warnings: string[];
}

/** One requirements file (not its includes). */
export function parseRequirementsFile(text: string, file: string): RequirementsFile {
  const result: RequirementsFile = { requirements: [], includes: [], localPaths: [], warnings: [] };
  const relative = (target: string) => path.posix.normalize(path.posix.join(path.posix.dirname(file), target));
  for (const { text: line, number } of logicalLines(text)) {
    const { requirement, options } = splitOptions(line);
    for (const [option, value] of options) {
      if (!value) continue;
      if (option === '-r' || option === '--requirement') result.includes.push({ file: relative(value), constraints: false });
      else if (option === '-c' || option === '--constraint') result.includes.push({ file: relative(value), constraints: true });
      else if (option === '-e' || option === '--editable') {
        const named = editableName(value);
        if (named) result.requirements.push({ name: named, specifier: '', ranges: [[]], source: { file, line: number } });
        else result.localPaths.push(...localPath(value));
      }
      // pip reads a relative --find-links beside the requirements file that names it.
      else if (option === '-f' || option === '--find-links') result.localPaths.push(...localPath(value).flatMap((local) => localPath(relative(local))));
    }
    if (!requirement) continue;
    // A local archive or folder is read from the working directory (the project, in the image).
    if (/^(\.|\/|file:)/.test(requirement)) result.localPaths.push(...localPath(requirement.split(/[\s;#]/)[0]!));
    // A bare local folder, archive or URL ("./pkg", "https://…/x.whl") is installed, but names no package here.
    const parsed = pep508Requirement(requirement, { file, line: number }, isPathOrUrl(requirement) ? [] : result.warnings);
    if (parsed) result.requirements.push(parsed);
  }
  return result;
}

export interface RequirementsTree {
  /** The file and everything it includes, for the Dockerfile to copy. */
  files: string[];
  /** Local archives and folders they install from or find packages in, for the Dockerfile to copy too. */
  localPaths: string[];
  /** What pip installs: requirements of the file and its -r includes (constraints only limit versions). */
  requirements: Requirement[];
  warnings: string[];
}

/** A requirements file with its -r / -c includes, transitively. */
export function readRequirementsTree(root: string, file: string): RequirementsTree {
  const tree: RequirementsTree = { files: [], localPaths: [], requirements: [], warnings: [] };
  const visit = (current: string, installs: boolean, from?: string) => {
    if (tree.files.includes(current)) return;
    const text = read(root, current);
    if (text === undefined) {
      tree.warnings.push(`${from ?? current}: includes ${current}, which does not exist`);
      return;
    }
    tree.files.push(current);
    const parsed = parseRequirementsFile(text, current);
    tree.warnings.push(...parsed.warnings);
    for (const local of parsed.localPaths) if (!tree.localPaths.includes(local)) tree.localPaths.push(local);
    if (installs) tree.requirements.push(...parsed.requirements);
    for (const include of parsed.includes) visit(include.file, installs && !include.constraints, current);
  };
  visit(file, true);
  return tree;
}

/** pip's preprocessing: backslash continuations joined, comments (# at line start or after a space) dropped. */
function logicalLines(text: string): { text: string; number: number }[] {
  const lines: { text: string; number: number }[] = [];
  let pending: { text: string; number: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const physical = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const continued = physical.endsWith('\\');
    const body = continued ? physical.slice(0, -1) : physical;
    pending = pending ? { text: pending.text + body, number: pending.number } : { text: body, number: index + 1 };
    if (continued) return;
    const content = withoutComment(pending.text).trim();
    if (content) lines.push({ text: content, number: pending.number });
    pending = undefined;
  });
  if (pending && withoutComment(pending.text).trim()) lines.push({ text: withoutComment(pending.text).trim(), number: pending.number });
  return lines;
}

function withoutComment(line: string): string {
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '#' && (i === 0 || line[i - 1] === ' ' || line[i - 1] === '\t')) return line.slice(0, i);
  }
  return line;
}

/**
 * pip's break_args_options: the requirement is every token before the first that starts
 * with "-"; the rest are options ("--hash=sha256:…", "-r base.txt", "-rbase.txt").
 */
function splitOptions(line: string): { requirement: string; options: [string, string | undefined][] } {
  const tokens = line.replaceAll('\t', ' ').split(' ').filter(Boolean);
  const first = tokens.findIndex((token) => token.startsWith('-'));
  const requirement = (first === -1 ? tokens : tokens.slice(0, first)).join(' ');
  const options: [string, string | undefined][] = [];
  const rest = first === -1 ? [] : tokens.slice(first);
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i]!;
    if (!token.startsWith('-')) continue;
    const equals = token.indexOf('=');
    if (token.startsWith('--')) {
      if (equals !== -1) options.push([token.slice(0, equals), token.slice(equals + 1)]);
      else options.push([token, rest[i + 1]?.startsWith('-') ? undefined : rest[++i]]);
    } else if (token.length > 2) options.push([token.slice(0, 2), token.slice(token[2] === '=' ? 3 : 2)]);
    else options.push([token, rest[i + 1]?.startsWith('-') ? undefined : rest[++i]]);
  }
  return { requirement, options };
}

/** `-e git+https://…#egg=name` names its package; `-e .` and `-e ./pkg` do not. */
function editableName(target: string): string | undefined {
  const fragment = target.split('#')[1];
  const egg = fragment
    ?.split('&')
    .map((pair) => pair.split('='))
    .find(([key]) => key === 'egg')?.[1];
  return egg ? normalizeName(egg) : undefined;
}

/**
 * A project-relative path the build context holds: not a URL, not absolute, not above the
 * project, not the project itself (`-e .` installs the code, which is copied later).
 */
function localPath(target: string): string[] {
  const bare = target.startsWith('file:') && !target.startsWith('file://') ? target.slice('file:'.length) : target;
  if (bare.includes('://') || bare.startsWith('/')) return [];
  const normalized = path.posix.normalize(bare).replace(/\/$/, '');
  return normalized === '.' || normalized === '..' || normalized.startsWith('../') ? [] : [normalized];
}

const isPathOrUrl = (text: string) => text.startsWith('.') || text.startsWith('/') || text.includes('://') || text.startsWith('file:');
