/**
 * Gives meaning to the small part of Python that settings files use to spell paths and
 * environment defaults, walking @lezer/python syntax nodes without running anything:
 *   "literal", f"{BASE}/x", BASE_DIR / "x", os.path.join(BASE_DIR, "x"), str(...),
 *   Path(__file__).resolve().parent.parent, os.path.dirname(os.path.abspath(__file__)),
 *   os.environ.get("X", "d"), os.getenv("X", "d"), env("X", default="d"), env.str(...) (django-environ
 *   and environs, each with its own positional default),
 *   config("X", default="d"), `A if "X" in os.environ else B`, `env("X", default=None) or B`,
 *   dj_database_url.config(default="d", env="X") and dj_database_url.parse(x) (as the URL text),
 *   lists, tuples and dicts of those.
 * Anything else evaluates to `unknown` with the reason, never to a guess.
 */
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { argumentNodes, childrenOf, containsError, PythonSource, splitStringLiteral, stringValue, unescapePython, unparenthesized } from './python/tree.js';

/** Where an environment-provided value came from. */
export interface EnvSource {
  variable: string;
}

/** A string as far as it is known: literal text, and the source text of the parts that are not known. */
export type TextPart = string | { expression: string };

export type Value =
  /** optional: django-split-settings' optional("file.py"), a file include() may find missing. */
  | { kind: 'str'; value: string; env?: EnvSource; optional?: true }
  | { kind: 'path'; value: string; env?: EnvSource } // project-relative POSIX path ('' is the root)
  | { kind: 'bool'; value: boolean; env?: EnvSource }
  | { kind: 'num'; value: number; env?: EnvSource }
  | { kind: 'none' }
  | { kind: 'list'; items: Value[] }
  | { kind: 'dict'; entries: [Value, Value][] }
  | {
      kind: 'unknown';
      reason: string;
      env?: EnvSource;
      partial?: TextPart[];
      /** Read from the environment with nothing else to fall back on: None when the variable is unset. */
      envOnly?: true;
      /** Set differently on the branches of an `if`: each branch's value, where and when. */
      branches?: Branch[];
      /** An environment reader object: django-environ's `environ.Env()`, python-decouple's `AutoConfig()`. */
      reader?: EnvReader;
      /** A reader class imported by name (`from environs import Env`): what calling it makes. */
      readerClass?: EnvLibrary;
      /** A module of the project bound by name (`from . import configuration`): its names. */
      module?: Map<string, Value>;
    };

export type EnvLibrary = 'environ' | 'environs' | 'decouple';

export interface Branch {
  when: Condition[];
  value: Value;
  file: string;
  line: number;
}

export interface EnvReader {
  /** django-environ (`environ`), environs, or python-decouple: they put a positional default in different places. */
  library: EnvLibrary;
  /** django-environ's `Env(DEBUG=(bool, False))`: variables with a default given once for all reads. */
  defaults: Map<string, Value>;
}

/**
 * When a branch runs: an environment variable set or not (decidable once .env is known), or an
 * expression that holds or not (not decidable here).
 */
export type Condition =
  | { variable: string; set: boolean }
  /**
   * `byDefault`: whether the expression is true when the environment leaves `reads` unset (its
   * value is an environment read with a default: `USE_S3 = env.bool("USE_S3", False)`).
   */
  | { expression: string; holds: boolean; byDefault?: boolean; reads?: string };

export const negate = (condition: Condition): Condition => ('variable' in condition ? { variable: condition.variable, set: !condition.set } : { ...condition, holds: !condition.holds });

/** Whether a branch condition holds when the environment sets none of these variables; undefined when that cannot be said. */
export function holdsWhenUnset(condition: Condition, setElsewhere: (variable: string) => boolean): boolean | undefined {
  if ('variable' in condition) return setElsewhere(condition.variable) ? undefined : !condition.set;
  if (condition.byDefault === undefined || condition.reads === undefined || setElsewhere(condition.reads)) return undefined;
  return condition.holds === condition.byDefault;
}

/** A branch whose value was itself set on the branches of an earlier `if`: each of those, under both conditions. */
export function flattenBranches(branches: Branch[]): Branch[] {
  return branches.flatMap((branch) =>
    branch.value.kind === 'unknown' && branch.value.branches ? flattenBranches(branch.value.branches).map((inner) => ({ ...inner, when: [...inner.when, ...branch.when] })) : [branch],
  );
}

/**
 * Of a value set on the branches of `if`s, the branch the code takes when the environment sets
 * none of the variables their conditions read (`if USE_S3_STATIC_FILES:` with a default of
 * False); undefined when a condition cannot be decided that way.
 */
