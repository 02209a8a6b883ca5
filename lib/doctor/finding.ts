/**
 * What a rule reports: where (file:line), why in one sentence, and the fix as line edits that
 * become a small unified diff of the user's own file.
 */
import { lineCount, splitLines } from './lines.js';
import type { Directive } from '../nginx/parse.js';

export const SEVERITIES = ['high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Replace `remove` lines from `line` (1-based) with `insert`; remove 0 inserts before `line`. */
export interface Edit {
  line: number;
  remove: number;
  insert: string[];
  /** The file whose lines `line` counts, when the helper that made the edit knows it (rule.ts). */
  file?: string;
  /**
   * The directive an insertion is placed beside (rule.ts's helpers). When it came from an
   * included file (proxy_params) and the fix is for the including file, the insertion moves
   * beside the `include` line there instead (run.ts).
   */
  anchor?: { directive: Directive; after: boolean };
}

export interface Fix {
  file: string;
  edits: Edit[];
}

export interface Hit {
  file: string;
  line: number;
  /** What was found, with the values involved. */
  message: string;
  fix?: Fix;
  /** When one case of a rule is less serious than the rule's own severity. */
  severity?: Severity;
}

export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  line: number;
  message: string;
  /** One plain sentence on why it matters (the rule's). */
  why: string;
  /** The fix as a unified diff of `file` (or of the fix's own file), one section per file edited. */
  diff?: string;
  fix?: Fix;
  /** Every file's part of the fix, when it edits more than one (`fix` is the first). */
  fixes?: Fix[];
  /** A live probe's finding: the URL that leaked (file:line is the configuration that serves it). */
  url?: string;
}

/** true when `severity` is at least as serious as `threshold`. */
export const atLeast = (severity: Severity, threshold: Severity) => SEVERITIES.indexOf(severity) <= SEVERITIES.indexOf(threshold);

const CONTEXT = 1;

/** A unified diff of `text` after the edits, with one line of context; the edits must not overlap. */
export function unifiedDiff(file: string, text: string, edits: Edit[]): string {
  const lines = splitLines(text);
  const count = lineCount(text);
  const sorted = [...edits].sort((a, b) => a.line - b.line);
  // Edits whose context touches are one hunk.
  const hunks: Edit[][] = [];
  for (const edit of sorted) {
    const last = hunks.at(-1)?.at(-1);
    if (last && edit.line - (last.line + last.remove) <= 2 * CONTEXT) hunks.at(-1)!.push(edit);
    else hunks.push([edit]);
  }
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let shift = 0;
  for (const hunk of hunks) {
    const first = hunk[0]!;
    const last = hunk.at(-1)!;
    const start = Math.max(1, first.line - CONTEXT);
    const end = Math.min(count, last.line + last.remove - 1 + CONTEXT);
    const body: string[] = [];
    let oldCount = 0;
    let newCount = 0;
    let line = start;
    for (const edit of hunk) {
      for (; line < edit.line; line++, oldCount++, newCount++) body.push(` ${lines[line - 1]}`);
      for (let i = 0; i < edit.remove; i++, line++, oldCount++) body.push(`-${lines[line - 1]}`);
      for (const added of edit.insert) {
        body.push(`+${added}`);
        newCount++;
      }
    }
    for (; line <= end; line++, oldCount++, newCount++) body.push(` ${lines[line - 1]}`);
    out.push(`@@ -${start},${oldCount} +${start + shift},${newCount} @@`, ...body);
    shift += newCount - oldCount;
  }
  return `${out.join('\n')}\n`;
}

/** Applies edits to a text (for tests and for `doctor` users who want to check a fix). */
export function applyEdits(text: string, edits: Edit[]): string {
  const lines = text.split('\n');
  for (const edit of [...edits].sort((a, b) => b.line - a.line)) lines.splice(edit.line - 1, edit.remove, ...edit.insert);
  return lines.join('\n');
}
