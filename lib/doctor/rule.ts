/**
 * A doctor rule: an id, a severity, one sentence on why it matters, and a check over the facts.
 * Helpers here build the line edits of fixes from the user's own lines, keeping their indentation.
 */
import path from 'node:path';
import { read } from '../read-text.js';
import { splitLines } from './lines.js';
import type { ComposeFacts } from './compose.js';
import type { DjangoFacts } from './django.js';
import type { Edit, Hit, Severity } from './finding.js';
import type { NginxConfig } from '../nginx/load.js';
import { servers, type Server } from '../nginx/model.js';
import type { Directive } from '../nginx/parse.js';

export interface DoctorFacts {
  nginx: NginxConfig;
  servers: Server[];
  django?: DjangoFacts;
  compose?: ComposeFacts;
  /** The folder project files (settings, compose) are relative to. */
  root: string;
}

export interface Rule {
  id: string;
  severity: Severity;
  /** A short name, for SARIF and the report's headings. */
  title: string;
  /** One plain sentence on why it matters. */
  why: string;
  /**
   * 'defect': something is wrong or exploitable now; 'hardening': a safer setting, nothing broken
   * (server_tokens, least privilege). Hardening rules are never above low, so `--fail-on medium`
   * fails on defects only. Unset means 'defect'.
   */
  category?: 'defect' | 'hardening';
  check(facts: DoctorFacts): Hit[];
}

export function doctorFacts(nginx: NginxConfig, root: string, django?: DjangoFacts, compose?: ComposeFacts): DoctorFacts {
  return { nginx, servers: servers(nginx.directives), django, compose, root };
}

/** The text of a file a fix edits: an nginx file as read, or a project file. */
export function fileText(facts: DoctorFacts, file: string): string | undefined {
  return facts.nginx.texts.get(file) ?? read(facts.root, file);
}

const lineAt = (facts: DoctorFacts, file: string, line: number) => {
  const text = fileText(facts, file);
  return text === undefined ? undefined : splitLines(text)[line - 1];
};
const indentOf = (text: string | undefined) => text?.slice(0, text.length - text.trimStart().length) ?? '';

/** Rewrites one directive's line with new arguments, keeping the rest of the line. */
export function rewrite(facts: DoctorFacts, directive: Directive, args: string[]): Edit {
  const old = lineAt(facts, directive.file, directive.line) ?? '';
  const was = `${directive.name} ${directive.args.join(' ')}`;
  const now = `${directive.name} ${args.join(' ')}`;
  // In place only where the line holds the directive as written: an empty argument ("") is not
  // in `was` as written, and `was` must end where the directive does (not be a prefix of it).
  const at = directive.args.includes('') ? -1 : old.indexOf(was);
  const inPlace = at >= 0 && /^\s*[;{]/.test(old.slice(at + was.length));
  const insert = inPlace ? old.slice(0, at) + now + old.slice(at + was.length) : `${indentOf(old)}${now}${directive.block ? ' {' : ';'}`;
  return { line: directive.line, remove: 1, insert: [insert], file: directive.file };
}

/** Lines inserted after `after` (a directive on its own line), indented like it. */
export function insertAfter(facts: DoctorFacts, after: Directive, lines: string[]): Edit {
  const indent = indentOf(lineAt(facts, after.file, after.line));
  return { line: after.line + 1, remove: 0, insert: lines.map((l) => indent + l), file: after.file, anchor: { directive: after, after: true } };
}

/** Lines inserted before a directive, indented like it (an empty string stays an empty line). */
export function insertBefore(facts: DoctorFacts, before: Directive, lines: string[]): Edit {
  const indent = indentOf(lineAt(facts, before.file, before.line));
  return { line: before.line, remove: 0, insert: lines.map((l) => (l ? indent + l : l)), file: before.file, anchor: { directive: before, after: false } };
}

/** Lines inserted first in a block, indented like its first directive (or one step in). */
export function insertFirst(facts: DoctorFacts, block: Directive, lines: string[]): Edit | undefined {
  if (block.endLine === undefined || block.endLine === block.line) return undefined; // a one-line block: no clean place
  const first = block.block?.[0];
  const indent = first && first.line > block.line ? indentOf(lineAt(facts, first.file, first.line)) : `${indentOf(lineAt(facts, block.file, block.line))}    `;
  return { line: block.line + 1, remove: 0, insert: lines.map((l) => indent + l), file: block.file };
}

/** Lines inserted last in a block, before its closing brace. */
export function insertLast(facts: DoctorFacts, block: Directive, lines: string[]): Edit | undefined {
  if (block.endLine === undefined || block.endLine === block.line) return undefined;
  const indent = `${indentOf(lineAt(facts, block.file, block.endLine))}    `;
  return { line: block.endLine, remove: 0, insert: lines.map((l) => indent + l), file: block.file };
}

/** A project file's line with one piece of text replaced. */
export function replaceInLine(facts: DoctorFacts, file: string, line: number, from: string, to: string): Edit | undefined {
  const old = lineAt(facts, file, line);
  return old?.includes(from) ? { line, remove: 1, insert: [old.replace(from, to)], file } : undefined;
}

/** A path as a user reads it in a report: relative to the working folder when inside it. */
export function shown(file: string, cwd: string): string {
  if (!path.isAbsolute(file)) return file;
  const relative = path.relative(cwd, file);
  return relative.startsWith('..') ? file : relative;
}