export function branchWhenUnset(value: Value, setElsewhere: (variable: string) => boolean): Branch | undefined {
  if (value.kind !== 'unknown' || !value.branches) return undefined;
  const branches = flattenBranches(value.branches);
  const verdicts = branches.map((branch) => branch.when.map((condition) => holdsWhenUnset(condition, setElsewhere)));
  if (verdicts.some((conditions) => conditions.includes(undefined))) return undefined;
  const taken = branches.filter((_, index) => verdicts[index]!.every(Boolean));
  return taken.length === 1 ? taken[0] : undefined;
}

export function describeCondition(conditions: Condition[]): string {
  return conditions
    .map((condition) => ('variable' in condition ? `${condition.variable} is ${condition.set ? '' : 'not '}set` : `${condition.holds ? '' : 'not '}\`${condition.expression}\``))
    .join(' and ');
}

export const unknown = (reason: string, env?: EnvSource): Value => ({ kind: 'unknown', reason, ...(env ? { env } : {}) });
const envOnly = (variable: string): Value => ({ kind: 'unknown', reason: `set only by the environment variable ${variable}`, env: { variable }, envOnly: true });

export interface Scope {
  /** Project-relative path of the file being evaluated, for __file__. */
  file: string;
  names: Map<string, Value>;
}

/** An environment variable read with no default: the settings fail to import without it. */
export interface RequiredRead {
  variable: string;
  line: number;
  /** Only on a branch that runs when these hold (empty or absent: always). */
  when?: Condition[];
}

export interface Context {
  python: PythonSource;
  scope: Scope;
  onRequired?: (read: RequiredRead) => void;
  /** The conditions under which the code being read runs (inside `if` branches). */
  when?: Condition[];
  /** `os.environ.setdefault("X", "v")` run earlier: X reads as "v" when unset. */
  envDefaults?: Map<string, Value>;
}

function required(cx: Context, variable: string, node: SyntaxNode): void {
  const when = cx.when ?? [];
  // Read on a branch that runs only when the variable is set: it is there whenever it is read.
  if (when.some((condition) => 'variable' in condition && condition.variable === variable && condition.set)) return;
  cx.onRequired?.({ variable, line: cx.python.lineAt(node.from), ...(when.length ? { when } : {}) });
}

/** Evaluates one expression given as text (tests, and values outside a settings module). */
export function evaluateExpression(expression: string, scope: Scope): Value {
  const python = new PythonSource(expression);
  const [statement, ...rest] = python.statements;
  const node = statement?.name === 'ExpressionStatement' && rest.length === 0 ? childrenOf(statement)[0] : undefined;
  if (!node || containsError(statement!)) return unknown('cannot read expression (syntax error)');
  return evaluate(node, { python, scope });
}

export function evaluate(node: SyntaxNode, cx: Context): Value {
  if (node.type.isError) return unknown(`syntax error at line ${cx.python.lineAt(node.from)}`);
  switch (node.name) {
    case 'String':
    case 'FormatString':
    case 'ContinuedString':
      return text(node, cx);
    case 'Number':
      return number(cx.python.textOf(node));
    case 'Boolean':
      return { kind: 'bool', value: cx.python.textOf(node) === 'True' };
    case 'None':
      return { kind: 'none' };
    case 'VariableName': {
      const name = cx.python.textOf(node);
      if (name === '__file__') return { kind: 'path', value: cx.scope.file };
      return cx.scope.names.get(name) ?? unknown(`${name} is not known`);
    }
    case 'ParenthesizedExpression':
      return evaluate(unparenthesized(node)!, cx);
    case 'NamedExpression': // (X := v) is v; the module reader binds X
      return evaluate(childrenOf(node)[2]!, cx);
    case 'TupleExpression':
    case 'ArrayExpression':
      return sequence(node, cx);
    case 'DictionaryExpression':
      return dictionary(node, cx);
    case 'BinaryExpression':
      return binary(node, cx);
    case 'UnaryExpression':
      return unary(node, cx);
    case 'ConditionalExpression':
      return conditional(node, cx);
    case 'MemberExpression':
      return member(node, cx);
    case 'CallExpression':
      return call(node, cx);
    case 'LambdaExpression': // its body runs later, if ever
      return notStatic(node, cx);
    default:
      // Comprehensions, sets, comparisons...: still visited, so environment reads inside count.
      for (const child of childrenOf(node)) evaluate(child, cx);
      return notStatic(node, cx);
  }
}

function notStatic(node: SyntaxNode, cx: Context): Value {
  const source = cx.python.textOf(node).replace(/\s+/g, ' ');
  return unknown(`${source.length > 60 ? `${source.slice(0, 57)}...` : source} is not a static value`);
}

