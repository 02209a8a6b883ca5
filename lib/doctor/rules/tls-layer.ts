/**
 * TLS ends at nginx: what must follow from that. HSTS is a response header the browser gets
 * over HTTPS (not a request header to the app, not over plain HTTP); Django must be told the
 * request was HTTPS (X-Forwarded-Proto and SECURE_PROXY_SSL_HEADER) or it builds http://
 * links, never sends its own HSTS, and refuses HTTPS form posts on the Origin check; and the
 * ACME HTTP-01 path must stay reachable on port 80 beside the redirect to HTTPS.
 */
import { stringItems } from '../django.js';
import { effectiveAll, own, proxyHeaders, type Server } from '../../nginx/model.js';
import type { Directive } from '../../nginx/parse.js';
import { splitLines } from '../lines.js';
import { fileText, insertFirst, replaceInLine, rewrite, type DoctorFacts, type Rule } from '../rule.js';
import type { Edit, Fix } from '../finding.js';
import { trustedSslHeader } from './forwarded.js';
import { setProxyHeader } from './proxy-headers.js';
import { knownDjangoProxying } from './upstream.js';
import { named } from './variables.js';

/** nginx ends TLS in this server (listen … ssl or quic, or port 443). */
export const isTls = (server: Server) => own(server.directive, 'listen').some((d) => d.args.includes('ssl') || d.args.includes('quic') || d.args[0]?.endsWith(':443') || d.args[0] === '443');
const isHsts = (d: Directive) => (d.args[0] ?? '').toLowerCase() === 'strict-transport-security';

export const hstsWrongLayer: Rule = {
  id: 'hsts-wrong-layer',
  severity: 'medium',
  title: 'HSTS set where no browser sees it',
  why: 'Strict-Transport-Security works only as a response header over HTTPS: set with proxy_set_header it goes to the app instead of the browser, and over plain HTTP browsers ignore it, so HTTPS is never enforced.',
  check(facts) {
    const asRequest = named(facts, 'proxy_set_header')
      .filter(({ directive }) => isHsts(directive))
      .map(({ directive }) => {
        const edit = replaceInLine(facts, directive.file, directive.line, 'proxy_set_header', 'add_header');
        return {
          file: directive.file,
          line: directive.line,
          message: 'proxy_set_header Strict-Transport-Security sends HSTS to the app as a request header; the browser never gets it',
          fix: edit && { file: directive.file, edits: [edit] },
        };
      });
    const overHttp = facts.servers
      .filter((server) => !isTls(server))
      .flatMap((server) =>
        own(server.directive, 'add_header')
          .filter(isHsts)
          .map((directive) => ({ server, directive })),
      )
      .map(({ server, directive }) => {
        const tls = tlsTwin(facts, server);
        return {
          file: directive.file,
          line: directive.line,
          severity: 'low' as const,
          message: tls
            ? `add_header Strict-Transport-Security on a server without TLS: browsers ignore HSTS received over HTTP; the HTTPS server for the same names (line ${tls.directive.line}) should send it instead`
            : 'add_header Strict-Transport-Security on a server without TLS: browsers ignore HSTS received over HTTP (unless a load balancer in front ends TLS: then keep it and ignore this)',
          fix: moveHsts(facts, directive, tls),
        };
      });
    return [...asRequest, ...overHttp];
  },
};

/** The TLS server answering the same names as a plain-HTTP one (its HTTPS side), if the configuration has one. */
function tlsTwin(facts: DoctorFacts, server: Server): Server | undefined {
  const names = (s: Server) => new Set(own(s.directive, 'server_name').flatMap((d) => d.args));
  const mine = names(server);
  return facts.servers.find((other) => isTls(other) && (mine.size === 0 || [...names(other)].some((name) => mine.has(name))));
}

/**
 * HSTS off the plain-HTTP server: moved into its HTTPS twin (unless that sends its own), or just
 * removed when there is none, since browsers drop it over HTTP (RFC 6797, 8.1). Only when the
 * directive has its line to itself.
 */
