/**
 * Reads Python settings files as text. Nothing here imports or runs user code: it splits a
 * module into top-level statements and evaluates the small expression language settings
 * files use for paths and environment defaults (see evaluate.ts).
 */

export interface Statement {
  /** 1-based line where the statement starts. */
  line: number;
  text: string;
}

/**
 * Module-level statements only: indented code (if-blocks, functions) is conditional, so a
 * value set there is not "the" value. Multi-line statements are joined while brackets are
 * open or a line ends with a backslash; strings and comments are respected.
 */
export function topLevelStatements(source: string): Statement[] {
  const statements: Statement[] = [];
  let current: (Statement & { topLevel: boolean }) | undefined;
  let depth = 0;
  let openTriple: string | undefined;
  let continued = false;

  for (const [index, rawLine] of source.replace(/\r\n?/g, '\n').split('\n').entries()) {
    if (!current) {
      const trimmed = rawLine.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      current = { line: index + 1, text: rawLine, topLevel: !/^\s/.test(rawLine) };
    } else {
      current.text += '\n' + rawLine;
    }
    const scanned = scanLine(rawLine, openTriple);
    depth += scanned.depthChange;
    openTriple = scanned.openTriple;
    continued = !openTriple && rawLine.trimEnd().endsWith('\\');
    if (depth <= 0 && !openTriple && !continued) {
      if (current.topLevel) statements.push({ line: current.line, text: stripComment(current.text).trim() });
      current = undefined;
      depth = 0;
    }
  }
  if (current?.topLevel) statements.push({ line: current.line, text: stripComment(current.text).trim() });
  return statements;
}

function scanLine(line: string, openTriple: string | undefined): { depthChange: number; openTriple: string | undefined } {
  let depthChange = 0;
  let i = 0;
  while (i < line.length) {
    if (openTriple) {
      const end = line.indexOf(openTriple, i);
      if (end === -1) return { depthChange, openTriple };
      i = end + 3;
      openTriple = undefined;
      continue;
    }
    const ch = line[i]!;
    if (ch === '#') break;
    if (ch === '"' || ch === "'") {
      const triple = line.slice(i, i + 3);
      if (triple === ch.repeat(3)) {
        openTriple = triple;
        i += 3;
        continue;
      }
      i = skipString(line, i);
      continue;
    }
    if ('([{'.includes(ch)) depthChange++;
    else if (')]}'.includes(ch)) depthChange--;
    i++;
  }
  return { depthChange, openTriple };
}

/** Index just past the single-line string literal that starts at `start`. */
export function skipString(text: string, start: number): number {
  const quote = text[start];
  let i = start + 1;
  while (i < text.length && text[i] !== quote && text[i] !== '\n') {
    i += text[i] === '\\' ? 2 : 1;
  }
  return i + 1;
}

function stripComment(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let i = 0;
      while (i < line.length) {
        const ch = line[i]!;
        if (ch === '#') return line.slice(0, i).trimEnd();
        if (ch === '"' || ch === "'") i = skipString(line, i);
        else i++;
      }
      return line;
    })
    .join('\n');
}

export type Assignment = { name: string; op: '=' | '+=' | 'insert' | 'append' | 'extend'; expression: string; line: number };

/**
 * `NAME = expr`, `NAME += expr`, and list mutations `NAME.insert(i, x)`, `NAME.append(x)`,
 * `NAME.extend(xs)` at module level, for upper-case setting names.
 */
export function settingAssignments(source: string): Assignment[] {
  const result: Assignment[] = [];
  for (const statement of topLevelStatements(source)) {
    const assign = /^([A-Z_][A-Z0-9_]*)\s*(\+?=)(?!=)\s*([\s\S]+)$/.exec(statement.text);
    if (assign) {
      result.push({ name: assign[1]!, op: assign[2] as '=' | '+=', expression: assign[3]!, line: statement.line });
      continue;
    }
    const mutation = /^([A-Z_][A-Z0-9_]*)\.(insert|append|extend)\(([\s\S]*)\)$/.exec(statement.text);
    if (mutation) result.push({ name: mutation[1]!, op: mutation[2] as 'insert' | 'append' | 'extend', expression: mutation[3]!, line: statement.line });
  }
  return result;
}

/** Star imports (`from .base import *`, `from config.settings.base import *`), in order. */
export function starImports(source: string): { module: string; line: number }[] {
  return topLevelStatements(source).flatMap((statement) => {
    const match = /^from\s+([.\w]+)\s+import\s+\*/.exec(statement.text);
    return match ? [{ module: match[1]!, line: statement.line }] : [];
  });
}