function number(literal: string): Value {
  const value = Number(literal.replaceAll('_', ''));
  return Number.isNaN(value) ? unknown(`${literal} is not understood`) : { kind: 'num', value };
}

// ---------- strings and f-strings ----------

type Piece = string | { expression: string; value: Value };

function text(node: SyntaxNode, cx: Context): Value {
  const pieces = node.name === 'ContinuedString' ? childrenOf(node).flatMap((part) => literalPieces(part, cx)) : literalPieces(node, cx);
  if (pieces.every((piece) => typeof piece === 'string')) return { kind: 'str', value: pieces.join('') };
  const [first, ...rest] = pieces;
  // f"{BASE_DIR}/static": a path followed by literal text is that path joined with it
  if (typeof first === 'object' && first.value.kind === 'path' && rest.every((piece) => typeof piece === 'string')) {
    const tail = rest.join('');
    if (tail === '' || tail.startsWith('/')) return binop('/', first.value, { kind: 'str', value: tail.slice(1) });
  }
  const missing = pieces.find((piece): piece is Exclude<Piece, string> => typeof piece === 'object')!;
  const why = missing.value.kind === 'unknown' ? missing.value.reason : `a ${missing.value.kind} is not text`;
  return {
    kind: 'unknown',
    reason: `{${missing.expression}} in the f-string is not known (${why})`,
    partial: pieces.map((piece) => (typeof piece === 'string' ? piece : { expression: piece.expression })),
  };
}

/** The literal text of a String or FormatString, with each replacement field evaluated. */
function literalPieces(node: SyntaxNode, cx: Context): Piece[] {
  const literal = cx.python.textOf(node);
  const { prefix, body, bodyStart } = splitStringLiteral(literal);
  if (node.name !== 'FormatString') return [stringValue(literal)];
  const raw = prefix.includes('r');
  const decode = (segment: string) => undoubleBraces(raw ? segment : unescapePython(segment));
  const pieces: Piece[] = [];
  let position = node.from + bodyStart;
  for (const field of childrenOf(node).filter((child) => child.name === 'FormatReplacement')) {
    pieces.push(decode(cx.python.text.slice(position, field.from)));
    pieces.push(replacement(field, cx));
    position = field.to;
  }
  pieces.push(decode(cx.python.text.slice(position, node.from + bodyStart + body.length)));
  return pieces.filter((piece) => piece !== '');
}

function undoubleBraces(segment: string): string {
  return segment.replaceAll('{{', '{').replaceAll('}}', '}');
}

function replacement(field: SyntaxNode, cx: Context): Piece {
  const parts = childrenOf(field).filter((child) => child.name !== '{' && child.name !== '}');
  const expression = parts[0] ? cx.python.textOf(parts[0]) : '';
  if (!parts[0] || parts.length > 1) return { expression, value: unknown('a conversion or format spec is not read') };
  const value = evaluate(parts[0], cx);
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'num':
      return Number.isInteger(value.value) ? String(value.value) : { expression, value: unknown('a float is not formatted as Python does') };
    default:
      return { expression, value };
  }
}

// ---------- containers ----------

function sequence(node: SyntaxNode, cx: Context): Value {
  const items: Value[] = [];
  let spread = false;
  for (const child of childrenOf(node)) {
    if (['(', ')', '[', ']', ','].includes(child.name)) continue;
    if (child.name === '*') {
      spread = true;
      continue;
    }
    const value = evaluate(child, cx);
    if (spread && value.kind !== 'list') return unknown(`*${cx.python.textOf(child)} is not known`);
    if (spread && value.kind === 'list') items.push(...value.items);
    else items.push(value);
    spread = false;
  }
  return { kind: 'list', items };
}

function dictionary(node: SyntaxNode, cx: Context): Value {
  let result: Value = { kind: 'dict', entries: [] };
  const children = childrenOf(node).filter((child) => !['{', '}', ',', ':'].includes(child.name));
  for (let i = 0; i < children.length; i++) {
    if (children[i]!.name === '**') {
      result = binop('|', result, evaluate(children[++i]!, cx));
    } else {
      const key = evaluate(children[i]!, cx);
      const value = evaluate(children[++i]!, cx);
      result = binop('|', result, { kind: 'dict', entries: [[key, value]] });
    }
  }
  return result;
}

// ---------- operators ----------

function binary(node: SyntaxNode, cx: Context): Value {
  const children = childrenOf(node);
  const leftNode = children[0]!;
  const rightNode = children.at(-1)!;
  const op = children
    .slice(1, -1)
    .map((child) => cx.python.textOf(child))
    .join(' ');
  if (op === 'or' || op === 'and') return logical(op, leftNode, rightNode, cx);
  const left = evaluate(leftNode, cx);
  const right = evaluate(rightNode, cx);
  if (op === '/' || op === '+' || op === '|') return binop(op, left, right);
  return compare(op, left, right) ?? notStatic(node, cx);
}

