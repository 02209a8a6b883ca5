/**
 * The nginx rules that more than one checker states: the generator's validation of its own
 * files (lib/validate) and doctor's rules over any configuration (lib/doctor/rules). Each is
 * defined once here, its name and reason and what it finds; each checker reports it its way.
 */
import { findAll, type Directive } from './parse.js';

/** A rule's one definition: a stable id, a short name, and one plain sentence on why it matters. */
export interface RuleDefinition {
  id: string;
  title: string;
  why: string;
}

export const NGINX_RULES = {
  autoindexOn: {
    id: 'autoindex-on',
    title: 'directory listing on',
    why: 'autoindex on lists every file in the folder to anyone, including files nobody meant to link to.',
  },
  aliasTraversal: {
    id: 'alias-traversal',
    title: 'alias path traversal (off-by-slash)',
    why: 'nginx swaps the matched part of the URI for the alias, so a location and alias that disagree on the trailing slash map "/static../" to the folder above, or "/static_x/" to a sibling folder, and serve the code and secrets there.',
  },
  staticFolder: {
    id: 'static-folder',
    title: 'nginx serves another folder than STATIC_ROOT / MEDIA_ROOT',
    why: 'collectstatic writes STATIC_ROOT (and uploads go to MEDIA_ROOT); when nginx serves another folder, every static file is a 404 or a stale copy.',
  },
  staticUrl: {
    id: 'static-url',
    title: 'location prefix is not STATIC_URL / MEDIA_URL',
    why: 'Django writes every static and media link under STATIC_URL and MEDIA_URL; a location under another prefix is never asked, so those links reach gunicorn and fail.',
  },
} as const satisfies Record<string, RuleDefinition>;

/** autoindex-on: every `autoindex on`. */
export const autoindexesOn = (directives: Directive[]): Directive[] => findAll(directives, 'autoindex').filter((directive) => directive.args[0] === 'on');

/**
 * alias-traversal in a prefix location: what a request can reach beyond the folder, decided by
 * the two edges. parent-escape: the location does not end with "/", the alias does ("/static../x"
 * reads the folder above). sibling-prefix: the alias does not end with "/" ("/static_backup/x"
 * reads a sibling folder). one-file: neither ends with "/" and both name one file (a prefix match
 * still reads "<file>.bak"). Both end with "/": nothing.
 */
export type AliasRisk = 'parent-escape' | 'sibling-prefix' | 'one-file';

/** A path that names one file (favicon.ico, robots.txt): its last segment has an extension. */
const looksLikeFile = (p: string) => /\.[A-Za-z0-9]{1,8}$/.test(p.split('/').at(-1) ?? '');

export function aliasRisk(uri: string, folder: string): AliasRisk | undefined {
  const uriSlash = uri.endsWith('/');
  const aliasSlash = folder.endsWith('/');
  if (uriSlash && aliasSlash) return undefined;
  if (!uriSlash && aliasSlash) return 'parent-escape';
  if (!uriSlash && looksLikeFile(uri) && looksLikeFile(folder.replace(/\/+$/, ''))) return 'one-file';
  return 'sibling-prefix';
}

/** alias-traversal, seen from outside: through a parent-escape alias, "/static../" is the folder above. */
export const folderAbove = (prefix: string): string => `${prefix.replace(/\/+$/, '')}../`;

/** A folder answered by nginx's file server itself: 403 (autoindex off) or a listing. Passed to Django, it is a 404. */
export const fileServerAnswered = (status: number): boolean => status === 200 || status === 403;
