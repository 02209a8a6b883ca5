/**
 * Evaluates the small part of Python that settings files use to spell paths and
 * environment defaults, without running anything:
 *   "literal", BASE_DIR / "x", os.path.join(BASE_DIR, "x"), str(...),
 *   Path(__file__).resolve().parent.parent, os.path.dirname(os.path.abspath(__file__)),
 *   os.environ.get("X", "d"), os.getenv("X", "d"), env("X", default="d"), env.str(...),
 *   config("X", default="d"), lists, tuples and dicts of those.
 * Anything else evaluates to `unknown`, never to a guess.
 */
import path from 'node:path';
import { skipString } from './python-source.js';

/** Where an environment-provided value came from. */
export interface EnvSource {
  variable: string;
}

export type Value =
  | { kind: 'str'; value: string; env?: EnvSource }
  | { kind: 'path'; value: string; env?: EnvSource } // project-relative POSIX path ('' is the root)
  | { kind: 'bool'; value: boolean }
  | { kind: 'num'; value: number }
  | { kind: 'none' }
  | { kind: 'list'; items: Value[] }
  | { kind: 'dict'; entries: [Value, Value][] }
  | { kind: 'unknown'; reason: string; env?: EnvSource };

export const unknown = (reason: string, env?: EnvSource): Value => ({ kind: 'unknown', reason, ...(env ? { env } : {}) });

export interface Scope {
  /** Project-relative path of the file being evaluated, for __file__. */
  file: string;
  names: Map<string, Value>;
}

type Token = { type: 'str' | 'num' | 'name' | 'op'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s|\\/.test(ch)) {
      i++;
      continue;
    }
    const prefix = /^([rRbBuU]{0,2})(['"])/.exec(source.slice(i, i + 3));
    if (prefix && !/[fF]/.test(prefix[1]!)) {
      const start = i + prefix[1]!.length;
      const triple = source.slice(start, start + 3) === prefix[2]!.repeat(3);
      const end = triple ? source.indexOf(prefix[2]!.repeat(3), start + 3) + 3 : skipString(source, start);
      if (triple && end < 3) throw new Error('unterminated string');
      const body = triple ? source.slice(start + 3, end - 3) : source.slice(start + 1, end - 1);
      tokens.push({ type: 'str', text: /r/i.test(prefix[1]!) ? body : unescape(body) });
      i = end;
      continue;
    }
    const number = /^\d+(\.\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ type: 'num', text: number[0] });
      i += number[0].length;
      continue;
    }
    const name = /^[A-Za-z_]\w*/.exec(source.slice(i));
    if (name) {
      tokens.push({ type: 'name', text: name[0] });
      i += name[0].length;
      continue;
    }
    const op = /^(\*\*|==|!=|<=|>=|[()[\]{},:./+*=%<>|-])/.exec(source.slice(i));
    if (!op) throw new Error(`unexpected character ${JSON.stringify(ch)}`);
    tokens.push({ type: 'op', text: op[0] });
    i += op[0].length;
  }
  return tokens;
}

function unescape(body: string): string {
  return body.replace(/\\(.)/g, (_, c: string) => ({ n: '\n', t: '\t', '\\': '\\', "'": "'", '"': '"' })[c] ?? `\\${c}`);
}