/**
 * `a or b`, `a and b` with known truthiness. `os.environ.get("X") or b` and
 * `env("X", default=None) or b` read as "X when set, else b": b with X as its source.
 */
function logical(op: 'or' | 'and', leftNode: SyntaxNode, rightNode: SyntaxNode, cx: Context): Value {
  const left = evaluate(leftNode, cx);
  const truthy = truthiness(left);
  if (truthy !== undefined) return truthy === (op === 'or') ? left : evaluate(rightNode, cx);
  const read = op === 'or' ? presenceRead(leftNode, cx) : undefined;
  if (read) return withEnv(evaluate(rightNode, cx), { variable: read });
  return unknown(`${cx.python.textOf(leftNode)} ${op} ... is not a static value`);
}

/**
 * `os.environ.get("X", "True") == "True"`, `... in ("1", "true")`: decided on known values; a
 * value read from a variable keeps it as its source (the result is its default).
 */
function compare(op: string, left: Value, right: Value): Value | undefined {
  const known = (value: Value) => value.kind === 'str' || value.kind === 'num' || value.kind === 'bool' || value.kind === 'none';
  const same = (a: Value, b: Value) => describe(a) === describe(b);
  let result: boolean | undefined;
  if ((op === '==' || op === '!=') && known(left) && known(right)) result = same(left, right) === (op === '==');
  if ((op === 'in' || op === 'not in') && known(left) && right.kind === 'list' && right.items.every(known)) {
    result = right.items.some((item) => same(item, left)) === (op === 'in');
  }
  if (result === undefined) return undefined;
  const env = (left.kind === 'str' && left.env) || (right.kind === 'str' && right.env) || undefined;
  return { kind: 'bool', value: result, ...(env ? { env } : {}) };
}

function unary(node: SyntaxNode, cx: Context): Value {
  const [op, operandNode] = childrenOf(node);
  const operand = evaluate(operandNode!, cx);
  const sign = cx.python.textOf(op!);
  if (sign === '-' && operand.kind === 'num') return { kind: 'num', value: -operand.value };
  if (sign === '+' && operand.kind === 'num') return operand;
  const truthy = truthiness(operand);
  const env = operand.kind !== 'list' && operand.kind !== 'dict' && operand.kind !== 'none' ? operand.env : undefined;
  if (sign === 'not' && truthy !== undefined) return { kind: 'bool', value: !truthy, ...(env ? { env } : {}) };
  return notStatic(node, cx);
}

function truthiness(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'str':
    case 'path': // a path is a non-empty string at run time
      return value.kind === 'path' || value.value !== '';
    case 'bool':
      return value.value;
    case 'num':
      return value.value !== 0;
    case 'none':
      return false;
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.length > 0;
    case 'unknown':
      return undefined;
  }
}

/**
 * `A if "X" in os.environ else B` (or `if os.environ.get("X")`, `if os.getenv("X")`, and the
 * negated forms): the fallback B is the value, with X as its source. The guarded branch A is
 * not read: it runs only when X is set, so what it reads is not required.
 */
function conditional(node: SyntaxNode, cx: Context): Value {
  const [body, , test, , orElse] = childrenOf(node);
  const check = environmentCheck(test!, cx);
  if (!check) {
    evaluate(test!, cx);
    return unknown(`the value depends on \`${cx.python.textOf(test!)}\`, which is not an environment check`);
  }
  return withEnv(evaluate(check.negated ? body! : orElse!, cx), { variable: check.variable });
}

function environmentCheck(test: SyntaxNode, cx: Context): { variable: string; negated: boolean } | undefined {
  const node = unparenthesized(test)!;
  const children = childrenOf(node);
  if (node.name === 'UnaryExpression' && cx.python.textOf(children[0]!) === 'not') {
    const inner = environmentCheck(children[1]!, cx);
    return inner && { variable: inner.variable, negated: !inner.negated };
  }
  if (node.name === 'BinaryExpression') {
    const op = children
      .slice(1, -1)
      .map((child) => cx.python.textOf(child))
      .join(' ');
    if ((op !== 'in' && op !== 'not in') || !ENVIRON.has(dottedName(children.at(-1)!, cx) ?? '')) return undefined;
    const variable = evaluate(children[0]!, cx);
    return variable.kind === 'str' ? { variable: variable.value, negated: op === 'not in' } : undefined;
  }
  // `if DATABASE_URL:` where DATABASE_URL = os.environ.get("DATABASE_URL")
  if (node.name === 'VariableName') {
    const value = cx.scope.names.get(cx.python.textOf(node));
    if (value?.kind === 'unknown' && value.envOnly && value.env) return { variable: value.env.variable, negated: false };
  }
  const variable = presenceRead(node, cx);
  return variable ? { variable, negated: false } : undefined;
}

