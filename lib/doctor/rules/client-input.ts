/**
 * Client input that reaches a response header or an upstream request where it must not:
 * HTTP splitting (a decoded path or a capture that can hold a newline, in a header or an
 * upstream URL) and SSRF (the client choosing the host or scheme proxy_pass connects to).
 */
import type { Directive } from '../../nginx/parse.js';
import type { Hit } from '../finding.js';
import { rewrite, type DoctorFacts, type Rule } from '../rule.js';
import { DEFAULT_PORTS, reachedOn } from './host-header.js';
import { canMatchNewline } from './regex.js';
import { clientSources, isInternal, named, type Placed, type Source } from './variables.js';

/** Directives whose arguments become header lines or a request line. */
const SPLIT_TARGETS: Record<string, (args: string[]) => string[]> = {
  add_header: (args) => args.slice(1, 2),
  proxy_set_header: (args) => args.slice(1, 2),
  more_set_headers: (args) => args.filter((a) => !a.startsWith('-')),
  proxy_pass: (args) => args.slice(0, 1),
  rewrite: (args) => args.slice(1, 2),
  return: (args) => (args.length === 2 && /^30[1278]$/.test(args[0]!) ? args.slice(1) : []),
};

/** A source that can hold "\n": the decoded path ($uri), or a capture whose regex allows one. */
const holdsNewline = (source: Source) => (source.kind === 'path' ? true : source.kind === 'capture' ? canMatchNewline(source.capture ?? '') : false);

export const httpSplitting: Rule = {
  id: 'http-splitting',
  severity: 'high',
  title: 'HTTP response splitting',
  why: 'A decoded path ($uri, or a regex capture that can hold a newline) written into a header or an upstream request lets "%0d%0a" in a link add headers (Set-Cookie) or a whole response of the attacker\'s choosing.',
  check(facts) {
    return Object.entries(SPLIT_TARGETS).flatMap(([name, pick]) =>
      named(facts, name).flatMap((placed) => {
        // A rewrite's own captures are escaped by nginx when it builds the new URI.
        const own = name === 'rewrite' ? ` of ${placed.directive.args[0]}` : undefined;
        const sources = pick(placed.directive.args)
          .flatMap((arg) => clientSources(facts, placed, arg))
          .filter(holdsNewline)
          .filter((s) => !own || !s.name.endsWith(own));
        if (sources.length === 0) return [];
        return [
          {
            file: placed.directive.file,
            line: placed.directive.line,
            message: `${name} ${placed.directive.args.join(' ')}: ${sources[0]!.name} can hold a decoded newline (use $request_uri, or a capture that excludes \\n)`,
          },
        ];
      }),
    );
  },
};

/** The scheme and host part of a proxy_pass URL (all of it when it starts with a variable). */
function schemeAndHost(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url; // "proxy_pass $target": the variable is the whole URL
  const rest = url.slice(scheme + 3);
  const path = rest.search(/\/|\$(request_uri|uri|document_uri)\b/);
  return url.slice(0, scheme + 3) + (path < 0 ? rest : rest.slice(0, path));
}

export const proxySsrf: Rule = {
  id: 'proxy-ssrf',
  severity: 'high',
  title: 'proxy_pass to a host the client chooses (SSRF)',
  why: "When a variable the client sets names the host or scheme proxy_pass connects to, anyone can make nginx fetch internal addresses (the app's admin, cloud metadata, the database) and read the answer.",
  check(facts) {
    return named(facts, 'proxy_pass').flatMap((placed: Placed) => {
      if (isInternal(placed)) return [];
      const target = placed.directive.args[0] ?? '';
      const sources = resolveWhole(facts, placed, target);
      if (sources.length === 0) return [];
      return [{ file: placed.directive.file, line: placed.directive.line, message: `proxy_pass ${target}: the host or scheme comes from ${sources[0]!.name}` }];
    });
  },
};

/** Sources in the scheme/host part, following `set $u "http://$x/..."` when the URL is one variable. */
function resolveWhole(facts: DoctorFacts, placed: Placed, target: string, depth = 0): Source[] {
  const whole = /^\$(\w+)$|^\$\{(\w+)\}$/.exec(target);
  if (whole && depth < 4) {
    const name = whole[1] ?? whole[2]!;
    const sets = placed.chain.filter((level) => level.name !== 'http').flatMap((level) => (level.block ?? []).filter((d) => d.name === 'set' && d.args[0] === `$${name}`));
    if (sets.length > 0) return sets.flatMap((set) => resolveWhole(facts, placed, set.args[1] ?? '', depth + 1));
  }
  return clientSources(facts, placed, schemeAndHost(target)).filter((s) => s.name !== '$request_uri' && s.kind !== 'path');
}

