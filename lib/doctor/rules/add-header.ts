import { own } from '../../nginx/model.js';
import type { Directive } from '../../nginx/parse.js';
import { splitLines } from '../lines.js';
import { fileText, insertBefore, type DoctorFacts, type Rule } from '../rule.js';
import type { Edit } from '../finding.js';
import { named } from './variables.js';

/** Headers whose loss is a security defect; others lost are reported low. */
const SECURITY_HEADERS = [
  'strict-transport-security',
  'content-security-policy',
  'content-security-policy-report-only',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'permissions-policy',
  'cross-origin-opener-policy',
  'cross-origin-embedder-policy',
  'cross-origin-resource-policy',
  'x-xss-protection',
];

const headerName = (d: Directive) => (d.args[0] ?? '').toLowerCase();

/**
 * nginx inherits add_header only into blocks that set none of their own: a location, and an
 * `if` too (nginx makes each `if` block a location of its own), so the `if` branch silently
 * answers without the server's security headers.
 */
export const addHeaderDropped: Rule = {
  id: 'add-header-dropped',
  severity: 'medium',
  title: 'add_header in a location or if drops the outer headers',
  why: 'A block with its own add_header (a location, or an if, which nginx turns into a location) inherits none from the blocks around it, so headers set for the whole server (security headers, HSTS) silently vanish there.',
  check(facts) {
    const blocks = [
      ...facts.servers.flatMap((server) => server.locations.map((l) => ({ block: l.directive, chain: l.chain.slice(0, -1) }))),
      ...named(facts, 'if').map((p) => ({ block: p.directive, chain: p.chain })),
    ];
    const seen = new Set<Directive>();
    const topLevel = facts.nginx.directives.filter((d) => d.name === 'add_header'); // once: a sites file's top level can hold every server
    return blocks.flatMap(({ block, chain }) => {
      if (seen.has(block)) return [];
      seen.add(block);
      const mine = own(block, 'add_header');
      if (mine.length === 0 || own(block, 'add_header_inherit').some((d) => d.args[0] === 'merge')) return [];
      const outer =
        [...chain]
          .reverse()
          .map((level) => own(level, 'add_header'))
          .find((set) => set.length > 0) ?? topLevel;
      const names = new Set(mine.map(headerName));
      const lost = outer.filter((d) => !names.has(headerName(d)));
      if (lost.length === 0) return [];
      const where = block.name === 'if' ? `the "if ${block.args.join(' ')}" branch` : `"location ${block.args.join(' ')}"`;
      return [
        {
          file: mine[0]!.file,
          line: mine[0]!.line,
          severity: lost.some((d) => SECURITY_HEADERS.includes(headerName(d))) ? undefined : ('low' as const),
          message: `${where} sets its own add_header, so ${lost.map((d) => d.args[0]).join(', ')} (line ${lost[0]!.line}) ${lost.length === 1 ? 'is' : 'are'} not sent there`,
          // A one-line block has no line of its own to insert into.
          fix:
            mine[0]!.line > block.line
              ? {
                  file: mine[0]!.file,
                  edits: [
                    insertBefore(
                      facts,
                      mine[0]!,
                      lost.map((d) => `add_header ${d.args.map(unfolded).map(quoted).join(' ')};`),
                    ),
                  ],
                }
              : undefined,
        },
      ];
    });
  },
};

/** A header value with a line break: nginx sends it folded (obsolete in HTTP/1.1), and browsers drop or misread it. */
export const addHeaderMultiline: Rule = {
  id: 'add-header-multiline',
  severity: 'low',
  title: 'header value on several lines',
  why: 'A header value that spans lines is sent as an obsolete folded header, which browsers and proxies may reject or cut, so a Content-Security-Policy written that way may not apply at all.',
  check(facts) {
    return [...named(facts, 'add_header'), ...named(facts, 'more_set_headers')].flatMap(({ directive }) => {
      const values = directive.name === 'add_header' ? directive.args.slice(1, 2) : directive.args.filter((a, i) => !a.startsWith('-') && !['-t', '-s'].includes(directive.args[i - 1] ?? ''));
      if (!values.some((v) => v.includes('\n'))) return [];
      const edit = onOneLine(facts, directive);
      return [{ file: directive.file, line: directive.line, message: `${directive.name} ${directive.args[0]}: the value spans lines`, fix: edit && { file: directive.file, edits: [edit] } }];
    });
  },
};

/**
 * The directive rewritten on one line, its values unfolded (the lines' pieces joined by a space,
 * as a browser that accepts the folded header reads it). Only where the directive has its lines
 * to itself: nothing before it on its first line, nothing after its `;` on its last
 * (no second directive after its last argument).
 */
function onOneLine(facts: DoctorFacts, directive: Directive): Edit | undefined {
  const text = fileText(facts, directive.file);
  if (text === undefined) return undefined;
  const lines = splitLines(text);
  const last = directive.line + directive.args.reduce((n, arg) => n + arg.split('\n').length - 1, 0);
  const first = lines[directive.line - 1] ?? '';
  const end = lines[last - 1] ?? '';
  const indent = first.slice(0, first.length - first.trimStart().length);
  if (!first.trimStart().startsWith(directive.name) || !/;\s*(#.*)?$/.test(end) || /;.*;/.test(end.slice(end.lastIndexOf(directive.args.at(-1)!.split('\n').at(-1)!)))) return undefined;
  return { line: directive.line, remove: last - directive.line + 1, insert: [`${indent}${directive.name} ${directive.args.map(unfolded).map(quoted).join(' ')};`], file: directive.file };
}

/** add_header Content-Type adds a second Content-Type: the type is default_type's (or types {}). */
export const addHeaderContentType: Rule = {
  id: 'add-header-content-type',
  severity: 'low',
  title: 'Content-Type set with add_header',
  why: 'add_header Content-Type adds a second Content-Type header beside the one nginx already sends, and browsers may pick either; default_type (or a types block) sets the one header.',
  check(facts) {
    return named(facts, 'add_header')
      .filter(({ directive }) => headerName(directive) === 'content-type')
      .map(({ directive }) => ({
        file: directive.file,
        line: directive.line,
        message: `add_header Content-Type ${directive.args[1] ?? ''}: nginx sends its own Content-Type too; use "default_type ${directive.args[1] ?? ''};"`,
      }));
  },
};

/** An argument written back into nginx syntax. */
/** A value written over several lines, as one (the copy is not folded again; add-header-multiline reports the original). */
const unfolded = (arg: string) =>
  arg.includes('\n')
    ? arg
        .split('\n')
        .map((part) => part.trim())
        .filter(Boolean)
        .join(' ')
    : arg;
const quoted = (arg: string) => (arg === '' || /[\s;{}"'#]/.test(arg) ? `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"` : arg);
