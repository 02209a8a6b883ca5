/**
 * Folders manage.py puts on sys.path before Django starts (`sys.path.insert(0, "src")`, or the
 * folder beside manage.py joined with "src"): the project's packages may live there rather than
 * beside manage.py (ephios: manage.py at the root, the package in src/).
 */
import path from 'node:path';
import type { SyntaxNode } from '@lezer/common';
import { read } from '../read-text.js';
import type { Found } from './found.js';
import { argumentNodes, childrenOf, PythonSource, stringValue, unparenthesized } from './python/tree.js';

/** manage.py's own folder, as Python code writes it. */
const HERE = new Set(
  [
    'os.path.dirname(__file__)',
    'os.path.dirname(os.path.abspath(__file__))',
    'os.path.dirname(os.path.realpath(__file__))',
    'Path(__file__).parent',
    'Path(__file__).resolve().parent',
    'Path(__file__).absolute().parent',
  ].flatMap((form) => [form, form.replace('Path(', 'pathlib.Path(')]),
);

/** The folders (relative to `root`, POSIX, without "./") manage.py adds to sys.path, each with its line; the root itself is left out. */
export function managePyPathFolders(root: string): Found<string>[] {
  const text = read(root, 'manage.py');
  if (!text?.includes('sys.path')) return [];
  const python = new PythonSource(text);
  const folders: Found<string>[] = [];
  python.iterate((node) => {
    if (node.name !== 'CallExpression') return undefined;
    const [callee, args] = childrenOf(node.node);
    const method = callee && python.textOf(callee).replace(/\s+/g, '');
    if (!args || (method !== 'sys.path.insert' && method !== 'sys.path.append')) return undefined;
    const values = argumentNodes(args);
    const folder = folderOf(python, method === 'sys.path.insert' ? values[1] : values[0]);
    const relative = folder === undefined ? undefined : path.posix.normalize(folder);
    if (relative && relative !== '.' && !relative.startsWith('..') && !relative.startsWith('/')) {
      folders.push({ value: relative, source: { file: 'manage.py', line: python.lineAt(node.from) } });
    }
    return false;
  });
  return folders;
}

/** "src"; os.path.join(<manage.py's folder>, "src"); Path(__file__).parent / "src", in str() or not. */
function folderOf(python: PythonSource, node: SyntaxNode | undefined): string | undefined {
  node = unparenthesized(node);
  if (!node) return undefined;
  const compact = (n: SyntaxNode) => python.textOf(n).replace(/\s+/g, '');
  if (node.name === 'String') return stringValue(python.textOf(node));
  if (HERE.has(compact(node))) return '.';
  if (node.name === 'BinaryExpression') {
    const [left, op, right] = childrenOf(node);
    if (!left || op?.name !== 'ArithOp' || python.textOf(op) !== '/' || right?.name !== 'String') return undefined;
    const base = folderOf(python, left);
    return base === undefined ? undefined : path.posix.join(base, stringValue(python.textOf(right)));
  }
  if (node.name !== 'CallExpression') return undefined;
  const [callee, args] = childrenOf(node);
  const values = args ? argumentNodes(args) : [];
  const name = callee && compact(callee);
  if (name === 'str' && values.length === 1) return folderOf(python, values[0]);
  if (name !== 'os.path.join' || values.length < 2) return undefined;
  const base = folderOf(python, values[0]);
  const rest = values.slice(1);
  if (base === undefined || !rest.every((value) => value.name === 'String')) return undefined;
  return path.posix.join(base, ...rest.map((value) => stringValue(python.textOf(value))));
}