/** Parsed expression tree: only what evaluate() understands. */
type Node =
  | { t: 'str'; value: string }
  | { t: 'num'; value: number }
  | { t: 'name'; name: string }
  | { t: 'attr'; object: Node; name: string }
  | { t: 'call'; callee: Node; args: Node[]; kwargs: Map<string, Node> }
  | { t: 'binop'; op: '/' | '+'; left: Node; right: Node }
  | { t: 'list'; items: Node[] }
  | { t: 'dict'; entries: [Node, Node][] }
  | { t: 'opaque'; text: string };

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  parseAll(): Node {
    const node = this.parseExpression();
    if (this.pos < this.tokens.length) return { t: 'opaque', text: this.tokens.map((t) => t.text).join(' ') };
    return node;
  }

  private peek(text?: string): Token | undefined {
    const token = this.tokens[this.pos];
    return text === undefined || token?.text === text ? token : undefined;
  }

  private expect(text: string): void {
    if (this.tokens[this.pos]?.text !== text) throw new Error(`expected ${text}`);
    this.pos++;
  }

  private parseExpression(): Node {
    let left = this.parsePostfix();
    for (let op = this.peek(); op && op.type === 'op' && (op.text === '/' || op.text === '+'); op = this.peek()) {
      this.pos++;
      left = { t: 'binop', op: op.text as '/' | '+', left, right: this.parsePostfix() };
    }
    return left;
  }

  private parsePostfix(): Node {
    let node = this.parseAtom();
    for (;;) {
      if (this.peek('.')) {
        this.pos++;
        const name = this.tokens[this.pos++];
        if (name?.type !== 'name') throw new Error('expected attribute name');
        node = { t: 'attr', object: node, name: name.text };
      } else if (this.peek('(')) {
        this.pos++;
        const args: Node[] = [];
        const kwargs = new Map<string, Node>();
        while (!this.peek(')')) {
          const token = this.tokens[this.pos];
          if (token?.type === 'name' && this.tokens[this.pos + 1]?.text === '=') {
            this.pos += 2;
            kwargs.set(token.text, this.parseExpression());
          } else {
            args.push(this.parseExpression());
          }
          if (!this.peek(')')) this.expect(',');
        }
        this.expect(')');
        node = { t: 'call', callee: node, args, kwargs };
      } else if (this.peek('[')) {
        return { t: 'opaque', text: 'subscript' };
      } else {
        return node;
      }
    }
  }

  private parseAtom(): Node {
    const token = this.tokens[this.pos++];
    if (!token) throw new Error('unexpected end');
    if (token.type === 'str') {
      let value = token.text;
      while (this.tokens[this.pos]?.type === 'str') value += this.tokens[this.pos++]!.text; // implicit concatenation
      return { t: 'str', value };
    }
    if (token.type === 'num') return { t: 'num', value: Number(token.text) };
    if (token.type === 'name') return { t: 'name', name: token.text };
    if (token.text === '[' || token.text === '(') {
      const close = token.text === '[' ? ']' : ')';
      const items: Node[] = [];
      let sawComma = false;
      while (!this.peek(close)) {
        items.push(this.parseExpression());
        if (!this.peek(close)) {
          this.expect(',');
          sawComma = true;
        }
      }
      this.expect(close);
      // (x) is grouping, (x,) and [x] are sequences
      return close === ')' && items.length === 1 && !sawComma ? items[0]! : { t: 'list', items };
    }
    if (token.text === '{') {
      const entries: [Node, Node][] = [];
      while (!this.peek('}')) {
        const key = this.parseExpression();
        this.expect(':');
        entries.push([key, this.parseExpression()]);
        if (!this.peek('}')) this.expect(',');
      }
      this.expect('}');
      return { t: 'dict', entries };
    }
    throw new Error(`unexpected ${token.text}`);
  }
}

export function evaluateExpression(expression: string, scope: Scope): Value {
  let tree: Node;
  try {
    tree = new Parser(tokenize(expression)).parseAll();
  } catch (error) {
    return unknown(`cannot read expression (${(error as Error).message})`);
  }
  return evaluate(tree, scope);
}

const dottedName = (node: Node): string | undefined =>
  node.t === 'name' ? node.name : node.t === 'attr' ? `${dottedName(node.object) ?? '?'}.${node.name}` : undefined;

const ENV_GETTERS = new Set(['os.environ.get', 'os.getenv', 'environ.get', 'getenv', 'config', 'decouple.config']);
const ENVIRON_READERS = /^env(\.(str|bool|int|float|list|path|url|db|db_url|cache|json))?$/; // django-environ

