/**
 * From a rule's fix to edits that apply: each edit in the file its line numbers count
 * (an insertion beside a directive of an included proxy_params moves beside the `include` line
 * of the file being fixed), every line inside its file, no two edits overlapping. A fix that
 * cannot be made so is dropped rather than printed wrong. Then the diff, and `--fix` writing it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { applyEdits, unifiedDiff, type Edit, type Finding, type Fix } from './finding.js';
import { lineCount, splitLines } from './lines.js';
import type { Directive } from '../nginx/parse.js';

/** The fix as one Fix per file edited, or undefined when an edit falls outside its file. */
export function settleFix(fix: Fix, textOf: (file: string) => string | undefined, root: string): Fix[] | undefined {
  const same = (a: string, b: string) => path.resolve(root, a) === path.resolve(root, b);
  const byFile = new Map<string, Edit[]>();
  for (const edit of fix.edits) {
    let file = edit.file ?? fix.file;
    let line = edit.line;
    let insert = edit.insert;
    if (edit.anchor && !same(file, fix.file)) {
      let directive: Directive | undefined = edit.anchor.directive;
      while (directive && !same(directive.file, fix.file)) directive = directive.includedFrom;
      if (directive) {
        // Indented like the include line, not like the included file.
        const was = indentAt(textOf(file), edit.anchor.directive.line);
        const now = indentAt(textOf(fix.file), directive.line);
        insert = insert.map((text) => (text && text.startsWith(was) ? now + text.slice(was.length) : text));
        file = fix.file;
        line = edit.anchor.after ? (directive.endLine ?? directive.line) + 1 : directive.line;
      }
    }
    const key = [...byFile.keys()].find((known) => same(known, file)) ?? (same(file, fix.file) ? fix.file : file);
    byFile.set(key, [...(byFile.get(key) ?? []), { line, remove: edit.remove, insert }]);
  }
  const fixes: Fix[] = [];
  for (const [file, edits] of byFile) {
    const text = textOf(file);
    if (text === undefined || !fits(text, edits)) return undefined;
    fixes.push({ file, edits });
  }
  // The rule's own file first: it is the one the finding points at.
  return fixes.sort((a, b) => Number(!same(a.file, fix.file)) - Number(!same(b.file, fix.file)));
}

const indentAt = (text: string | undefined, line: number) => {
  const at = (text === undefined ? undefined : splitLines(text)[line - 1]) ?? '';
  return at.slice(0, at.length - at.trimStart().length);
};

/** Every edit inside the text, none overlapping another, each inserted line one line (a diff line cannot hold a break). */
function fits(text: string, edits: Edit[]): boolean {
  if (edits.some((edit) => edit.insert.some((line) => /[\r\n]/.test(line)))) return false;
  const count = lineCount(text);
  const sorted = [...edits].sort((a, b) => a.line - b.line);
  return sorted.every((edit, i) => {
    if (edit.line < 1 || edit.remove < 0 || edit.line + edit.remove - 1 > count || (edit.remove === 0 && edit.line > count + 1)) return false;
    const next = sorted[i + 1];
    return !next || next.line >= edit.line + Math.max(edit.remove, 1);
  });
}

/** How a file is named in a diff: from the folder doctor reads, or from / for a file outside it (`patch -p1 -d /`). */
export function diffName(file: string, root: string): string {
  const relative = path.isAbsolute(file) ? path.relative(root, file) : file;
  return relative.startsWith('..') || path.isAbsolute(relative) ? file.replace(/^\/+/, '') : relative;
}

/** The unified diff of every file a fix edits. */
export function fixDiff(fixes: Fix[], textOf: (file: string) => string | undefined, root: string): string {
  return fixes.map((fix) => unifiedDiff(diffName(fix.file, root), textOf(fix.file)!, fix.edits)).join('');
}