/** Variables that carry what the client sent as Host, or another client value, in proxy_set_header Host. */
export const hostSpoofing: Rule = {
  id: 'host-spoofing',
  severity: 'medium',
  title: 'Host sent upstream from an unchecked client value',
  why: "Django builds absolute URLs (password-reset links) from the Host it receives; a Host taken from X-Forwarded-Host, a query argument or the client's own Host header ($http_host) is the client's choice, and ALLOWED_HOSTS is then the only thing standing between the client and those links.",
  check(facts) {
    const hosts = allowedHosts(facts);
    return named(facts, 'proxy_set_header').flatMap((placed): Hit[] => {
      const [name = '', value = ''] = placed.directive.args;
      if (name.toLowerCase() !== 'host') return [];
      const sources = clientSources(facts, placed, value).filter((s) => s.kind !== 'path' && s.kind !== 'request');
      const others = sources.filter((s) => s.name !== '$http_host');
      const at = { file: placed.directive.file, line: placed.directive.line };
      if (others.length > 0) return [{ ...at, message: `proxy_set_header Host ${value}: Host comes from ${others[0]!.name}, which nginx does not check against server_name` }];
      if (sources.length === 0) return [];
      // $http_host is the Host the client sent, port included: Django checks its name against
      // ALLOWED_HOSTS, and nginx itself does when a catch-all server refuses unknown names.
      if (hosts.strict === true || hostGated(facts, placed)) return [];
      if (hosts.strict === false) return [{ ...at, message: `proxy_set_header Host $http_host while ALLOWED_HOSTS accepts any host: the client's Host reaches Django unchecked` }];
      // Unknown ALLOWED_HOSTS. On a non-default port Django needs the port for its CSRF origin
      // check ($host drops it; host-header-port suggests $http_host), and $host carries the same
      // unchecked name, so nothing in nginx is safer: like $host, not reported. On 80/443 $host
      // is Django's Host without the client's choice of port: hardening, with that fix.
      if (!onDefaultPorts(facts, placed)) return [];
      return [
        {
          ...at,
          severity: 'low',
          message: `proxy_set_header Host $http_host: ${hosts.where}, so doctor cannot tell whether Django refuses a Host that is not yours (the client's name and port go through as sent); safe when ALLOWED_HOSTS lists your host names without "*", or when nginx refuses other names (server_name with your names, and a default_server that returns 444); on port 80/443 $host drops the client's port`,
          fix: { file: placed.directive.file, edits: [rewrite(facts, placed.directive, [name, '$host'])] },
        },
      ];
    });
  },
};

/** Every port the server is reached on is 80 or 443 (listen, and the ports compose publishes for nginx). */
function onDefaultPorts(facts: DoctorFacts, placed: Placed): boolean {
  const server = facts.servers.find((s) => placed.chain.includes(s.directive));
  return server === undefined || reachedOn(facts, server).every((port) => DEFAULT_PORTS.includes(port));
}

/**
 * Does nginx refuse other hosts before this server? Its server_name lists exact names, and a
 * catch-all server (default_server, or server_name _) answers everything else with a 4xx/444.
 */
function hostGated(facts: DoctorFacts, placed: Placed): boolean {
  const server = placed.chain.find((level) => level.name === 'server');
  const names = server?.block?.filter((d) => d.name === 'server_name').flatMap((d) => d.args) ?? [];
  if (!server || names.length === 0 || names.some((n) => n === '_' || n === '' || n.includes('*') || n.startsWith('~'))) return false;
  return refusingCatchAlls(facts).some((directive) => directive !== server);
}

/** Servers that take unknown names (default_server, server_name _) and refuse them with a 4xx/444; once per configuration. */
const catchAllsOf = new WeakMap<object, Directive[]>();
function refusingCatchAlls(facts: DoctorFacts): Directive[] {
  const cached = catchAllsOf.get(facts.nginx.directives);
  if (cached) return cached;
  const found = facts.servers
    .map((s) => s.directive)
    .filter((directive) => {
      const own = directive.block ?? [];
      const catchAll = own.some((d) => d.name === 'listen' && d.args.includes('default_server')) || own.some((d) => d.name === 'server_name' && d.args.includes('_'));
      const refuses = [...own, ...own.filter((d) => d.name === 'location' && d.args.at(-1) === '/').flatMap((l) => l.block ?? [])].some((d) => d.name === 'return' && /^4\d\d$/.test(d.args[0] ?? ''));
      return catchAll && refuses;
    });
  catchAllsOf.set(facts.nginx.directives, found);
  return found;
}

/**
 * What doctor knows of ALLOWED_HOSTS: strict (names, no "*"), any host ("*"), or unknown, with
 * where it looked (said in the finding).
 */
function allowedHosts(facts: DoctorFacts): { strict?: boolean; where: string } {
  if (!facts.django) return { where: 'doctor found no Django settings (no manage.py) to read ALLOWED_HOSTS from' };
  const setting = facts.django.settings.get('ALLOWED_HOSTS');
  const module = facts.django.settingsModule;
  if (!setting) return { where: `doctor finds no ALLOWED_HOSTS in ${module}` };
  const where = `${setting.file}:${setting.line}`;
  const value = setting.value;
  const hosts = value.kind === 'list' ? value.items.flatMap((item) => (item.kind === 'str' ? [item.value] : [])) : [];
  if (value.kind !== 'list' || hosts.length !== value.items.length) return { where: `ALLOWED_HOSTS (${where}) is computed when Django starts (from the environment, say)` };
  return { strict: !hosts.includes('*'), where: `ALLOWED_HOSTS (${where})` };
}