/**
 * When an `if` branch runs: true/false when the test is known, a variable set or unset for an
 * environment check, else the test's text. Environment reads in the test count as reads.
 */
export function conditionOf(test: SyntaxNode, cx: Context): Condition | boolean {
  const check = environmentCheck(test, cx);
  if (check) return { variable: check.variable, set: !check.negated };
  const value = evaluate(test, cx);
  const truthy = truthiness(value);
  const env = value.kind !== 'unknown' && 'env' in value ? value.env : undefined;
  if (truthy !== undefined && !env) return truthy;
  return { expression: cx.python.textOf(test).replace(/\s+/g, ' '), holds: true, ...(truthy !== undefined && env ? { byDefault: truthy, reads: env.variable } : {}) };
}

/** The variable of an environment read that gives None when it is not set (`os.environ.get("X")`). */
function presenceRead(node: SyntaxNode, cx: Context): string | undefined {
  const inner = unparenthesized(node)!;
  if (inner.name !== 'CallExpression') return undefined;
  const [callee, argList] = childrenOf(inner);
  const name = dottedName(callee!, cx);
  if (!name || !argList || !isEnvGetter(name)) return undefined;
  const read = envRead(name, evaluateArguments(argList, { ...cx, onRequired: undefined }));
  if (!read) return undefined;
  const givesNone = read.fallback ? read.fallback.kind === 'none' : NONE_GETTERS.has(name);
  return givesNone ? read.variable : undefined;
}

// ---------- attributes, subscripts, calls ----------

const ENVIRON = new Set(['os.environ', 'environ']);

function member(node: SyntaxNode, cx: Context): Value {
  const [objectNode, punctuation, ...rest] = childrenOf(node);
  if (punctuation?.name === '.') {
    const object = evaluate(objectNode!, cx);
    const property = cx.python.textOf(rest[0]!);
    if (object.kind === 'path' && property === 'parent') return { ...object, value: parentOf(object.value) };
    if (object.kind === 'unknown' && object.module) return object.module.get(property) ?? unknown(`${property} is not set in that module`);
    // dj-database-url's constant for the variable it reads by default
    if (dottedName(node, cx) === 'dj_database_url.DEFAULT_ENV') return { kind: 'str', value: 'DATABASE_URL' };
    return unknown(`${dottedName(node, cx) ?? property} is not understood`);
  }
  const index = rest.length === 2 ? evaluate(rest[0]!, cx) : unknown('a slice');
  if (ENVIRON.has(dottedName(objectNode!, cx) ?? '')) {
    if (index.kind !== 'str') return unknown('os.environ[...] with a computed variable name');
    const preset = cx.envDefaults?.get(index.value);
    if (preset) return withEnv(preset, { variable: index.value });
    required(cx, index.value, node);
    return envOnly(index.value);
  }
  const object = evaluate(objectNode!, cx);
  if (object.kind === 'dict' && index.kind !== 'unknown') {
    const entry = object.entries.findLast(([key]) => describe(key) === describe(index));
    if (entry) return entry[1];
  }
  if (object.kind === 'list' && index.kind === 'num') {
    const item = object.items.at(index.value);
    if (item) return item;
  }
  return notStatic(node, cx);
}

const dottedName = (node: SyntaxNode, cx: Context): string | undefined => {
  if (node.name === 'VariableName') return cx.python.textOf(node);
  const [object, dot, property] = childrenOf(node);
  if (node.name !== 'MemberExpression' || dot?.name !== '.' || !object || !property) return undefined;
  const base = dottedName(object, cx);
  return base && `${base}.${cx.python.textOf(property)}`;
};

/** django-environ's URL readers, called with no variable name: the variable each reads. */
const URL_DEFAULT_VARIABLES: Record<string, string> = {
  db: 'DATABASE_URL',
  db_url: 'DATABASE_URL',
  cache: 'CACHE_URL',
  cache_url: 'CACHE_URL',
  email: 'EMAIL_URL',
  email_url: 'EMAIL_URL',
  search_url: 'SEARCH_URL',
};