function evaluate(node: Node, scope: Scope): Value {
  switch (node.t) {
    case 'str':
      return { kind: 'str', value: node.value };
    case 'num':
      return { kind: 'num', value: node.value };
    case 'name':
      if (node.name === 'True' || node.name === 'False') return { kind: 'bool', value: node.name === 'True' };
      if (node.name === 'None') return { kind: 'none' };
      if (node.name === '__file__') return { kind: 'path', value: scope.file };
      return scope.names.get(node.name) ?? unknown(`${node.name} is not known`);
    case 'list':
      return { kind: 'list', items: node.items.map((item) => evaluate(item, scope)) };
    case 'dict':
      return { kind: 'dict', entries: node.entries.map(([k, v]) => [evaluate(k, scope), evaluate(v, scope)]) };
    case 'binop':
      return binop(node.op, evaluate(node.left, scope), evaluate(node.right, scope));
    case 'attr': {
      const object = evaluate(node.object, scope);
      if (object.kind === 'path' && node.name === 'parent') return { ...object, value: parentOf(object.value) };
      return unknown(`${dottedName(node) ?? 'attribute'} is not understood`);
    }
    case 'call':
      return call(node, scope);
    case 'opaque':
      return unknown(`expression not understood`);
  }
}

function call(node: Extract<Node, { t: 'call' }>, scope: Scope): Value {
  const args = node.args.map((arg) => evaluate(arg, scope));
  const name = dottedName(node.callee);

  // Methods on a path value: Path(...).resolve(), .absolute()
  if (node.callee.t === 'attr' && ['resolve', 'absolute', 'expanduser'].includes(node.callee.name)) {
    const object = evaluate(node.callee.object, scope);
    if (object.kind === 'path') return object;
  }
  if (name === undefined) return unknown('call not understood');

  if (name === 'Path' || name === 'pathlib.Path' || name === 'os.path.join' || name === 'PurePath') {
    const [first, ...rest] = args;
    if (!first) return unknown('empty path');
    const start: Value = first.kind === 'str' ? { ...first, kind: 'path' } : first;
    return rest.reduce<Value>((acc, arg) => binop('/', acc, arg), start);
  }
  if (['os.path.abspath', 'os.path.realpath', 'os.path.normpath', 'str', 'os.fspath'].includes(name)) {
    return args[0] ?? unknown(`${name}() without argument`);
  }
  if (name === 'os.path.dirname') {
    const arg = args[0];
    return arg?.kind === 'path' ? { ...arg, value: parentOf(arg.value) } : unknown('dirname of an unknown path');
  }
  if (ENV_GETTERS.has(name) || ENVIRON_READERS.test(name)) {
    const variable = args[0]?.kind === 'str' ? args[0].value : undefined;
    if (!variable) return unknown(`${name}() with a computed variable name`);
    // django-environ's env(var, cast, default): the default is the third positional argument;
    // everywhere else (os.environ.get, getenv, config, env.str, ...) it is the second.
    const positionalDefault = name === 'env' ? args[2] : args[1];
    const fallback = positionalDefault ?? (node.kwargs.has('default') ? evaluate(node.kwargs.get('default')!, scope) : undefined);
    const env = { variable };
    if (!fallback || fallback.kind === 'none') return unknown(`set only by the environment variable ${variable}`, env);
    if (fallback.kind === 'str' || fallback.kind === 'path') return { ...fallback, env };
    if (fallback.kind === 'unknown') return { ...fallback, env };
    return fallback;
  }
  return unknown(`${name}() is not understood`);
}

function binop(op: '/' | '+', left: Value, right: Value): Value {
  if (left.kind === 'unknown') return left;
  if (right.kind === 'unknown') return right;
  if (op === '+' && left.kind === 'str' && right.kind === 'str') return { kind: 'str', value: left.value + right.value };
  if (op === '+' && left.kind === 'list' && right.kind === 'list') return { kind: 'list', items: [...left.items, ...right.items] };
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