/** Every fixable finding's edits, merged per file; a finding whose edits collide with another's, or that reach outside the folder, is left out. */
export interface FixPlan {
  /** Absolute path -> the text as read and as fixed. */
  files: Map<string, { before: string; after: string; edits: Edit[] }>;
  fixed: Finding[];
  /** Findings with a fix that is not applied, and why. */
  skipped: { finding: Finding; reason: string }[];
}

export function planFixes(findings: Finding[], textOf: (file: string) => string | undefined, root: string): FixPlan {
  const plan: FixPlan = { files: new Map(), fixed: [], skipped: [] };
  const edits = new Map<string, Edit[]>();
  for (const finding of findings) {
    const fixes = finding.fixes ?? (finding.fix ? [finding.fix] : []);
    if (fixes.length === 0) continue;
    const outside = fixes.map((fix) => escapes(fix.file, root)).find(Boolean);
    if (outside) {
      plan.skipped.push({ finding, reason: outside });
      continue;
    }
    const merged = fixes.map((fix): [string, Edit[] | undefined] => [path.resolve(root, fix.file), joinInsertions([...(edits.get(path.resolve(root, fix.file)) ?? []), ...fix.edits])]);
    if (!merged.every(([file, all]) => all && fits(textOf(file) ?? '', all))) {
      plan.skipped.push({ finding, reason: 'its edits meet another fix; run doctor again after this one' });
      continue;
    }
    for (const [file, all] of merged) edits.set(file, all!);
    plan.fixed.push(finding);
  }
  for (const [file, all] of edits) {
    const before = textOf(file)!;
    plan.files.set(file, { before, after: applyEdits(before, all), edits: all });
  }
  return plan;
}

/** Insertions at the same line (two findings each adding a header after one `include`) as one, a line added twice once. */
function joinInsertions(edits: Edit[]): Edit[] | undefined {
  const out: Edit[] = [];
  // "proxy_set_header x-forwarded-ssl" from two fixes with two values: not both.
  const key = (line: string) => line.trim().split(/\s+/).slice(0, 2).join(' ').toLowerCase();
  for (const edit of edits) {
    const same = edit.remove === 0 ? out.find((e) => e.remove === 0 && e.line === edit.line) : undefined;
    if (!same) {
      out.push({ ...edit, insert: [...edit.insert] });
      continue;
    }
    const added = edit.insert.filter((line) => !same.insert.includes(line));
    if (added.some((line) => line.trim() && same.insert.some((known) => key(known) === key(line)))) return undefined;
    same.insert = [...same.insert, ...added];
  }
  return out;
}

/** Why a file may not be written by --fix: outside the folder, or a link leading out of it. */
function escapes(file: string, root: string): string | undefined {
  const absolute = path.resolve(root, file);
  const inside = (child: string, parent: string) => child === parent || child.startsWith(`${parent}${path.sep}`);
  if (!inside(absolute, path.resolve(root))) return `${file} is outside ${root}`;
  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    return `${file} cannot be resolved`;
  }
  if (!inside(real, fs.realpathSync(root))) return `${path.relative(root, absolute)} is a link to ${real}, outside the folder`;
  return undefined;
}

/** The plan as one patch (`patch -p1` in the folder). */
export const planDiff = (plan: FixPlan, root: string) => [...plan.files].map(([file, { before, edits }]) => unifiedDiff(diffName(file, root), before, edits)).join('');

/** Writes the fixed files (through links inside the folder), each beside a FILE.orig copy of what it was, unless one is there already. */
export function writeFixes(plan: FixPlan): { written: string[]; backups: string[] } {
  const written: string[] = [];
  const backups: string[] = [];
  for (const [file, { before, after }] of plan.files) {
    const real = fs.realpathSync(file);
    if (!fs.existsSync(`${real}.orig`)) {
      fs.writeFileSync(`${real}.orig`, before, { flag: 'wx' });
      backups.push(`${file}.orig`);
    }
    const mode = fs.statSync(real).mode;
    const temp = `${real}.doctor-${process.pid}`;
    fs.writeFileSync(temp, after, { mode });
    fs.renameSync(temp, real);
    written.push(file);
  }
  return { written, backups };
}
