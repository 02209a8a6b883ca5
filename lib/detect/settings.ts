/**
 * Follows a Django settings module through its star-import chain (`from .base import *`)
 * and collects every module-level setting with the file and line that set it last, and the
 * environment variables the chain reads without a default.
 */
import fs from 'node:fs';
import path from 'node:path';
import { binop, evaluate, unknown, type Context, type RequiredRead, type Value } from './evaluate.js';
import { moduleSteps, type Step } from './python-source.js';
import { childrenOf, PythonSource } from './python/tree.js';

export interface Setting {
  value: Value;
  file: string;
  line: number;
}

export interface RequiredEnv {
  variable: string;
  file: string;
  line: number;
}

export interface SettingsRead {
  settings: Map<string, Setting>;
  /** Project-relative files read, base first. */
  files: string[];
  /** Environment variables read at module level with no default, each at the first place read. */
  requiredEnv: RequiredEnv[];
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
  let dots = 0;
  while (target[dots] === '.') dots++;
  // A package's __init__ is itself the package, so its relative imports start one level lower.
  const packageParts = fromFile.endsWith('__init__.py') ? fromModule.split('.') : fromModule.split('.').slice(0, -1);
  const parts = packageParts.slice(0, packageParts.length - (dots - 1));
  const rest = target.slice(dots);
  return [...parts, ...(rest ? rest.split('.') : [])].join('.');
}

export function readSettings(root: string, module: string): SettingsRead {
  const result: SettingsRead = { settings: new Map(), files: [], requiredEnv: [], warnings: [] };
  readModule(root, module, result, new Map());
  return result;
}

/** Django takes only upper-case module names as settings. */
const isSettingName = (name: string) => name === name.toUpperCase() && name !== name.toLowerCase();

/** Runs one module's statements; returns its names, as a star import sees them. */
function readModule(root: string, module: string, result: SettingsRead, seen: Map<string, Map<string, Value>>): Map<string, Value> | undefined {
  const file = moduleFile(root, module);
  if (!file) {
    result.warnings.push(`settings module ${module} has no file in the project (looked for ${module.replaceAll('.', '/')}.py)`);
    return undefined;
  }
  if (seen.has(file)) return seen.get(file);
  const names = new Map<string, Value>();
  seen.set(file, names);

  let text: string;
  try {
    text = fs.readFileSync(path.join(root, file), 'utf8');
  } catch (error) {
    result.warnings.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
  const python = new PythonSource(text);
  for (const line of python.errorLines()) {
    result.warnings.push(`${file}:${line}: syntax error; that statement is not read, the rest of the file is`);
  }
  runModule(python, file, names, {
    starImport: (target) => {
      const resolved = resolveImport(module, file, target);
      if (!moduleFile(root, resolved)) return; // a package outside the project
      for (const [name, value] of readModule(root, resolved, result, seen) ?? []) {
        if (!name.startsWith('_')) names.set(name, value);
      }
    },
    assigned: (name, value, line) => {
      if (isSettingName(name)) result.settings.set(name, { value, file, line });
    },
    required: (read) => {
      if (!result.requiredEnv.some((known) => known.variable === read.variable)) result.requiredEnv.push({ ...read, file });
    },
  });
  result.files.push(file); // after its bases: the chosen module comes last
  return names;
}

interface ModuleHooks {
  starImport?: (module: string) => void;
  assigned?: (name: string, value: Value, line: number) => void;
  required?: (read: RequiredRead) => void;
}

/**
 * Star imports and assignments in source order, as Python runs them: a `from .local import *`
 * at the end overrides what came before it.
 */
function runModule(python: PythonSource, file: string, names: Map<string, Value>, hooks: ModuleHooks): void {
  const cx: Context = { python, scope: { file, names }, onRequired: hooks.required };
  for (const step of moduleSteps(python)) {
    if (step.kind === 'star-import') {
      hooks.starImport?.(step.module);
      continue;
    }
    const value = step.broken ? unknown(`syntax error in the statement at line ${step.line}`) : stepValue(step, cx);
    const targets = step.kind === 'assign' ? step.names : [step.name];
    for (const name of targets) {
      names.set(name, value);
      hooks.assigned?.(name, value, step.line);
    }
  }
}

/** The module-level names of one file, without following its imports (e.g. a generated overlay). */
export function moduleNames(text: string, file: string): Map<string, Value> {
  const names = new Map<string, Value>();
  runModule(new PythonSource(text), file, names, {});
  return names;
}

function stepValue(step: Exclude<Step, { kind: 'star-import' }>, cx: Context): Value {
  if (step.kind === 'assign') return evaluate(step.value, cx);
  const previous = cx.scope.names.get(step.name);
  if (step.kind === 'update') {
    const operand = evaluate(step.value, cx);
    const fail = unknown(`${step.name} ${step.op} on a value that is not understood`);
    if (!previous) return fail;
    // `+=` on lists and tuples, `|=` on dicts; both alike for a value that is only read
    if (step.op === '+=' || step.op === '|=') {
      const combined = binop(step.op === '+=' ? '+' : '|', previous, operand);
      return combined.kind === 'unknown' && previous.kind !== 'unknown' && operand.kind !== 'unknown' ? fail : combined;
    }
    return unknown(`${step.name} ${step.op} is not understood`);
  }
  return mutate(previous, step, cx);
}

/** `.insert(i, x)`, `.append(x)` and `.extend(xs)` on a list setting read earlier, `.update(d)` on a dict. */
function mutate(previous: Value | undefined, step: Extract<Step, { kind: 'mutate' }>, cx: Context): Value {
  const args = childrenOf(step.args)
    .filter((child) => !['(', ')', ','].includes(child.name))
    .map((child) => evaluate(child, cx));
  const fail = unknown(`${step.name}.${step.method} on a value that is not understood`);
  const [first, second] = args;
  if (step.method === 'update') return previous?.kind === 'dict' && first?.kind === 'dict' && args.length === 1 ? binop('|', previous, first) : fail;
  if (previous?.kind !== 'list') return fail;
  switch (step.method) {
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
  }
}
