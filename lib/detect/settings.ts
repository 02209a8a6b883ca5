/**
 * Follows a Django settings module through its star-import chain (`from .base import *`)
 * and collects every module-level setting with the file and line that set it last, and the
 * environment variables the chain reads without a default.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { binop, conditionOf, describe, evaluate, importedReaderClass, negate, unknown, type Branch, type Condition, type Context, type Value } from './evaluate.js';
import { moduleSteps, type Step } from './python-source.js';
import { argumentNodes, childrenOf, PythonSource } from './python/tree.js';
import type { Found } from './found.js';
import { managePyPathFolders } from './sys-path.js';

export interface Setting {
  value: Value;
  file: string;
  line: number;
}

export interface RequiredEnv {
  variable: string;
  file: string;
  line: number;
  /** Required only on a branch that runs when these hold. */
  when?: Condition[];
}

/** A call at import time that writes to the disk (os.makedirs, Path.mkdir, a logging file handler). */
export interface ImportWrite {
  /** The folder or file written, when it can be read: project-relative, or absolute. */
  path?: string;
  what: string;
  file: string;
  line: number;
}

export interface SettingsRead {
  settings: Map<string, Setting>;
  /** Project-relative files read, base first. */
  files: string[];
  /** Environment variables read at module level with no default, each at the first place read. */
  requiredEnv: RequiredEnv[];
  /** Folders and files the settings create or open for writing when they are imported. */
  importWrites: ImportWrite[];
  warnings: string[];
}

/** Project-relative path of a module's file, or undefined when it does not exist. */
export function moduleFile(root: string, module: string): string | undefined {
  return locateModule(root, module)?.file;
}

/**
 * A module's file, beside manage.py or else in a folder manage.py puts on sys.path (then with
 * that folder: the image must put it on the Python path too).
 */
