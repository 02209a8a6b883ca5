/**
 * alias in every form that maps more than the folder it names. nginx replaces the part of the
 * URI its location matched with the alias, after it has normalised the URI ("/files/../x" is
 * "/x" before any location is chosen), so what an attacker gets depends on the two edges:
 *
 * - the location (or the regex text before the capture) does not end with "/", the alias does:
 *   "/static../x" reads "<alias>/../x", the folder above (parent escape);
 * - the alias does not end with "/": "/static_backup/x" or "/static/_backup/x" reads
 *   "<alias>_backup/x", any sibling whose name starts with the alias's (sibling-prefix read);
 * - both end with "/" (or neither with a location that names one file exactly): safe.
 */
import type { Hit } from '../finding.js';
import { own, isPrefix, type Location } from '../../nginx/model.js';
import type { Directive } from '../../nginx/parse.js';
import { aliasRisk, NGINX_RULES } from '../../nginx/rules.js';
import { rewrite, type DoctorFacts, type Rule } from '../rule.js';
import { captureBody, regexGroups } from './regex.js';

export const aliasTraversal: Rule = {
  ...NGINX_RULES.aliasTraversal,
  severity: 'high',
  check(facts) {
    return facts.servers.flatMap((server) =>
      server.locations.flatMap((location) => {
        const alias = own(location.directive, 'alias')[0];
        const folder = alias?.args[0];
        if (!alias || folder === undefined || folder === '') return [];
        if (isPrefix(location)) return prefixForm(facts, location, alias, folder);
        if (location.modifier.startsWith('~')) return regexForm(location, alias, folder);
        return []; // "=": one URI, one file
      }),
    );
  },
};

function prefixForm(facts: DoctorFacts, location: Location, alias: Directive, folder: string): Hit[] {
  if (folder.includes('$')) return [];
  const uri = location.uri;
  const risk = aliasRisk(uri, folder);
  if (!risk) return [];
  const uriSlash = uri.endsWith('/');
  const aliasSlash = folder.endsWith('/');
  const bare = folder.replace(/\/+$/, '');
  const at = { file: alias.file, line: location.directive.line };
  const fixedUri = uriSlash ? uri : `${uri}/`;
  const edits = [
    ...(uriSlash ? [] : [rewrite(facts, location.directive, location.modifier ? [location.modifier, fixedUri] : [fixedUri])]),
    ...(aliasSlash ? [] : [rewrite(facts, alias, [`${folder}/`])]),
  ];
  const fix = location.directive.file === alias.file ? { file: alias.file, edits } : undefined;
  if (risk === 'parent-escape') {
    return [{ ...at, message: `"location ${uri}" with "alias ${folder}": ${uri}../ reads ${bare}/../, the folder above (parent escape)`, fix }];
  }
  if (risk === 'one-file') {
    // One file served through a prefix location: "/robots.txt.bak" reads "<alias>.bak".
    const exact = { file: alias.file, edits: [rewrite(facts, location.directive, ['=', uri])] };
    return [
      {
        ...at,
        severity: 'low',
        message: `"location ${uri}" with "alias ${folder}" is a prefix match: ${uri}.bak reads ${bare}.bak; "location = ${uri}" serves the one file`,
        fix: location.directive.file === alias.file ? exact : undefined,
      },
    ];
  }
  const probe = `${uri}_backup/`; // "/files_backup/" or "/files/_backup/"
  return [
    {
      ...at,
      severity: 'medium',
      message: `"location ${uri}" with "alias ${folder}": ${probe}x reads ${bare}_backup/x, so any sibling of ${bare} whose name starts with "${bare.split('/').at(-1)}" is served (sibling-prefix read${uriSlash ? '; "../" is normalised away, no parent escape' : ''})`,
      fix,
    },
  ];
}

/** `location ~ ^/static(.*)$ { alias /app/static/$1; }`: the same two edges, around the capture. */
function regexForm(location: Location, alias: Directive, folder: string): Hit[] {
  const used = /\$(\d+|\{\d+\})/.exec(folder);
  if (!used) return [];
  const group = Number(used[1]!.replace(/[{}]/g, ''));
  const groups = regexGroups(location.uri);
  const info = groups[group - 1];
  if (!info) return [];
  const body = captureBody(location.uri, info);
  if (!/\.|\\[SWD]|\[\^/.test(body)) return []; // a capture that cannot hold a dot cannot hold ".."
  const before = location.uri.slice(0, info.start).replace(/\\\//g, '/');
  const regexSlash = before.endsWith('/') || (before === '^' && body.startsWith('/'));
  const aliasBefore = folder.slice(0, used.index);
  const aliasSlash = aliasBefore.endsWith('/');
  const at = { file: alias.file, line: location.directive.line };
  const shown = `"location ${location.modifier} ${location.uri}" with "alias ${folder}"`;
  if (!regexSlash && aliasSlash) {
    return [
      { ...at, message: `${shown}: the capture $${group} starts mid-segment, so "${before.replace(/^\^/, '')}../x" puts "../x" after ${aliasBefore} and reads the folder above (parent escape)` },
    ];
  }
  if (!aliasSlash && aliasBefore !== '') {
    return [
      { ...at, severity: 'medium', message: `${shown}: the capture is glued to "${aliasBefore}", so "${before.replace(/^\^/, '')}_backup/x" reads ${aliasBefore}_backup/x (sibling-prefix read)` },
    ];
  }
  return [];
}
