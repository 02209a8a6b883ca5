/**
 * A websocket route whose nginx location does not pass the upgrade on: nginx speaks HTTP/1.0 to
 * upstreams by default and drops the hop-by-hop Upgrade and Connection headers, so the
 * handshake reaches the ASGI server as a plain GET and fails.
 */
import type { Edit, Hit } from '../finding.js';
import { effective, locationFor, namedLocation, own, proxyHeaders, type Location, type Server } from '../../nginx/model.js';
import { findAll, type Directive } from '../../nginx/parse.js';
import { insertAfter, insertBefore, insertFirst, type DoctorFacts, type Rule } from '../rule.js';
import { setProxyHeader } from './proxy-headers.js';
import { unreadIncludeAround, upstreamKind } from './upstream.js';

const MAP = ['map $http_upgrade $connection_upgrade {', '    default upgrade;', "    '' close;", '}'];

export const websocketUpgrade: Rule = {
  id: 'websocket-upgrade-missing',
  severity: 'high',
  title: 'websocket location without the Upgrade headers',
  why: 'nginx proxies with HTTP/1.0 and drops the Upgrade and Connection headers unless told to pass them, so every websocket handshake on that path fails.',
  check(facts) {
    const paths = facts.django?.asgi?.websocketPaths ?? [];
    if (paths.length === 0) return [];
    const literal = facts.django!.asgi!.websocketRoutes;
    const seen = new Set<Directive>();
    return facts.servers.flatMap((server) =>
      paths.flatMap((prefix) => {
        // A route of the prefix as a request path: a literal one when there is, else a sample below it.
        const sample = literal.find((route) => route.value.startsWith(prefix.value))?.value ?? `${prefix.value}0/`;
        const location = proxyingLocation(server, sample);
        if (!location || seen.has(location.directive) || upstreamKind(facts, location) === 'other' || unreadIncludeAround(facts, location)) return [];
        seen.add(location.directive);
        const missing = missingUpgrade(facts, location);
        if (missing.length === 0) return [];
        const where = prefix.source ? ` (${prefix.source.file}${prefix.source.line ? `:${prefix.source.line}` : ''})` : '';
        return [
          {
            file: location.directive.file,
            line: location.directive.line,
            message: `websocket routes under ${prefix.value}${where} reach "location ${location.modifier ? `${location.modifier} ` : ''}${location.uri}", which lacks ${missing.join(', ')}: the handshake reaches the app as a plain request`,
            fix: upgradeFix(facts, server, location),
          },
        ];
      }),
    );
  },
};

/** The location a path ends in, following `try_files ... @name` to the named location. */
function proxyingLocation(server: Server, path: string): Location | undefined {
  const location = locationFor(server, path);
  if (!location || own(location.directive, 'proxy_pass').length) return location && own(location.directive, 'proxy_pass').length ? location : undefined;
  const fallback = own(location.directive, 'try_files')[0]?.args.at(-1);
  const named = fallback?.startsWith('@') ? namedLocation(server, fallback) : undefined;
  return named && own(named.directive, 'proxy_pass').length ? named : undefined;
}

/** What the location lacks of: proxy_http_version 1.1, Upgrade, Connection "upgrade" (or a map of $http_upgrade). */
function missingUpgrade(facts: DoctorFacts, location: Location): string[] {
  const missing: string[] = [];
  if (effective(location.chain, 'proxy_http_version', facts.nginx.directives)?.args[0] !== '1.1') missing.push('proxy_http_version 1.1');
  const headers = proxyHeaders(location, facts.nginx.directives);
  const upgrade = headers.get('upgrade')?.value ?? '';
  if (!upgrade.includes('$http_upgrade') && upgrade.toLowerCase() !== 'websocket') missing.push('proxy_set_header Upgrade $http_upgrade');
  const connection = headers.get('connection')?.value ?? '';
  if (!/upgrade/i.test(connection) && !upgradeMapped(facts, connection)) missing.push('proxy_set_header Connection $connection_upgrade');
  return missing;
}

/** A variable set by `map $http_upgrade $var { ... upgrade ... }`. */
function upgradeMapped(facts: DoctorFacts, value: string): boolean {
  return mapsOfUpgrade(facts).some((map) => map.args[1] === value.trim());
}
const mapsOfUpgrade = (facts: DoctorFacts) => findAll(facts.nginx.directives, 'map').filter((map) => map.args[0] === '$http_upgrade');

/** The missing directives beside the location's proxy_pass (headers beside those that apply), and the map when none defines $connection_upgrade. */
function upgradeFix(facts: DoctorFacts, server: Server, location: Location): Hit['fix'] {
  const pass = own(location.directive, 'proxy_pass')[0]!;
  const file = location.directive.file;
  const edits: Edit[] = [];
  const version = own(location.directive, 'proxy_http_version')[0];
  const headers = proxyHeaders(location, facts.nginx.directives);
  const upgrade = headers.get('upgrade')?.value ?? '';
  const headerEdits: Edit[] = [];
  if (!upgrade.includes('$http_upgrade') && upgrade.toLowerCase() !== 'websocket') headerEdits.push(setProxyHeader(facts, location, 'Upgrade', '$http_upgrade'));
  const connection = headers.get('connection')?.value ?? '';
  const needsMap = !/upgrade/i.test(connection) && !upgradeMapped(facts, connection);
  if (needsMap) headerEdits.push(setProxyHeader(facts, location, 'Connection', '$connection_upgrade'));
  // Two new headers after one line are one insertion.
  const merged = headerEdits.reduce<Edit[]>((all, edit) => {
    const same = all.find((e) => e.remove === 0 && edit.remove === 0 && e.line === edit.line && e.file === edit.file);
    if (same) same.insert.push(...edit.insert);
    else all.push({ ...edit, insert: [...edit.insert] });
    return all;
  }, []);
  if (effective(location.chain, 'proxy_http_version', facts.nginx.directives)?.args[0] !== '1.1') {
    if (version) {
      // Lines inserted before the version line (after proxy_pass) and its rewrite are one edit.
      const before = merged.findIndex((e) => e.remove === 0 && e.line === version.line && (e.file ?? file) === version.file);
      const inserted = before >= 0 ? merged.splice(before, 1)[0]!.insert : [];
      merged.push({ line: version.line, remove: 1, insert: [...inserted, splitVersion(facts, version)], file: version.file });
    } else {
      const after = merged.find((e) => e.remove === 0 && e.anchor?.directive === pass);
      if (after) after.insert.unshift(after.insert[0]!.replace(/\S.*$/, 'proxy_http_version 1.1;'));
      else merged.push(insertAfter(facts, pass, ['proxy_http_version 1.1;']));
    }
  }
  edits.push(...merged);
  const mapDefined = findAll(facts.nginx.directives, 'map').some((map) => map.args[1] === '$connection_upgrade');
  if (needsMap && !mapDefined) {
    const http = server.chain.find((d) => d.name === 'http');
    const map = http ? insertFirst(facts, http, MAP) : insertBefore(facts, server.directive, [...MAP, '']);
    if (!map) return undefined;
    edits.push(map);
  }
  return { file, edits };
}

const splitVersion = (facts: DoctorFacts, version: Directive) => {
  const text = facts.nginx.texts.get(version.file)?.split('\n')[version.line - 1] ?? '';
  return text.replace(/proxy_http_version\s+[^;]*/, 'proxy_http_version 1.1');
};
