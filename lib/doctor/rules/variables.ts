/**
 * Where an nginx variable's value comes from, as far as the configuration says: `set` in the
 * blocks around a directive, `map` anywhere (each result), and regex captures ($1, named
 * groups) of the location or `if` around it, or of a `rewrite` before it. Rules ask one
 * question: can this argument carry what the client sent (a header, a query argument, a piece
 * of the path), and which pieces?
 */
import type { Directive } from '../../nginx/parse.js';
import type { DoctorFacts } from '../rule.js';
import { captureBody, regexGroups } from './regex.js';

export interface Placed {
  directive: Directive;
  /** Enclosing blocks, outermost first, without the directive itself. */
  chain: Directive[];
}

/**
 * Every directive (or every one named `name`) with the blocks around it. Walked on each ask, not
 * kept: a rule asks for a few names, and a list of all 160,000 directives of a large configuration
 * was memory held to the end for nothing (the walk itself takes milliseconds).
 */
export function everyDirective(top: Directive[], name?: string): Placed[] {
  const out: Placed[] = [];
  const visit = (block: Directive[], chain: Directive[]) => {
    for (const directive of block) {
      if (name === undefined || directive.name === name) out.push({ directive, chain });
      if (directive.block && !OPAQUE_BLOCKS.has(directive.name)) visit(directive.block, chain.concat([directive]));
    }
  };
  visit(top, []);
  return out;
}
/** Blocks whose contents are data (map entries, MIME types), not directives. */
const OPAQUE_BLOCKS = new Set(['map', 'types', 'geo', 'split_clients', 'charset_map', 'match']);

export const named = (facts: DoctorFacts, name: string): Placed[] => everyDirective(facts.nginx.directives, name);

/** The variable names an argument reads: "$a", "${b}c" -> a, b. */
export const variablesIn = (arg: string): string[] => [...arg.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((m) => (m[1] ?? m[2])!);

/** A piece of a value that comes from the client, named as a person reads it. */
export interface Source {
  /** "$http_x_forwarded_proto", "$arg_url", "$1 of ^/proxy/(.*)$". */
  name: string;
  kind: 'header' | 'argument' | 'cookie' | 'path' | 'capture' | 'request';
  /** For a capture: the group's regex text. */
  capture?: string;
}

const REQUEST_VARS: Record<string, Source['kind']> = {
  uri: 'path',
  document_uri: 'path',
  request_uri: 'request',
  args: 'argument',
  query_string: 'argument',
  request_body: 'request',
  request_filename: 'path',
};

/** Maps by the variable they define (computed once per configuration). */
const mapsOf = new WeakMap<Directive[], Map<string, Directive[]>>();
function maps(facts: DoctorFacts): Map<string, Directive[]> {
  let found = mapsOf.get(facts.nginx.directives);
  if (!found) {
    found = new Map();
    for (const { directive } of named(facts, 'map')) {
      const target = (directive.args[1] ?? '').replace(/^\$/, '');
      found.set(target, [...(found.get(target) ?? []), directive]);
    }
    mapsOf.set(facts.nginx.directives, found);
  }
  return found;
}

/**
 * What the client can put into `arg`, read at `placed` (a directive and its enclosing blocks).
 * `seen` stops a `set $a $a` loop.
 */
export function clientSources(facts: DoctorFacts, placed: Placed, arg: string, seen = new Set<string>()): Source[] {
  return variablesIn(arg).flatMap((name): Source[] => {
    if (seen.has(name)) return [];
    const next = new Set(seen).add(name);
    if (name.startsWith('http_')) return [{ name: `$${name}`, kind: 'header' }];
    if (name.startsWith('arg_')) return [{ name: `$${name}`, kind: 'argument' }];
    if (name.startsWith('cookie_')) return [{ name: `$${name}`, kind: 'cookie' }];
    // A `set` in the blocks around (the nearest before this directive wins; any is a possible value).
    const sets = scriptLevels(placed).flatMap((level) => (level.block ?? []).filter((d) => d.name === 'set' && d.args[0] === `$${name}`));
    if (sets.length > 0) return sets.flatMap((set) => clientSources(facts, { directive: set, chain: placed.chain }, set.args[1] ?? '', next));
    const mapped = maps(facts).get(name);
    if (mapped) return mapped.flatMap((map) => (map.block ?? []).flatMap((entry) => clientSources(facts, placed, entry.args.at(-1) ?? '', next)));
    const capture = captureOf(placed, name);
    if (capture) return [capture];
    const kind = REQUEST_VARS[name];
    return kind ? [{ name: `$${name}`, kind }] : [];
  });
}

/** Where `set` and `rewrite` may stand (never http {}, whose block can hold thousands of servers). */
const SCRIPT_CONTEXTS = ['server', 'location', 'if'];
const scriptLevels = (placed: Placed) => placed.chain.filter((level) => SCRIPT_CONTEXTS.includes(level.name));

/** `$1` or `$name` as a capture of the nearest regex around (location ~, if ~) or a rewrite before. */
function captureOf(placed: Placed, name: string): Source | undefined {
  const regexes: string[] = [];
  for (const level of [...placed.chain].reverse()) {
    if (level.name === 'location' && level.args.length === 2 && level.args[0]!.startsWith('~')) regexes.push(level.args[1]!);
    if (level.name === 'if') {
      const op = level.args.findIndex((a) => a === '~' || a === '~*');
      if (op >= 0 && level.args[op + 1]) regexes.push(level.args[op + 1]!.replace(/\)$/, ''));
    }
    const rewrites = SCRIPT_CONTEXTS.includes(level.name) ? (level.block ?? []).filter((d) => d.name === 'rewrite' && d.line <= placed.directive.line) : [];
    for (const rewrite of rewrites.reverse()) if (rewrite.args[0]) regexes.unshift(rewrite.args[0]);
  }
  for (const pattern of regexes) {
    const groups = regexGroups(pattern);
    const group = /^\d+$/.test(name) ? groups[Number(name) - 1] : groups.find((g) => g.name === name);
    if (group) return { name: `$${name} of ${pattern}`, kind: 'capture', capture: captureBody(pattern, group) };
  }
  return undefined;
}

/** Is the directive inside a location marked `internal` (only the app's X-Accel-Redirect reaches it)? */
export const isInternal = (placed: Placed) => placed.chain.some((level) => level.name === 'location' && (level.block ?? []).some((d) => d.name === 'internal'));

/** An `if`'s condition: "($http_origin !~ '^https://x')" -> variable, operator, operand. */
export function ifCondition(directive: Directive): { variable: string; op?: string; operand?: string } {
  const args = [...directive.args];
  if (args[0]?.startsWith('(')) args[0] = args[0].slice(1);
  const last = args.length - 1;
  if (args[last] === ')') args.pop();
  else if (args[last]?.endsWith(')')) args[last] = args[last]!.slice(0, -1);
  return { variable: args[0] ?? '', op: args[1], operand: args[2] };
}
