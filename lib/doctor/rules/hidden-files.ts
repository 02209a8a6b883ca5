import { own, type Location } from '../../nginx/model.js';
import { insertLast, type Rule } from '../rule.js';
import { staticAndMedia, type Served } from './served.js';

const blocks = (location: Location) => own(location.directive, 'deny').length > 0 || own(location.directive, 'return').length > 0;

/** Locations a request for `served`'s files may end in instead: its nested ones, and the server's regex ones unless `^~`. */
function guards(served: Served): Location[] {
  const depth = served.location.chain.length;
  const nested = served.server.locations.filter((l) => l.chain.length === depth + 1 && l.chain[depth - 1] === served.location.directive);
  const serverRegex = served.location.modifier === '^~' ? [] : served.server.locations.filter((l) => l.chain.length === served.server.chain.length + 1 && l.modifier.startsWith('~'));
  return [...nested, ...serverRegex].filter(blocks);
}

/**
 * Where a dotfile cannot be asked for, or is the point: an `internal` location (only
 * X-Accel-Redirect from the app reaches it), a single file (alias /x/robots.txt), and
 * /.well-known/ (ACME tokens, security.txt).
 */
function unreachableOrOneFile(served: Served): boolean {
  if (served.location.chain.some((level) => level.name === 'location' && own(level, 'internal').length > 0)) return true;
  if (served.location.uri.includes('/.well-known')) return true;
  const last = served.folder.replace(/\/+$/, '').split('/').at(-1) ?? '';
  return served.alias && !served.folder.endsWith('/') && /\.[A-Za-z0-9]{1,8}$/.test(last);
}

export const dotfilesServed: Rule = {
  id: 'dotfiles-served',
  // collectstatic skips dotfiles (its default ignore patterns), so this is a guard for files put there by hand.
  severity: 'low',
  category: 'hardening',
  title: 'dotfiles are served',
  why: 'Files whose names start with a dot (.env, .git/, editor backups) copied into a served folder are readable by anyone who guesses the name.',
  check(facts) {
    return staticAndMedia(facts)
      .filter((served) => !guards(served).some((l) => l.modifier.startsWith('~') && l.uri.includes('/\\.')))
      .filter((served) => !unreachableOrOneFile(served))
      .map((served) => {
        // Not /.well-known/: ACME http-01 tokens (RFC 8555) and security.txt live there, and a 404 breaks certificate renewal.
        const edit = insertLast(facts, served.location.directive, ['location ~ /\\.(?!well-known/) {', '    return 404;', '}']);
        return {
          file: served.location.directive.file,
          line: served.location.directive.line,
          message: `"location ${served.location.uri}" serves ${served.folder} with no rule refusing dotfiles`,
          fix: edit && { file: served.location.directive.file, edits: [edit] },
        };
      });
  },
};

export const manifestServed: Rule = {
  id: 'manifest-served',
  severity: 'low',
  category: 'hardening',
  title: 'staticfiles.json is served',
  why: "The manifest storage's staticfiles.json lists every static file of the project; it is for Django, not for browsers.",
  check(facts) {
    if (!facts.django?.manifest) return [];
    return staticAndMedia(facts)
      .filter((served) => served.kind === 'static')
      .filter((served) => {
        const manifest = `${served.location.uri.replace(/\/$/, '')}/staticfiles.json`;
        return !guards(served).some((l) => (l.modifier === '=' && l.uri === manifest) || (l.modifier.startsWith('~') && l.uri.includes('staticfiles')));
      })
      .map((served) => {
        const manifest = `${served.location.uri.replace(/\/$/, '')}/staticfiles.json`;
        const edit = insertLast(facts, served.location.directive, [`location = ${manifest} {`, '    return 404;', '}']);
        return {
          file: served.location.directive.file,
          line: served.location.directive.line,
          message: `${manifest} is served from ${served.folder}`,
          fix: edit && { file: served.location.directive.file, edits: [edit] },
        };
      });
  },
};