export function locateModule(root: string, module: string): { file: string; folder?: Found<string> } | undefined {
  const base = module.split('.').join('/');
  const inFolder = (dir: string) => [`${base}.py`, `${base}/__init__.py`].map((candidate) => path.posix.join(dir, candidate)).find((candidate) => fs.existsSync(path.join(root, candidate)));
  const beside = inFolder('.');
  if (beside) return { file: beside };
  for (const folder of managePyPathFolders(root)) {
    const file = inFolder(folder.value);
    if (file) return { file, folder };
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
  const result: SettingsRead = { settings: new Map(), files: [], requiredEnv: [], importWrites: [], warnings: [] };
  new SettingsReader(root, result).readModule(module);
  return result;
}

/** Django takes only upper-case module names as settings. */
const isSettingName = (name: string) => name === name.toUpperCase() && name !== name.toLowerCase();

interface ModuleRun {
  python: PythonSource;
  /** The file whose statements these are (an included file is run in its includer's names). */
  file: string;
  /** The module whose names these are: relative imports and __file__ resolve from it. */
  module: string;
  moduleFile: string;
  names: Map<string, Value>;
  when: Condition[];
  envDefaults: Map<string, Value>;
  /** Where each name was last set in this run (for branch reports). */
  lines: Map<string, { file: string; line: number }>;
  /** Only the outermost run records settings; a branch reports its assignments to the `if`. */
  record: boolean;
  /**
   * A `for`, `with` or `try` body, read only for the folders it creates: what it sets, imports
   * and reads from the environment leaves the module as it was (its values are conditional).
   */
  writesOnly?: true;
}

class SettingsReader {
  private readonly seen = new Map<string, Map<string, Value>>();
  private readonly envDefaults = new Map<string, Value>();

  constructor(
    private readonly root: string,
    private readonly result: SettingsRead,
  ) {}

  /** Runs one module's statements; returns its names, as an import sees them. */
  readModule(module: string): Map<string, Value> | undefined {
    const file = moduleFile(this.root, module);
    if (!file) {
      this.result.warnings.push(`settings module ${module} has no file in the project (looked for ${module.replaceAll('.', '/')}.py)`);
      return undefined;
    }
    if (this.seen.has(file)) return this.seen.get(file);
    const names = new Map<string, Value>();
    this.seen.set(file, names);
    const python = this.parse(file);
    if (!python) return undefined;
    this.run(moduleSteps(python), { python, file, module, moduleFile: file, names, when: [], envDefaults: this.envDefaults, lines: new Map(), record: true });
    this.result.files.push(file); // after its bases: the chosen module comes last
    return names;
  }

  /** A file's names without following its imports. */
  namesOf(python: PythonSource, file: string): Map<string, Value> {
    const names = new Map<string, Value>();
    this.run(moduleSteps(python), { python, file, module: file.replace(/\.py$/, '').replaceAll('/', '.'), moduleFile: file, names, when: [], envDefaults: new Map(), lines: new Map(), record: false });
    return names;
  }

  private parse(file: string): PythonSource | undefined {
    let text: string;
    try {
      text = fs.readFileSync(path.join(this.root, file), 'utf8');
    } catch (error) {
      this.result.warnings.push(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return undefined;
    }
    const python = new PythonSource(text);
    for (const line of python.errorLines()) {
      this.result.warnings.push(`${file}:${line}: syntax error; that statement is not read, the rest of the file is`);
    }
    return python;
  }

  private context(run: ModuleRun): Context {
    return {
      python: run.python,
      scope: { file: run.moduleFile, names: run.names },
      when: run.when,
      envDefaults: run.envDefaults,
      ...(run.writesOnly ? {} : { onRequired: (read: Omit<RequiredEnv, 'file'>) => this.required({ ...read, file: run.file }) }),
    };
  }

  private required(read: RequiredEnv): void {
    const known = this.result.requiredEnv.findIndex((other) => other.variable === read.variable);
    if (known === -1) this.result.requiredEnv.push(read);
    // Required always beats required on a branch.
    else if (this.result.requiredEnv[known]!.when && !read.when) this.result.requiredEnv[known] = read;
  }

  private assign(run: ModuleRun, name: string, value: Value, line: number, file = run.file): void {
    run.names.set(name, value);
    run.lines.set(name, { file, line });
    if (run.record && isSettingName(name)) this.result.settings.set(name, { value, file, line });
  }

  /** Steps in source order, as Python runs them: a `from .local import *` at the end overrides what came before it. */
  private run(steps: Step[], run: ModuleRun): { raised: boolean } {
    const cx = this.context(run);
    for (const step of steps) {
      if (run.writesOnly && (step.kind === 'star-import' || step.kind === 'from-import')) continue;
      switch (step.kind) {
        case 'for':
          this.loop(run, step);
          break;
        case 'block':
          for (const { body, guarded } of step.bodies) if (!guarded) this.run(moduleSteps(run.python, body), this.blockRun(run));
          break;
        case 'star-import': {
          // The imported module recorded its own settings, with their files and lines.
          for (const [name, value] of this.importedNames(run, step.module) ?? []) {
            if (name.startsWith('_')) continue;
            run.names.set(name, value);
            run.lines.set(name, { file: run.file, line: step.line });
          }
          break;
        }
        case 'from-import':
          this.fromImport(run, step);
          break;
        case 'if':
          if (this.ifStatement(run, step).raised) return { raised: true };
          break;
        case 'raise':
          return { raised: true };
        case 'call':
          if (run.writesOnly) this.recordWrite(run, step.call, step.line, cx);
          else this.effect(run, step.call, step.line, cx);
          break;
        default: {
          const value = step.broken ? unknown(`syntax error in the statement at line ${step.line}`) : stepValue(step, cx);
          for (const name of step.kind === 'assign' ? step.names : [step.name]) this.assign(run, name, value, step.line);
        }
      }
    }
    return { raised: false };
  }

  /** A block's own copy of the names, read for its writes only. */
  private blockRun(run: ModuleRun, names = new Map(run.names)): ModuleRun {
    return { ...run, names, lines: new Map(), envDefaults: new Map(run.envDefaults), record: false, writesOnly: true };
  }

  /**
   * `for directory in (BASE_DIR, LOG_DIR): directory.mkdir()`: the body once per item of a
   * sequence that can be read, else once with the loop variable unknown (its writes then have
   * no path, and are refused rather than guessed).
   */
  private loop(run: ModuleRun, step: Extract<Step, { kind: 'for' }>): void {
    const items = evaluate(step.iterable, { ...this.context(run), onRequired: undefined });
    const source = run.python.textOf(step.iterable).replace(/\s+/g, ' ');
    const values = items.kind === 'list' ? items.items : [unknown(`${step.target ?? 'the loop variable'} takes each item of \`${source}\`, which is not read (${describe(items)})`)];
    for (const value of values) {
      const names = new Map(run.names);
      if (step.target) names.set(step.target, value);
      for (const body of step.bodies) this.run(moduleSteps(run.python, body), this.blockRun(run, names));
    }
  }

  /** The names of a project module an import names, or undefined for a package outside the project. */
  private importedNames(run: ModuleRun, target: string): Map<string, Value> | undefined {
    const resolved = resolveImport(run.module, run.moduleFile, target);
    return moduleFile(this.root, resolved) ? this.readModule(resolved) : undefined;
  }

  /** `from .conf import DATABASE` binds that name; `from . import configuration` binds the module. */
  private fromImport(run: ModuleRun, step: Extract<Step, { kind: 'from-import' }>): void {
    const resolved = resolveImport(run.module, run.moduleFile, step.module);
    for (const [imported, bound] of step.names) {
      const submodule = `${resolved}.${imported}`;
      if (moduleFile(this.root, submodule)) {
        const names = this.readModule(submodule);
        if (names) this.assign(run, bound, { kind: 'unknown', reason: `the module ${submodule}`, module: names }, step.line);
        continue;
      }
      const names = moduleFile(this.root, resolved) ? this.readModule(resolved) : undefined;
      const value = names ? names.get(imported) : importedReaderClass(resolved, imported);
      if (value) this.assign(run, bound, value, step.line);
    }
  }

  /**
   * Each branch runs on a copy of the names, under its condition (and the negation of the ones
   * before it). A name every branch leaves the same keeps that value; one the branches set
   * differently is unknown, with each branch's value, file:line and condition. A branch that
   * raises never finishes, so its values do not count; `if not os.getenv("X"): raise ...`
   * makes X required.
   */
  private ifStatement(run: ModuleRun, step: Extract<Step, { kind: 'if' }>): { raised: boolean } {
    const outcomes: { names: Map<string, Value>; lines: Map<string, { file: string; line: number }>; when: Condition[] }[] = [];
    let earlier: Condition[] = [];
    let exhaustive = false;
    for (const branch of step.branches) {
      const condition = branch.test ? conditionOf(branch.test, { ...this.context(run), when: [...run.when, ...earlier] }) : true;
      if (condition === false) continue; // a test known to be false: the branch never runs
      const when = [...run.when, ...earlier, ...(condition === true ? [] : [condition])];
      const names = new Map(run.names);
      const lines = new Map<string, { file: string; line: number }>();
      const branchSteps = moduleSteps(run.python, branch.body);
      const { raised } = this.run(branchSteps, { ...run, names, lines, when, envDefaults: new Map(run.envDefaults), record: false });
      if (raised) {
        // `if not X: raise`: X is required wherever this statement runs.
        if (!run.writesOnly && typeof condition === 'object' && 'variable' in condition && !condition.set) {
          this.required({ variable: condition.variable, file: run.file, line: branch.line, ...(run.when.length + earlier.length ? { when: [...run.when, ...earlier] } : {}) });
        }
      } else {
        outcomes.push({ names, lines, when });
      }
      if (condition === true) {
        exhaustive = true;
        break;
      }
      earlier = [...earlier, negate(condition)];
    }
    if (!exhaustive) outcomes.push({ names: new Map(run.names), lines: new Map(), when: [...run.when, ...earlier] });
    if (outcomes.length === 0) return { raised: true };

    const changed = new Set(outcomes.flatMap((outcome) => [...outcome.lines.keys()]));
    for (const name of changed) {
      const values = outcomes.map((outcome) => outcome.names.get(name));
      const first = values[0];
      const where = (outcome: (typeof outcomes)[number]) => outcome.lines.get(name) ?? run.lines.get(name) ?? { file: run.file, line: step.line };
      const setAt = outcomes.map(where).find((_, index) => outcomes[index]!.lines.has(name))!;
      if (first && values.every((value) => value && describe(value) === describe(first))) {
        this.assign(run, name, first, setAt.line, setAt.file);
        continue;
      }
      const branches: Branch[] = outcomes.map((outcome) => ({
        when: outcome.when,
        value: outcome.names.get(name) ?? unknown(`${name} is not set on this branch`),
        ...where(outcome),
      }));
      const merged: Value = { kind: 'unknown', reason: `${name} is set differently on the branches of the \`if\` at line ${step.line}`, branches };
      this.assign(run, name, merged, setAt.line, setAt.file);
    }
    return { raised: false };
  }

  /**
   * Calls made for their effect: django-split-settings' include(...), os.environ.setdefault(...),
   * and the ones that write to the disk at import.
   */
  private effect(run: ModuleRun, call: SyntaxNode, line: number, cx: Context): void {
    const { name, args } = callParts(run.python, call);
    if (name === 'include' || name === 'split_settings.tools.include') return this.include(run, args, line, cx);
    if (name === 'os.environ.setdefault' || name === 'environ.setdefault') {
      const [variable, value] = args.map((arg) => evaluate(arg, cx));
      if (variable?.kind === 'str' && value) run.envDefaults.set(variable.value, value);
      return;
    }
    if (!this.recordWrite(run, call, line, cx)) evaluate(call, cx); // environment reads in any other call still count
  }

  /** A call that creates a folder at import: recorded; false for any other call. */
  private recordWrite(run: ModuleRun, call: SyntaxNode, line: number, cx: Context): boolean {
    const { name, args } = callParts(run.python, call);
    const write = importWrite(name, call, args, cx);
    const recorded = write && { ...write, file: run.file, line };
    // A loop over several folders not read: one write whose path is not read, said once.
    const same = (other: ImportWrite) => other.file === recorded?.file && other.line === line && other.path === recorded.path && other.what === recorded.what;
    if (recorded && !this.result.importWrites.some(same)) this.result.importWrites.push(recorded);
    return write !== undefined;
  }

  /** django-split-settings: each file (glob patterns allowed, optional(...) may be missing) runs in these names. */
  private include(run: ModuleRun, args: SyntaxNode[], line: number, cx: Context): void {
    const patterns: { pattern: Value; optional: boolean }[] = [];
    const collect = (value: Value, optional: boolean) => {
      if (value.kind === 'list') for (const item of value.items) collect(item, optional);
      else patterns.push({ pattern: value, optional: optional || (value.kind === 'str' && value.optional === true) });
    };
    for (const arg of args) {
      if (arg.name === '*') continue;
      collect(evaluate(arg, cx), false);
    }
    const base = path.posix.dirname(run.moduleFile);
    for (const { pattern, optional } of patterns) {
      if (pattern.kind !== 'str') {
        this.result.warnings.push(`${run.file}:${line}: include() of a file name that is not read (${describe(pattern)}); its settings are not read`);
        continue;
      }
      const files = globFiles(this.root, path.posix.join(base, pattern.value));
      if (files.length === 0 && !optional) this.result.warnings.push(`${run.file}:${line}: include() names ${pattern.value}, which does not exist`);
      for (const file of files) {
        const python = this.parse(file);
        if (!python) continue;
        this.run(moduleSteps(python), { ...run, python, file });
        this.result.files.push(file);
      }
    }
  }
}

/** Project files matching a path whose last part may hold `*` (what split-settings' glob patterns use). */
function globFiles(root: string, pattern: string): string[] {
  const dir = path.posix.dirname(pattern);
  const last = path.posix.basename(pattern);
  if (!last.includes('*')) return fs.existsSync(path.join(root, pattern)) ? [pattern] : [];
  const matcher = new RegExp(
    `^${last
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  );
  let entries: string[];
  try {
    entries = fs.readdirSync(path.join(root, dir));
  } catch {
    return [];
  }
  return entries
    .filter((entry) => matcher.test(entry))
    .sort()
    .map((entry) => path.posix.join(dir, entry));
}

/** A call's callee as written (without spaces) and its argument nodes. */
function callParts(python: PythonSource, call: SyntaxNode): { name: string; args: SyntaxNode[] } {
  const [callee, argList] = childrenOf(call);
  const name = callee ? python.textOf(callee).replace(/\s+/g, '') : '';
  return { name, args: argList ? argumentNodes(argList) : [] };
}

/** os.makedirs(X), os.mkdir(X), Path(X).mkdir(...): a folder created when the settings are imported. */
function importWrite(name: string, call: SyntaxNode, args: SyntaxNode[], cx: Context): Omit<ImportWrite, 'file' | 'line'> | undefined {
  const target = (value: Value | undefined) => (value && (value.kind === 'path' || value.kind === 'str') ? value.value : undefined);
  if (name === 'os.makedirs' || name === 'os.mkdir' || name === 'makedirs') {
    const folder = target(args[0] && evaluate(args[0], cx));
    return { ...(folder !== undefined ? { path: folder } : {}), what: `${name}() creates a folder` };
  }
  if (name.endsWith('.mkdir')) {
    const [callee] = childrenOf(call);
    const object = callee && childrenOf(callee)[0];
    const folder = target(object && evaluate(object, cx));
    return { ...(folder !== undefined ? { path: folder } : {}), what: 'mkdir() creates a folder' };
  }
  return undefined;
}

type ValueStep = Extract<Step, { kind: 'assign' | 'update' | 'mutate' }>;

function stepValue(step: ValueStep, cx: Context): Value {
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
function mutate(previous: Value | undefined, step: Extract<ValueStep, { kind: 'mutate' }>, cx: Context): Value {
  const args = argumentNodes(step.args).map((child) => evaluate(child, cx));
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

/** The module-level names of one file, without following its imports (e.g. a generated overlay). */
export function moduleNames(text: string, file: string): Map<string, Value> {
  const result: SettingsRead = { settings: new Map(), files: [], requiredEnv: [], importWrites: [], warnings: [] };
  const reader = new SettingsReader('/nonexistent', result);
  return reader.namesOf(new PythonSource(text), file);
}
