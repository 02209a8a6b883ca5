/**
 * The module-level statements of a Python settings file, read from its @lezer/python syntax
 * tree. Nothing here imports or runs user code. Only module-level statements count: code in
 * `if`/`def`/`class`/`try`/`with` blocks is conditional, so a value set there is not "the" value
 * (`if` branches are read with their conditions; `for`, `with` and `try` bodies only for the
 * folders they create at import).
 */
import type { SyntaxNode } from '@lezer/common';
import { childrenOf, containsError, PythonSource, unparenthesized } from './python/tree.js';

export interface Statement {
  /** 1-based line where the statement starts. */
  line: number;
  /** The statement without comments; a compound statement (if, def, ...) as its header only. */
  text: string;
  node: SyntaxNode;
}

export function topLevelStatements(source: string | PythonSource): Statement[] {
  const python = typeof source === 'string' ? new PythonSource(source) : source;
  return python.statements.map((node) => ({ line: python.lineAt(node.from), text: statementText(python, node), node }));
}

function statementText(python: PythonSource, node: SyntaxNode): string {
  const body = node.getChild('Body');
  const end = body ? (body.firstChild?.to ?? body.from) : node.to; // the header ends with the body's ':'
  let text = '';
  let position = node.from;
  for (const comment of commentsIn(node)) {
    if (comment.from >= end) break;
    text += python.text.slice(position, comment.from).trimEnd();
    position = comment.to;
  }
  return (text + python.text.slice(position, end)).trim();
}

function commentsIn(node: SyntaxNode): SyntaxNode[] {
  const comments: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name === 'Comment') comments.push(child);
    else comments.push(...commentsIn(child));
  }
  return comments;
}

/** What a module-level statement does to the module's names, in the order Python runs them. */
export type Step =
  | { kind: 'star-import'; module: string; line: number }
  /** `A = v`, `A = B = v`, `A: T = v`, `(A := v)`. */
  | { kind: 'assign'; names: string[]; value: SyntaxNode; line: number; broken: boolean }
  /** `A += v`, `A |= v`, ... */
  | { kind: 'update'; name: string; op: string; value: SyntaxNode; line: number; broken: boolean }
  /** `A.insert(i, x)`, `A.append(x)`, `A.extend(xs)`, `A.update(d)`. */
  | { kind: 'mutate'; name: string; method: Mutation; args: SyntaxNode; line: number; broken: boolean }
  /** `if`/`elif`/`else`: each branch's test (none for `else`) and body, run as conditional statements. */
  | { kind: 'if'; branches: { test?: SyntaxNode; body: SyntaxNode; line: number }[]; line: number }
  /** `from X import A, B as C` and `from . import X`: the names bound, each as [imported, bound]. */
  | { kind: 'from-import'; module: string; names: [string, string][]; line: number }
  /** Any other call made for its effect (`include(...)`, `os.environ.setdefault(...)`, `os.makedirs(...)`). */
  | { kind: 'call'; call: SyntaxNode; line: number }
  /** `raise ...`: the settings stop importing here. */
  | { kind: 'raise'; line: number }
  /** `for X in items:` (and its `else`): read for the folders its bodies create, once per item. */
  | { kind: 'for'; target?: string; iterable: SyntaxNode; bodies: SyntaxNode[]; line: number }
  /**
   * `with` and `try` bodies, read for the folders they create. `guarded`: a `try` body whose
   * handlers catch OSError, so a write that fails on a read-only disk does no harm.
   */
  | { kind: 'block'; bodies: { body: SyntaxNode; guarded: boolean }[]; line: number };

export type Mutation = 'insert' | 'append' | 'extend' | 'update';
const MUTATIONS = new Set<string>(['insert', 'append', 'extend', 'update']);

/** The steps of a module, or of one block's Body (an `if` branch). */
export function moduleSteps(python: PythonSource, block?: SyntaxNode): Step[] {
  const statements = block ? childrenOf(block).filter((node) => node.name !== ':') : python.statements;
  return statements.flatMap((node) => {
    const step = stepOf(python, node, python.lineAt(node.from));
    return step ? [step] : [];
  });
}

