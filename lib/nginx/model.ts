/**
 * The parts of an nginx configuration the rules ask about: servers, their locations (nested
 * ones included) with the chain of blocks around each, and nginx's inheritance: a level that
 * sets an array directive (add_header, proxy_set_header) drops every one it would inherit.
 */
import type { Directive } from './parse.js';

export interface Location {
  directive: Directive;
  /** '' (prefix), '^~', '=', '~' or '~*'. */
  modifier: string;
  uri: string;
  /** Enclosing blocks, outermost first, ending with this location. */
  chain: Directive[];
}

export interface Server {
  directive: Directive;
  /** Enclosing blocks, outermost first (http), ending with this server. */
  chain: Directive[];
  locations: Location[];
}

/** Every server block; a file of bare server blocks (a sites-enabled file) counts as inside http. */
export function servers(top: Directive[]): Server[] {
  const found: Server[] = [];
  const visit = (directives: Directive[], chain: Directive[]) => {
    for (const directive of directives) {
      if (!directive.block) continue;
      if (directive.name === 'server') {
        const own = chain.concat([directive]); // concat: an array of exactly that length (a spread leaves room for 17)
        found.push({ directive, chain: own, locations: locations(directive.block, own) });
      } else if (directive.name === 'http') visit(directive.block, chain.concat([directive])); // not stream {}: no HTTP there
    }
  };
  visit(top, []);
  return found;
}

function locations(block: Directive[], chain: Directive[]): Location[] {
  return block.flatMap((directive) => {
    if (directive.name === 'if' && directive.block) return locations(directive.block, chain.concat([directive]));
    if (directive.name !== 'location' || !directive.block) return [];
    const [first = '', second] = directive.args;
    const modifier = second !== undefined ? first : '';
    const own: Location = { directive, modifier, uri: second ?? first, chain: chain.concat([directive]) };
    return [own, ...locations(directive.block, own.chain)];
  });
}

/**
 * Directives by name, indexed once per list: rules ask for every server and location, and
 * filtering an http block (or a site file) of 10,000 servers each time made doctor quadratic.
 * The arrays are shared: read them, never change them.
 */
const indexes = new WeakMap<Directive[], Map<string, Directive[]>>();
/** Lists this short are filtered on each ask: an index of each of 40,000 small blocks held tens of MB. */
const SMALL = 16;
function named(list: Directive[], name: string): Directive[] {
  if (list.length <= SMALL) return list.filter((directive) => directive.name === name);
  let index = indexes.get(list);
  if (!index) {
    index = new Map();
    for (const directive of list) {
      const same = index.get(directive.name);
      if (same) same.push(directive);
      else index.set(directive.name, [directive]);
    }
    // Arrays grown by push keep spare room; at 10,000 servers the copies' exact sizes are megabytes less.
    for (const [key, same] of index) if (same.length > 1) index.set(key, same.slice());
    indexes.set(list, index);
  }
  return index.get(name) ?? [];
}

const NO_BLOCK: Directive[] = [];

/** The directives `name` directly in a block. */
export const own = (block: Directive, name: string): Directive[] => named(block.block ?? NO_BLOCK, name);

/** An array directive as nginx applies it at the end of a chain: the innermost level that sets any. */
export function effectiveAll(chain: Directive[], name: string, top: Directive[] = []): Directive[] {
  for (let i = chain.length - 1; i >= 0; i--) {
    const set = own(chain[i]!, name);
    if (set.length > 0) return set;
  }
  return named(top, name);
}

/** A single-value directive as it applies at the end of a chain. */
export function effective(chain: Directive[], name: string, top: Directive[] = []): Directive | undefined {
  return effectiveAll(chain, name, top).at(-1);
}

export const isPrefix = (location: Location) => location.modifier === '' || location.modifier === '^~';

/** The folder a prefix location reads files from, and the directive that says so. */
export function servedFolder(location: Location, top: Directive[] = []): { folder: string; via: Directive; alias: boolean } | undefined {
  const alias = own(location.directive, 'alias')[0];
  if (alias) return { folder: alias.args[0] ?? '', via: alias, alias: true };
  if (own(location.directive, 'proxy_pass').length || own(location.directive, 'return').length || own(location.directive, 'uwsgi_pass').length) return undefined;
  const root = effective(location.chain, 'root', top);
  if (!root || !own(location.directive, 'root').length) return undefined; // an inherited root alone: not a file location we judge
  return { folder: `${(root.args[0] ?? '').replace(/\/$/, '')}${location.uri}`, via: root, alias: false };
}

/** Header names (lower case) set with proxy_set_header where a location proxies, and the value. */
export function proxyHeaders(location: Location, top: Directive[] = []): Map<string, { value: string; directive: Directive }> {
  return new Map(effectiveAll(location.chain, 'proxy_set_header', top).map((d) => [(d.args[0] ?? '').toLowerCase(), { value: d.args[1] ?? '', directive: d }]));
}

/** Locations that pass requests to an HTTP upstream (gunicorn). */
export const proxying = (server: Server) => server.locations.filter((location) => own(location.directive, 'proxy_pass').length > 0);

/** The ports a server listens on (80 when it says nothing). */
export function listenPorts(server: Server): number[] {
  const listens = own(server.directive, 'listen');
  if (listens.length === 0) return [80];
  return listens.map((listen) => {
    const address = listen.args[0] ?? '80';
    const port = address.startsWith('unix:') ? NaN : Number(address.includes(':') ? address.slice(address.lastIndexOf(':') + 1) : address);
    return Number.isInteger(port) ? port : 80;
  });
}

/**
 * The location nginx picks for a request path, by its own rules: `=` exact first; else the
 * longest prefix, searched again among the locations nested in it; a `^~` prefix stops there;
 * else the first regex (`~`, `~*`) in order, those nested in the chosen prefix before the outer
 * ones; else the longest prefix. Named locations (@x) are never matched by a path.
 */
export function locationFor(server: Server, path: string): Location | undefined {
  return findIn(
    server.locations.filter((l) => l.chain.length === server.chain.length + 1),
    server.locations,
    path,
    undefined,
  ).location;
}

/** ngx_http_core_find_location: `final` when the search ends here (an exact or regex match). */
function findIn(level: Location[], all: Location[], path: string, current: Location | undefined): { location?: Location; final: boolean } {
  const exact = level.find((l) => l.modifier === '=' && l.uri === path);
  if (exact) return { location: exact, final: true };
  const prefix = level.filter((l) => isPrefix(l) && !l.uri.startsWith('@') && path.startsWith(l.uri)).sort((a, b) => b.uri.length - a.uri.length)[0];
  if (prefix) {
    current = prefix;
    const nested = all.filter((l) => l.chain.length === prefix.chain.length + 1 && l.chain[prefix.chain.length - 1] === prefix.directive);
    if (nested.length) {
      const inner = findIn(nested, all, path, current);
      if (inner.final) return inner;
      current = inner.location;
    }
  }
  const regex = prefix?.modifier === '^~' ? undefined : level.find((l) => l.modifier.startsWith('~') && regexMatches(l, path));
  if (regex) return { location: regex, final: true };
  return { location: current, final: false };
}

function regexMatches(location: Location, path: string): boolean {
  try {
    return new RegExp(location.uri, location.modifier === '~*' ? 'i' : '').test(path);
  } catch {
    return false;
  }
}

/** A named location (`location @name`) of a server. */
export const namedLocation = (server: Server, name: string): Location | undefined => server.locations.find((l) => l.uri === name && l.modifier === '');