/** Getters that return None for a variable that is not set. */
const NONE_GETTERS = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv']);
/** Getters that raise for a variable that is not set and has no default: python-decouple and django-environ. */
const RAISING_GETTERS = new Set([
  'config',
  'decouple.config',
  ...[
    '',
    '.str',
    '.bool',
    '.int',
    '.float',
    '.list',
    '.tuple',
    '.dict',
    '.path',
    '.url',
    '.db',
    '.db_url',
    '.cache',
    '.cache_url',
    '.email',
    '.email_url',
    '.search_url',
    '.json',
    '.dj_db_url',
    '.dj_cache_url',
    '.dj_email_url',
  ].map((method) => `env${method}`),
]);
const isEnvGetter = (name: string) => NONE_GETTERS.has(name) || RAISING_GETTERS.has(name);

interface Arguments {
  args: Value[];
  kwargs: Map<string, Value>;
}

function evaluateArguments(argList: SyntaxNode, cx: Context): Arguments {
  const children = argumentNodes(argList);
  const result: Arguments = { args: [], kwargs: new Map() };
  if (children.some((child) => child.name === 'for')) return { ...result, args: [unknown('a generator argument')] };
  for (let i = 0; i < children.length; i++) {
    const child = children[i]!;
    if (child.name === 'VariableName' && children[i + 1]?.name === 'AssignOp') {
      result.kwargs.set(cx.python.textOf(child), evaluate(children[i + 2]!, cx));
      i += 2;
    } else if (child.name === '*' || child.name === '**') {
      evaluate(children[++i]!, cx);
      result.args.push(unknown(`${child.name}${cx.python.textOf(children[i]!)} is not read`));
    } else {
      result.args.push(evaluate(child, cx));
    }
  }
  return result;
}

/** django-environ's readers that take a cast before the default: `env(var, cast, default)`, `env.list(var, cast, default)`. */
const CAST_BEFORE_DEFAULT = new Set(['env', 'env.list', 'env.tuple', 'env.dict']);

/** The variable and default of an environment getter call. */
function envRead(name: string, { args, kwargs }: Arguments, reader?: EnvReader): { variable: string; fallback?: Value } | undefined {
  const method = name.split('.').at(-1)!;
  const named = kwargs.get('var') ?? kwargs.get('name'); // django-environ's keyword; environs'
  const variable = args[0]?.kind === 'str' ? args[0].value : named?.kind === 'str' ? named.value : args.length === 0 && !named ? URL_DEFAULT_VARIABLES[method] : undefined;
  if (!variable) return undefined;
  // django-environ puts a cast before the default in env(), env.list(), env.tuple(), env.dict();
  // environs (`env("X", "d")`, `env.list("X", [])`), os.environ.get, getenv, config and the
  // other readers take the default second.
  const positional = reader?.library !== 'environs' && CAST_BEFORE_DEFAULT.has(name) ? args[2] : args[1];
  const preset = reader?.defaults.get(variable);
  if (preset && !positional && !kwargs.has('default')) return { variable, fallback: preset };
  return { variable, fallback: positional ?? kwargs.get('default') };
}

/**
 * The name a call is read under: a name bound to `environ.Env()` reads as `env`, one bound to
 * decouple's `AutoConfig()`/`Config()` as `config`, whatever the settings called it.
 */
function calleeName(callee: SyntaxNode, cx: Context): { name: string | undefined; reader?: EnvReader } {
  const name = dottedName(callee, cx);
  if (!name) return { name };
  const [head, ...rest] = name.split('.');
  const bound = cx.scope.names.get(head!);
  if (bound?.kind !== 'unknown' || !bound.reader) return { name };
  if (bound.reader.library !== 'decouple') return { name: ['env', ...rest].join('.'), reader: bound.reader };
  return rest.length === 0 ? { name: 'config', reader: bound.reader } : { name };
}

/**
 * The classes that make an environment reader. A bare `Env()` or `FileAwareEnv()` whose import
 * was not read is taken as django-environ's; `from environs import Env` binds the name to environs'.
 */
const READER_CLASSES: Record<string, EnvLibrary> = {
  'environ.Env': 'environ',
  'environ.FileAwareEnv': 'environ',
  Env: 'environ',
  FileAwareEnv: 'environ',
  'environs.Env': 'environs',
  'environs.FileAwareEnv': 'environs',
  AutoConfig: 'decouple',
  'decouple.AutoConfig': 'decouple',
  Config: 'decouple',
  'decouple.Config': 'decouple',
};
const READER_MODULES = new Set(['environ', 'environs', 'decouple']);

/** `from environs import Env` (or django-environ's, python-decouple's): the name bound to that reader class. */
export function importedReaderClass(module: string, imported: string): Value | undefined {
  const library = READER_MODULES.has(module) ? READER_CLASSES[`${module}.${imported}`] : undefined;
  return library && { kind: 'unknown', reason: `${module}.${imported} is a class`, readerClass: library };
}