function stepOf(python: PythonSource, node: SyntaxNode, line: number): Step | undefined {
  const children = childrenOf(node);
  const broken = containsError(node);
  switch (node.name) {
    case 'ImportStatement':
      return starImport(python, children, line) ?? fromImport(python, children, line);
    case 'IfStatement':
      return ifStep(python, children, line);
    case 'RaiseStatement':
      return { kind: 'raise', line };
    case 'ForStatement': {
      const targets = children.slice(
        1,
        children.findIndex((child) => child.name === 'in'),
      );
      const iterable = children[children.findIndex((child) => child.name === 'in') + 1];
      if (!iterable) return undefined;
      const target = targets.length === 1 && targets[0]!.name === 'VariableName' ? python.textOf(targets[0]!) : undefined;
      return { kind: 'for', ...(target ? { target } : {}), iterable, bodies: children.filter((child) => child.name === 'Body'), line };
    }
    case 'WithStatement':
      return { kind: 'block', bodies: children.filter((child) => child.name === 'Body').map((body) => ({ body, guarded: false })), line };
    case 'TryStatement':
      return tryStep(python, children, line);
    case 'AssignStatement': {
      // targets and values alternate around '=': A = B = value; a TypeDef annotates a target
      const parts = children.filter((child) => child.name !== 'TypeDef');
      const value = parts.at(-1);
      if (!value || parts.length < 3 || parts.at(-2)?.name !== 'AssignOp') return undefined; // `X: int` declares only
      const targets = parts.slice(0, -1).filter((part) => part.name !== 'AssignOp');
      // Only plain names: `A, B = ...` and `A["k"] = ...` are not read.
      if (parts.slice(0, -1).some((part, index) => (index % 2 === 0 ? part.name !== 'VariableName' : part.name !== 'AssignOp'))) return undefined;
      return { kind: 'assign', names: targets.map((target) => python.textOf(target)), value, line, broken };
    }
    case 'UpdateStatement': {
      const [target, op, value] = children;
      if (target?.name !== 'VariableName' || !op || !value) return undefined;
      return { kind: 'update', name: python.textOf(target), op: python.textOf(op), value, line, broken };
    }
    case 'ExpressionStatement': {
      const expression = unparenthesized(children[0]);
      if (expression?.name === 'NamedExpression') {
        const [target, , value] = childrenOf(expression);
        if (target?.name !== 'VariableName' || !value) return undefined;
        return { kind: 'assign', names: [python.textOf(target)], value, line, broken };
      }
      if (expression?.name === 'CallExpression') {
        const [callee, args] = childrenOf(expression);
        const [object, dot, method] = callee?.name === 'MemberExpression' ? childrenOf(callee) : [];
        const name = method ? python.textOf(method) : '';
        if (object?.name !== 'VariableName' || dot?.name !== '.' || !args || !MUTATIONS.has(name)) return { kind: 'call', call: expression, line };
        return { kind: 'mutate', name: python.textOf(object), method: name as Mutation, args, line, broken };
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

/** `from .base import *`: the dots and the dotted name before `import`. */
function starImport(python: PythonSource, children: SyntaxNode[], line: number): Step | undefined {
  if (children[0]?.name !== 'from' || children.at(-1)?.name !== '*') return undefined;
  const importAt = children.findIndex((child) => child.name === 'import');
  const module = children
    .slice(1, importAt)
    .map((child) => python.textOf(child))
    .join('');
  return { kind: 'star-import', module, line };
}

/** `from X import A, B as C` (not `*`): the names it binds. */
function fromImport(python: PythonSource, children: SyntaxNode[], line: number): Step | undefined {
  if (children[0]?.name !== 'from') return undefined;
  const importAt = children.findIndex((child) => child.name === 'import');
  const module = children
    .slice(1, importAt)
    .map((child) => python.textOf(child))
    .join('');
  const names: [string, string][] = [];
  const rest = children.slice(importAt + 1).filter((child) => !['(', ')', ','].includes(child.name));
  for (let i = 0; i < rest.length; i++) {
    if (rest[i]!.name !== 'VariableName') continue;
    const imported = python.textOf(rest[i]!);
    const aliased = rest[i + 1]?.name === 'as' && rest[i + 2] ? python.textOf(rest[i + 2]!) : undefined;
    names.push([imported, aliased ?? imported]);
    if (aliased) i += 2;
  }
  return { kind: 'from-import', module, names, line };
}

/** if/elif/else: the tests and bodies in order (`else` has no test). */
function ifStep(python: PythonSource, children: SyntaxNode[], line: number): Step {
  const branches: { test?: SyntaxNode; body: SyntaxNode; line: number }[] = [];
  let test: SyntaxNode | undefined;
  for (const child of children) {
    if (child.name === 'if' || child.name === 'elif' || child.name === 'else') test = undefined;
    else if (child.name === 'Body') branches.push({ ...(test ? { test } : {}), body: child, line: python.lineAt(child.from) });
    else test = child;
  }
  return { kind: 'if', branches, line };
}

/** Exceptions that a failed mkdir on a read-only disk raises (EROFS, EACCES), under the names a handler may catch. */
const CATCHES_OS_ERRORS = new Set(['OSError', 'IOError', 'EnvironmentError', 'Exception', 'BaseException']);

/** try/except/else/finally: the `try` body is guarded when a handler catches OSError (or a bare `except:`). */
function tryStep(python: PythonSource, children: SyntaxNode[], line: number): Step {
  const handlers = children.flatMap((child, index) => (child.name === 'except' ? [children[index + 1]] : []));
  const catches = (node: SyntaxNode | undefined): boolean => {
    if (!node || node.name === 'Body') return true; // bare `except:`
    if (node.name === 'TupleExpression' || node.name === 'ParenthesizedExpression')
      return childrenOf(node).some((item) => item.name !== ',' && item.name !== '(' && item.name !== ')' && catches(item));
    return CATCHES_OS_ERRORS.has(python.textOf(node).replace(/^builtins\./, ''));
  };
  const guarded = handlers.some(catches);
  const bodies = children.flatMap((child, index) => (child.name === 'Body' ? [{ body: child, guarded: guarded && index === 1 }] : []));
  return { kind: 'block', bodies, line };
}
