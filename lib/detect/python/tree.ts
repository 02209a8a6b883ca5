/**
 * A Python file parsed with @lezer/python, with the few helpers the settings reader needs:
 * line numbers, node text, children without comments, syntax errors and string literals.
 * Lezer never throws on bad input: it marks what it could not parse with error nodes (⚠)
 * and goes on, so a broken line costs that statement only.
 */
import type { SyntaxNode, SyntaxNodeRef, Tree } from '@lezer/common';
import { parser } from '@lezer/python';

export class PythonSource {
  /** The module's statements, comments left out: the nodes of one parse, or of several (see below). */
  readonly statements: SyntaxNode[];
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') this.lineStarts.push(i + 1);
    this.statements = this.parseStatements();
  }

  /**
   * Lezer's error recovery can mark a valid statement deep in a long file as broken (seen on a
   * 1,300-line settings.py whose every statement parses alone). So a statement with an error is
   * parsed again from its own line on; if it parses there, that parse is kept for the rest of the
   * file. The text before it is replaced by as many newlines, so positions stay the file's own.
   */
  private parseStatements(): SyntaxNode[] {
    const statements: SyntaxNode[] = [];
    let tree: Tree = parser.parse(this.text);
    let from = 0;
    for (;;) {
      const nodes = childrenOf(tree.topNode).filter((node) => node.from >= from);
      const broken = nodes.findIndex(containsError);
      if (broken < 0) return [...statements, ...nodes];
      statements.push(...nodes.slice(0, broken));
      const start = this.lineStarts[this.lineAt(nodes[broken]!.from) - 1]!;
      if (start > from) {
        const again = parser.parse('\n'.repeat(start) + this.text.slice(start));
        const first = childrenOf(again.topNode).find((node) => node.from >= start);
        if (first && !containsError(first)) {
          tree = again;
          from = start;
          continue;
        }
      }
      // A real syntax error: that statement stays broken, and the reading goes on after it.
      statements.push(nodes[broken]!);
      from = Math.max(nodes[broken]!.to, from + 1);
    }
  }

  /** 1-based line of a position. */
  lineAt(position: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.lineStarts[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  textOf(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }

  /** Walks every node of every statement, as Tree.iterate does; `enter` returns false to skip children. */
  iterate(enter: (node: SyntaxNodeRef) => boolean | void): void {
    for (const statement of this.statements) {
      const cursor = statement.cursor();
      let depth = 0;
      walk: for (;;) {
        if (enter(cursor) !== false && cursor.firstChild()) {
          depth++;
          continue;
        }
        for (;;) {
          if (depth === 0) break walk;
          if (cursor.nextSibling()) continue walk;
          cursor.parent();
          depth--;
        }
      }
    }
  }

  /** Lines holding a syntax error, each once, in order. */
  errorLines(): number[] {
    const lines = new Set<number>();
    this.iterate((node) => {
      if (node.type.isError) lines.add(this.lineAt(node.from));
    });
    return [...lines];
  }
}

/** Child nodes in order, comments left out. */
export function childrenOf(node: SyntaxNode): SyntaxNode[] {
  const children: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'Comment') children.push(child);
  }
  return children;
}

/** The expression inside any number of parentheses. */
export function unparenthesized(node: SyntaxNode | undefined): SyntaxNode | undefined {
  while (node?.name === 'ParenthesizedExpression') node = childrenOf(node)[1];
  return node;
}

export function containsError(node: SyntaxNode): boolean {
  if (node.type.isError) return true;
  for (let child = node.firstChild; child; child = child.nextSibling) if (containsError(child)) return true;
  return false;
}

/** A string literal's pieces: its prefix letters (r, b, f, ...) and the text between the quotes. */
export function splitStringLiteral(literal: string): { prefix: string; body: string; bodyStart: number } {
  let start = 0;
  while (start < literal.length && literal[start] !== '"' && literal[start] !== "'") start++;
  const quote = literal[start]!;
  const quoteLength = literal.startsWith(quote.repeat(3), start) && literal.length - start >= 6 ? 3 : 1;
  return {
    prefix: literal.slice(0, start).toLowerCase(),
    body: literal.slice(start + quoteLength, literal.length - quoteLength),
    bodyStart: start + quoteLength,
  };
}

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python's backslash escapes; an escape Python does not know stays as written, as Python keeps it. */
export function unescapePython(body: string): string {
  let result = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== '\\' || i + 1 >= body.length) {
      result += ch;
      continue;
    }
    const next = body[i + 1]!;
    const hexLength = next === 'x' ? 2 : next === 'u' ? 4 : next === 'U' ? 8 : 0;
    if (next === '\n') {
      i++; // a backslash-newline continues the literal on the next line
    } else if (SIMPLE_ESCAPES[next] !== undefined) {
      result += SIMPLE_ESCAPES[next];
      i++;
    } else if (hexLength && body.length >= i + 2 + hexLength) {
      result += String.fromCodePoint(Number.parseInt(body.slice(i + 2, i + 2 + hexLength), 16));
      i += 1 + hexLength;
    } else {
      result += ch;
    }
  }
  return result;
}

/** The value of a plain (not formatted) string literal. */
export function stringValue(literal: string): string {
  const { prefix, body } = splitStringLiteral(literal);
  return prefix.includes('r') ? body : unescapePython(body);
}

/** The expression given for a keyword argument in an ArgList: `namespace="CELERY"`, `queue=MAIL`. */
export function keywordArgument(python: PythonSource, args: SyntaxNode, keyword: string): SyntaxNode | undefined {
  const children = childrenOf(args);
  for (let i = 0; i + 2 < children.length; i++) {
    if (children[i]!.name === 'VariableName' && python.textOf(children[i]!) === keyword && children[i + 1]!.name === 'AssignOp') return children[i + 2];
  }
  return undefined;
}

/** The arguments of an ArgList (or the items of a bracketed list), without the brackets and commas. */
export function argumentNodes(args: SyntaxNode): SyntaxNode[] {
  return childrenOf(args).filter((child) => !['(', ')', ','].includes(child.name));
}
