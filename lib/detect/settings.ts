/**
 * Follows a Django settings module through its star-import chain (`from .base import *`)
 * and collects every module-level setting with the file and line that set it last.
 */
import fs from 'node:fs';
import path from 'node:path';
import { evaluateExpression, unknown, type Value } from './evaluate.js';
import { settingAssignments, starImports, type Assignment } from './python-source.js';

export interface Setting {
  value: Value;
  file: string;
  line: number;
}

export interface SettingsRead {
  settings: Map<string, Setting>;
  /** Project-relative files read, base first. */
  files: string[];
  warnings: string[];
}

/** Project-relative path of a module's file, or undefined when it does not exist. */
export function moduleFile(root: string, module: string): string | undefined {
  const base = module.split('.').join('/');
  for (const candidate of [`${base}.py`, `${base}/__init__.py`]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

/** The absolute module name a `from X import *` inside `fromModule` refers to. */
export function resolveImport(fromModule: string, fromFile: string, target: string): string {
  if (!target.startsWith('.')) return target;
  const dots = /^\.+/.exec(target)![0].length;
  // A package's __init__ is itself the package, so its relative imports start one level lower.
  const packageParts = fromFile.endsWith('__init__.py') ? fromModule.split('.') : fromModule.split('.').slice(0, -1);
  const parts = packageParts.slice(0, packageParts.length - (dots - 1));
  const rest = target.slice(dots);
  return [...parts, ...(rest ? rest.split('.') : [])].join('.');
}

export function readSettings(root: string, module: string): SettingsRead {
  const result: SettingsRead = { settings: new Map(), files: [], warnings: [] };
  readModule(root, module, result, new Set());
  return result;
}

function readModule(root: string, module: string, result: SettingsRead, seen: Set<string>): void {
  const file = moduleFile(root, module);
  if (!file) {
    result.warnings.push(`settings module ${module} has no file in the project (looked for ${module.replaceAll('.', '/')}.py)`);
    return;
  }
  if (seen.has(file)) return;
  seen.add(file);

  let source: string;
  try {
    source = fs.readFileSync(path.join(root, file), 'utf8');
  } catch (error) {
    result.warnings.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return;
  }

  // Star imports and assignments in source order, as Python runs them: a `from .local import *`
  // at the end overrides what came before it.
  const steps = [
    ...starImports(source).map((imported) => ({ line: imported.line, imported })),
    ...settingAssignments(source).map((assignment) => ({ line: assignment.line, assignment })),
  ].sort((a, b) => a.line - b.line);
  const names = new Map<string, Value>([...result.settings].map(([name, setting]) => [name, setting.value]));
  const scope = { file, names };
  for (const step of steps) {
    if ('imported' in step) {
      const target = resolveImport(module, file, step.imported.module);
      if (!moduleFile(root, target)) continue;
      readModule(root, target, result, seen);
      for (const [name, setting] of result.settings) names.set(name, setting.value);
      continue;
    }
    const assignment = step.assignment;
    const value = assignment.op === '=' ? evaluateExpression(assignment.expression, scope) : mutate(names.get(assignment.name), assignment, scope);
    if (value.kind === 'unknown' && !value.env && WATCHED.has(assignment.name)) {
      result.warnings.push(`${file}:${assignment.line}: ${assignment.name} could not be read (${value.reason}); it will be asked`);
    }
    names.set(assignment.name, value);
    result.settings.set(assignment.name, { value, file, line: assignment.line });
  }
  result.files.push(file); // after its bases: the chosen module comes last
}

/** `+=`, `.insert(i, x)`, `.append(x)` and `.extend(xs)` on a list setting read earlier. */
function mutate(previous: Value | undefined, assignment: Assignment, scope: { file: string; names: Map<string, Value> }): Value {
  const fail = unknown(`${assignment.name}.${assignment.op} on a value that is not understood`);
  if (previous?.kind !== 'list') return fail;
  // Arguments evaluate as a tuple: "1, 'x'" -> (1, 'x').
  const args = evaluateExpression(`(${assignment.expression},)`, scope);
  if (args.kind !== 'list') return fail;
  const [first, second] = args.items;
  switch (assignment.op) {
    case '+=':
    case 'extend':
      return first?.kind === 'list' ? { kind: 'list', items: [...previous.items, ...first.items] } : fail;
    case 'append':
      return first ? { kind: 'list', items: [...previous.items, first] } : fail;
    case 'insert': {
      if (first?.kind !== 'num' || !second) return fail;
      const items = [...previous.items];
      items.splice(first.value, 0, second);
      return { kind: 'list', items };
    }
    default:
      return fail;
  }
}

/** Settings whose unreadable values deserve a warning. */
const WATCHED = new Set([
  'STATIC_URL',
  'STATIC_ROOT',
  'STATICFILES_DIRS',
  'MEDIA_URL',
  'MEDIA_ROOT',
  'WSGI_APPLICATION',
  'STORAGES',
  'STATICFILES_STORAGE',
]);
