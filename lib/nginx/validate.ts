/**
 * What `nginx -t` would refuse in a configuration that parses: an unknown directive, a directive
 * in a context its module does not allow, a missing argument (`alias;`), a block where none
 * belongs or none where one must be, a second `http`/`events`, a second `alias`/`root` in one
 * location. The directives, their contexts and their syntax come from NGINX's own machine-readable
 * reference (@nginx/reference-lib, generated from the nginx.org documentation); each message
 * uses nginx's own words. Third-party modules are not in it: their directives are not judged.
 */
import { getDirectives, type Directive as Reference } from '@nginx/reference-lib';
import type { Directive } from './parse.js';

export interface Problem {
  file: string;
  line: number;
  message: string;
}

/** The contexts nginx names in its reference; `sif`/`lif` are `if` in a server / a location. */
type Context = 'main' | 'events' | 'http' | 'server' | 'location' | 'sif' | 'lif' | 'limit_except' | 'upstream';

/** Blocks whose contents are not directives (map entries, MIME types, Lua) or belong to stream/mail. */
const OPAQUE = new Set(['map', 'geo', 'split_clients', 'types', 'charset_map', 'match', 'stream', 'mail', 'perl_set']);

/** Directive families of third-party modules Debian packages (libnginx-mod-*) and common builds. */
const THIRD_PARTY =
  /^(more_|lua_|.*_by_lua|echo|fancyindex|geoip2|subs_filter|dav_ext_|auth_pam|nchan_|brotli|passenger_|vhost_traffic_status|upload_progress|track_uploads|report_uploads|set_|array_|rds_|srcache_|redis2?_|memc_|push_stream|naxsi|modsecurity|pagespeed|headers_more|sticky|vod_|rtmp|njs_|zstd)/;

interface Entry {
  contexts: Set<string>;
  isBlock: boolean;
  minArgs: number;
}

let table: Map<string, Entry[]> | undefined;

function reference(): Map<string, Entry[]> {
  if (table) return table;
  table = new Map();
  for (const entry of getDirectives() as Reference[]) {
    // Stream and mail directives share names with http's ("server", "listen") but not their contexts.
    if (/^ngx_(stream|mail)_/.test(entry.module)) continue;
    const list = table.get(entry.name) ?? [];
    list.push({ contexts: new Set(entry.contexts), isBlock: entry.isBlock, minArgs: Math.min(...entry.syntax.map(requiredArgs)) });
    table.set(entry.name, list);
  }
  return table;
}

/** The number of arguments a syntax line requires: words outside `[...]`, each `a | b` one word. */
export function requiredArgs(syntax: string): number {
  let text = syntax
    .replace(/<[^>]+>/g, '')
    .replace(/&hellip;/g, ' ')
    .replace(/&[a-z]+;/g, 'x')
    .replace('{...}', ' ');
  for (let previous = ''; previous !== text;) [previous, text] = [text, text.replace(/\[[^[\]]*\]/g, '')];
  return text
    .replace(/\s*\|\s*/g, '|')
    .split(/\s+/)
    .filter(Boolean).length;
}

/** The names nginx's reference uses for a context. */
const NAMES: Record<Context, string[]> = {
  main: ['main'],
  events: ['events'],
  http: ['http'],
  server: ['server'],
  location: ['location'],
  sif: ['if'],
  lif: ['if', 'if in location'],
  limit_except: ['limit_except'],
  upstream: ['upstream'],
};

/** The context of a block's contents. */
function inner(directive: Directive, context: Context): Context | undefined {
  switch (directive.name) {
    case 'events':
      return 'events';
    case 'http':
      return 'http';
    case 'server':
      return context === 'http' ? 'server' : undefined;
    case 'location':
      return 'location';
    case 'if':
      return context === 'server' || context === 'sif' ? 'sif' : 'lif';
    case 'limit_except':
      return 'limit_except';
    case 'upstream':
      return context === 'http' ? 'upstream' : undefined;
    default:
      return undefined;
  }
}

/** The context of a file's top level, from what it holds: a main file, site files (http), or a server snippet. */
export function topContext(directives: Directive[]): Context {
  const names = new Set(directives.map((d) => d.name));
  if (names.has('http') || names.has('events')) return 'main';
  if (names.has('location') && !names.has('server')) return 'server';
  return 'http';
}

export function validateNginx(directives: Directive[], context: Context = topContext(directives)): Problem[] {
  const known = reference();
  const thirdParty = directives.some((d) => d.name === 'load_module');
  const problems: Problem[] = [];
  const visit = (block: Directive[], context: Context) => {
    const seen = new Map<string, Directive>();
    for (const directive of block) {
      const at = { file: directive.file, line: directive.line };
      const entries = known.get(directive.name);
      if (!entries) {
        if (!thirdParty && !THIRD_PARTY.test(directive.name)) problems.push({ ...at, message: `unknown directive "${directive.name}"` });
        continue;
      }
      const here = entries.filter((entry) => entry.contexts.has('') || NAMES[context].some((name) => entry.contexts.has(name)));
      if (here.length === 0) {
        problems.push({ ...at, message: `"${directive.name}" directive is not allowed here` });
        continue;
      }
      if (here.every((entry) => entry.isBlock) && !directive.block) problems.push({ ...at, message: `directive "${directive.name}" has no opening "{"` });
      else if (!here.some((entry) => entry.isBlock) && directive.block && !directive.name.endsWith('_by_lua_block'))
        problems.push({ ...at, message: `directive "${directive.name}" is not terminated by ";"` });
      else if (directive.args.length < Math.min(...here.map((entry) => entry.minArgs))) problems.push({ ...at, message: `invalid number of arguments in "${directive.name}" directive` });
      const duplicate = ['http', 'events', 'alias', 'root'].includes(directive.name)
        ? directive.name === 'alias' || directive.name === 'root'
          ? (seen.get('alias') ?? seen.get('root'))
          : seen.get(directive.name)
        : undefined;
      if (duplicate) {
        const earlier = duplicate.name === directive.name ? '' : `, "${duplicate.name}" directive was specified earlier`;
        problems.push({ ...at, message: `"${directive.name}" directive is duplicate${earlier}` });
      }
      if (['http', 'events', 'alias', 'root'].includes(directive.name)) seen.set(directive.name, directive);
      const next = directive.block && !OPAQUE.has(directive.name) ? inner(directive, context) : undefined;
      if (directive.block && next) visit(directive.block, next);
    }
  };
  visit(directives, context);
  return problems;
}