function readerLibrary(name: string, cx: Context): EnvLibrary | undefined {
  const bound = cx.scope.names.get(name);
  if (bound?.kind === 'unknown' && bound.readerClass) return bound.readerClass;
  return Object.hasOwn(READER_CLASSES, name) ? READER_CLASSES[name] : undefined;
}

function call(node: SyntaxNode, cx: Context): Value {
  const [callee, argList] = childrenOf(node);
  const { name, reader } = calleeName(callee!, cx);
  // The object of a method call runs first: Path(...).resolve(), os.environ["X"].split(",")
  const [objectNode, dot, method] = callee!.name === 'MemberExpression' ? childrenOf(callee!) : [];
  const object = objectNode && dot?.name === '.' ? evaluate(objectNode, cx) : undefined;
  const args = argList ? evaluateArguments(argList, cx) : { args: [], kwargs: new Map<string, Value>() };

  if (object?.kind === 'path' && ['resolve', 'absolute', 'expanduser'].includes(cx.python.textOf(method!))) return object;
  // BASE_DIR.joinpath("static", "css") is BASE_DIR / "static" / "css"
  if (object?.kind === 'path' && cx.python.textOf(method!) === 'joinpath' && args.kwargs.size === 0) return args.args.reduce<Value>((acc, arg) => binop('/', acc, arg), object);
  // "True".lower(), os.environ.get("X", "/static/").strip(): the text changes, the source stays.
  if (object?.kind === 'str' && method && STRING_METHODS[cx.python.textOf(method)] && args.args.length === 0) {
    return { ...object, value: STRING_METHODS[cx.python.textOf(method)]!(object.value) };
  }
  // DIRECTORIES.values(): a dict's values, keys or (key, value) pairs as a list
  if (object?.kind === 'dict' && method && args.args.length === 0 && DICT_VIEWS[cx.python.textOf(method)]) return { kind: 'list', items: object.entries.map(DICT_VIEWS[cx.python.textOf(method)]!) };
  if (name === undefined) return unknown('call not understood');

  if (name === 'Path' || name === 'pathlib.Path' || name === 'os.path.join' || name === 'PurePath') {
    const [first, ...rest] = args.args;
    if (!first) return unknown('empty path');
    const start: Value = first.kind === 'str' ? { ...first, kind: 'path' } : first;
    return rest.reduce<Value>((acc, arg) => binop('/', acc, arg), start);
  }
  if (['os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'str', 'os.fspath'].includes(name)) {
    return args.args[0] ?? unknown(`${name}() without argument`);
  }
  const library = readerLibrary(name, cx);
  if (library) {
    // django-environ's Env(DEBUG=(bool, False)): the default is the second item of each (cast, default) pair.
    const defaults = new Map<string, Value>();
    if (library === 'environ') for (const [variable, scheme] of args.kwargs) if (scheme.kind === 'list' && scheme.items[1]) defaults.set(variable, scheme.items[1]);
    return { kind: 'unknown', reason: `${READER_NAMES[library]} reader`, reader: { library, defaults } };
  }
  if (name === 'getattr' && args.args[0]?.kind === 'unknown' && args.args[0].module && args.args[1]?.kind === 'str') {
    return args.args[0].module.get(args.args[1].value) ?? args.args[2] ?? unknown(`${args.args[1].value} is not set in that module`);
  }
  if ((name === 'optional' || name === 'split_settings.tools.optional') && args.args[0]?.kind === 'str') return { ...args.args[0], optional: true };
  if (name === 'os.path.dirname') {
    const arg = args.args[0];
    return arg?.kind === 'path' ? { ...arg, value: parentOf(arg.value) } : unknown('dirname of an unknown path');
  }
  if (name === 'dj_database_url.config') return databaseUrlConfig(args);
  if (name === 'dj_database_url.parse') return args.args[0] ?? unknown('dj_database_url.parse() without argument');
  if (isEnvGetter(name)) {
    const read = envRead(name, args, reader);
    if (!read) return unknown(`${name}() with a computed variable name`);
    const env = { variable: read.variable };
    const preset = cx.envDefaults?.get(read.variable);
    if (preset && !read.fallback) return withEnv(preset, env);
    if (!read.fallback && RAISING_GETTERS.has(name)) required(cx, read.variable, node);
    if (!read.fallback || read.fallback.kind === 'none') return envOnly(read.variable);
    return withEnv(castValue(name, args, read.fallback), env);
  }
  return unknown(`${name}() is not understood`);
}

const READER_NAMES: Record<EnvLibrary, string> = { environ: 'a django-environ', environs: 'an environs', decouple: 'a python-decouple' };

const DICT_VIEWS: Record<string, (entry: [Value, Value]) => Value> = {
  values: ([, value]) => value,
  keys: ([key]) => key,
  items: (entry) => ({ kind: 'list', items: [...entry] }),
};

const STRING_METHODS: Record<string, (text: string) => string> = {
  lower: (text) => text.toLowerCase(),
  upper: (text) => text.toUpperCase(),
  strip: (text) => text.trim(),
  casefold: (text) => text.toLowerCase(),
};

/**
 * What a default becomes through the reader's cast: env.bool("X", default="True") and
 * decouple's config("X", default="True", cast=bool) give True, as both parse the text.
 */
function castValue(name: string, { kwargs }: Arguments, fallback: Value): Value {
  const cast = kwargs.get('cast');
  const toBool = name.endsWith('.bool') || (cast?.kind === 'unknown' && cast.reason.startsWith('bool is not known'));
  if (!toBool || fallback.kind !== 'str') return fallback;
  const text = fallback.value.trim().toLowerCase();
  if (['true', 'on', 'ok', 'y', 'yes', '1'].includes(text)) return { kind: 'bool', value: true };
  if (['false', 'off', 'n', 'no', '0', ''].includes(text)) return { kind: 'bool', value: false };
  return fallback;
}

/**
 * dj_database_url.config(default=..., env="DATABASE_URL"): the URL in the variable, else the
 * default, else an empty dict (Django then fails on first query, not at import: nothing required).
 * Read as the URL text it parses, so the database's kind can be told from its scheme.
 */
function databaseUrlConfig({ kwargs }: Arguments): Value {
  const variableArg = kwargs.get('env');
  const variable = variableArg?.kind === 'str' ? variableArg.value : variableArg ? undefined : 'DATABASE_URL';
  if (!variable) return unknown('dj_database_url.config() with a computed variable name');
  const fallback = kwargs.get('default');
  if (!fallback || fallback.kind === 'none') return envOnly(variable);
  return withEnv(fallback, { variable });
}

/** Scalars and unknowns carry the variable that can replace them; containers do not. */
function withEnv(value: Value, env: EnvSource): Value {
  return value.kind === 'str' || value.kind === 'path' || value.kind === 'unknown' || value.kind === 'bool' || value.kind === 'num' ? { ...value, env } : value;
}

export function binop(op: '/' | '+' | '|', left: Value, right: Value): Value {
  if (left.kind === 'unknown') return left;
  if (right.kind === 'unknown') return right;
  if (op === '+' && left.kind === 'str' && right.kind === 'str') return { kind: 'str', value: left.value + right.value };
  if (op === '+' && left.kind === 'list' && right.kind === 'list') return { kind: 'list', items: [...left.items, ...right.items] };
  if (op === '|' && left.kind === 'dict' && right.kind === 'dict') {
    const replaced = new Set(right.entries.map(([key]) => describe(key)));
    return { kind: 'dict', entries: [...left.entries.filter(([key]) => !replaced.has(describe(key))), ...right.entries] };
  }
  if (op === '/' && (left.kind === 'path' || left.kind === 'str') && (right.kind === 'str' || right.kind === 'path')) {
    const value = right.value.startsWith('/') ? right.value : path.posix.join(left.value || '.', right.value);
    return { kind: 'path', value: value === '.' ? '' : value.replace(/\/$/, '') };
  }
  return unknown(`${left.kind} ${op} ${right.kind} is not understood`);
}

function parentOf(relative: string): string {
  if (relative === '' || relative === '.') return '..';
  if (relative.split('/').every((part) => part === '..')) return `${relative}/..`; // above the project
  const parent = path.posix.dirname(relative);
  return parent === '.' ? '' : parent;
}

/** A flat string form for reporting and comparing values. */
export function describe(value: Value): string {
  switch (value.kind) {
    case 'str':
      return JSON.stringify(value.value);
    case 'path':
      return value.value === '' ? '<project root>' : `<project>/${value.value}`;
    case 'bool':
    case 'num':
      return String(value.value);
    case 'none':
      return 'None';
    case 'list':
      return `[${value.items.map(describe).join(', ')}]`;
    case 'dict':
      return `{${value.entries.map(([k, v]) => `${describe(k)}: ${describe(v)}`).join(', ')}}`;
    case 'unknown':
      return `(${value.reason})`;
  }
}

/** The text of a string value, known or partly known, with unknown parts as `{expression}`. */
export function writtenText(value: Value): TextPart[] | undefined {
  if (value.kind === 'str') return [value.value];
  return value.kind === 'unknown' ? value.partial : undefined;
}