function moveHsts(facts: DoctorFacts, directive: Directive, tls: Server | undefined): Fix | undefined {
  const text = fileText(facts, directive.file);
  const line = text === undefined ? undefined : splitLines(text)[directive.line - 1];
  if (!line || directive.args.some((arg) => arg.includes('\n')) || !/^\s*add_header\s.*;\s*(#.*)?$/.test(line)) return undefined;
  const edits: Edit[] = [{ line: directive.line, remove: 1, insert: [], file: directive.file }];
  // An add_header of its own would make the TLS server drop those it inherits from http {}.
  const inherited = tls && own(tls.directive, 'add_header').length === 0 ? effectiveAll(tls.chain, 'add_header', facts.nginx.directives) : [];
  if (inherited.length > 0 && !inherited.some(isHsts)) return undefined;
  if (tls && inherited.length === 0 && !own(tls.directive, 'add_header').some(isHsts)) {
    const added = insertFirst(facts, tls.directive, [line.trim()]);
    if (!added) return undefined;
    edits.push(added);
  }
  return { file: directive.file, edits };
}

export const tlsProtoMissing: Rule = {
  id: 'tls-proto-missing',
  severity: 'medium',
  title: 'TLS ends at nginx, but Django is not told',
  why: 'When nginx terminates TLS and sends no X-Forwarded-Proto (or Django does not trust it), Django believes every request is plain HTTP: it builds http:// links, never sends its HSTS or secure cookies as asked, loops on SECURE_SSL_REDIRECT, and since Django 4.0 refuses HTTPS form posts whose Origin it does not expect.',
  check(facts) {
    const trusted = trustedSslHeader(facts);
    return facts.servers.filter(isTls).flatMap((server) =>
      knownDjangoProxying(facts, server).flatMap((location) => {
        const proto = proxyHeaders(location, facts.nginx.directives).get('x-forwarded-proto');
        if (proto && (!facts.django || trusted)) return []; // set, and trusted (or settings unknown)
        if (proto && facts.django && !trusted) {
          const origins = stringItems(facts.django.settings.get('CSRF_TRUSTED_ORIGINS')?.value) ?? [];
          const redirect = facts.django.settings.get('SECURE_SSL_REDIRECT');
          return [
            {
              file: proto.directive.file,
              line: proto.directive.line,
              message: `nginx sends X-Forwarded-Proto, but ${facts.django.settingsModule} has no SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https"): Django sees http${origins.some((o) => o.startsWith('https://')) ? '' : ' and, with no https:// CSRF_TRUSTED_ORIGINS, refuses HTTPS form posts'}${redirect ? '; SECURE_SSL_REDIRECT loops' : ''}`,
            },
          ];
        }
        if (trusted) return []; // forwarded-proto-from-client's case: trusted but unset
        return [
          {
            file: location.directive.file,
            line: location.directive.line,
            message: `"location ${location.uri}" proxies HTTPS requests to the app without X-Forwarded-Proto: Django sees http`,
            fix: { file: location.directive.file, edits: [setProxyHeader(facts, location, 'X-Forwarded-Proto', '$scheme')] },
          },
        ];
      }),
    );
  },
};

const ACME = '/.well-known/acme-challenge/';

/** Where a request for the ACME path on this server ends: a server-level return runs first; a regex location beats a plain prefix one. */
function acmeBlocked(server: Server): string | undefined {
  const serverReturn = own(server.directive, 'return')[0] ?? own(server.directive, 'rewrite').find((d) => d.args.includes('permanent') || d.args.includes('redirect'));
  const acme = server.locations.find((l) => (l.modifier === '' || l.modifier === '^~') && ACME.startsWith(l.uri.endsWith('/') ? l.uri : `${l.uri}/`) && l.uri.startsWith('/.well-known'));
  if (!acme) return undefined;
  if (serverReturn) return `the server-level "${serverReturn.name} ${serverReturn.args.join(' ')}" (line ${serverReturn.line}) answers before any location, so "location ${acme.uri}" is never used`;
  if (acme.modifier === '^~') return undefined;
  const regex = server.locations.find(
    (l) => l.chain.length === server.chain.length + 1 && l.modifier.startsWith('~') && (own(l.directive, 'deny').length > 0 || own(l.directive, 'return').length > 0) && matches(l, ACME),
  );
  return regex ? `"location ${regex.modifier} ${regex.uri}" (line ${regex.directive.line}) is a regex, which nginx prefers to the prefix "location ${acme.uri}", so the token is refused` : undefined;
}

function matches(location: { uri: string; modifier: string }, path: string): boolean {
  try {
    return new RegExp(location.uri, location.modifier === '~*' ? 'i' : '').test(`${path}token`);
  } catch {
    return false;
  }
}

export const acmeChallengeBlocked: Rule = {
  id: 'acme-challenge-blocked',
  severity: 'high',
  title: 'ACME challenge path unreachable',
  why: "Let's Encrypt's HTTP-01 check fetches /.well-known/acme-challenge/<token> on port 80; when a redirect or a dotfile rule answers it first, certificate renewal fails and HTTPS breaks when the certificate expires.",
  check(facts: DoctorFacts) {
    return facts.servers.flatMap((server) => {
      const blocked = acmeBlocked(server);
      if (!blocked) return [];
      const acme = server.locations.find((l) => l.uri.startsWith('/.well-known'))!;
      const fix = acme.modifier === '' && !own(server.directive, 'return').length ? { file: acme.directive.file, edits: [rewrite(facts, acme.directive, ['^~', acme.uri])] } : undefined;
      return [{ file: acme.directive.file, line: acme.directive.line, message: `${blocked}`, fix }];
    });
  },
};
