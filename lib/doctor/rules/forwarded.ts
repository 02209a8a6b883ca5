import { stringItems } from '../django.js';
import type { Hit } from '../finding.js';
import { proxyHeaders, type Location } from '../../nginx/model.js';
import { type DoctorFacts, type Rule } from '../rule.js';
import { setProxyHeader } from './proxy-headers.js';
import { gunicornTrustsNginx, knownDjangoProxying } from './upstream.js';
import { clientSources } from './variables.js';

/**
 * The header Django's SECURE_PROXY_SSL_HEADER trusts, as an HTTP header name
 * (HTTP_X_FORWARDED_PROTO -> x-forwarded-proto), the value it takes as HTTPS, and the nginx
 * variable that sends exactly that over HTTPS: $scheme for "https", $https for "on"
 * (X-Forwarded-Ssl, as Heroku-style proxies and gunicorn use it). Every rule that sets this
 * header sets it to that variable, so no two suggestions undo each other.
 */
export function trustedSslHeader(facts: DoctorFacts): { header: string; name: string; value: string; nginxValue?: string; file: string; line: number } | undefined {
  const setting = facts.django?.settings.get('SECURE_PROXY_SSL_HEADER');
  const [meta, value = ''] = stringItems(setting?.value) ?? [];
  if (!setting || !meta?.startsWith('HTTP_')) return undefined;
  const header = meta.slice(5).toLowerCase().replaceAll('_', '-');
  const name = header.replace(/(^|-)([a-z])/g, (_, dash: string, ch: string) => dash + ch.toUpperCase());
  const nginxValue = value.toLowerCase() === 'https' ? '$scheme' : value.toLowerCase() === 'on' ? '$https' : undefined;
  return { header, name, value, nginxValue, file: setting.file, line: setting.line };
}

/** Locations proxying to Django (not to a frontend, MinIO or flower beside it). */
const proxied = (facts: DoctorFacts): Location[] => facts.servers.flatMap((server) => knownDjangoProxying(facts, server));

export const forwardedProto: Rule = {
  id: 'forwarded-proto-from-client',
  severity: 'high',
  title: 'X-Forwarded-Proto comes from the client',
  why: 'Django trusts X-Forwarded-Proto to decide a request is HTTPS; when nginx passes on what the client sent, anyone can claim HTTPS and get secure-only cookies and redirects wrong.',
  check(facts) {
    const trusted = trustedSslHeader(facts);
    return proxied(facts).flatMap((location) => {
      const other = trusted && trusted.header !== 'x-forwarded-proto' ? trustedCopied(facts, location, trusted) : undefined;
      return [...(other ? [other] : []), ...protoFromClient(facts, location, trusted)];
    });
  },
};

/** X-Forwarded-Proto copied from the client, or left unset while Django trusts it. */
function protoFromClient(facts: DoctorFacts, location: Location, trusted: ReturnType<typeof trustedSslHeader>): Hit[] {
  const proto = proxyHeaders(location, facts.nginx.directives).get('x-forwarded-proto');
  const fix = { file: location.directive.file, edits: [setProxyHeader(facts, location, 'X-Forwarded-Proto', '$scheme')] };
  // Directly, or through a map or set ("map $http_x_forwarded_proto $proto { default $http_x_forwarded_proto; ... }").
  const copied = proto && clientSources(facts, { directive: proto.directive, chain: location.chain }, proto.value).find((s) => s.name === '$http_x_forwarded_proto');
  if (proto && copied) {
    const via = proto.value.includes('$http_x_forwarded_proto') ? '' : ` (through ${proto.value}, which can be ${copied.name})`;
    return [{ file: proto.directive.file, line: proto.directive.line, message: `X-Forwarded-Proto is set to ${proto.value}, the client's own header${via}`, fix }];
  }
  if (!proto && trusted?.header === 'x-forwarded-proto') {
    return [
      {
        file: location.directive.file,
        line: location.directive.line,
        message: `"location ${location.uri}" does not set X-Forwarded-Proto, so the client's passes through, and SECURE_PROXY_SSL_HEADER (${trusted.file}:${trusted.line}) trusts it`,
        fix,
      },
    ];
  }
  return [];
}

/** The header Django trusts (other than X-Forwarded-Proto) copied from the client's own. */
function trustedCopied(facts: DoctorFacts, location: Location, trusted: NonNullable<ReturnType<typeof trustedSslHeader>>): Hit | undefined {
  const set = proxyHeaders(location, facts.nginx.directives).get(trusted.header);
  const variable = `$http_${trusted.header.replaceAll('-', '_')}`;
  const copied = set && clientSources(facts, { directive: set.directive, chain: location.chain }, set.value).find((s) => s.name === variable);
  if (!set || !copied) return undefined;
  const via = set.value.includes(variable) ? '' : ` (through ${set.value}, which can be ${copied.name})`;
  return {
    file: set.directive.file,
    line: set.directive.line,
    message: `${set.directive.args[0]} is set to ${set.value}, the client's own header${via}, and SECURE_PROXY_SSL_HEADER (${trusted.file}:${trusted.line}) trusts it as HTTPS`,
    fix: trusted.nginxValue ? { file: set.directive.file, edits: [setProxyHeader(facts, location, set.directive.args[0]!, trusted.nginxValue)] } : undefined,
  };
}

/** Headers gunicorn reads as the scheme from a trusted proxy (its secure_scheme_headers), besides X-Forwarded-Proto. */
const GUNICORN_SCHEME_HEADERS = ['X-Forwarded-Ssl', 'X-Forwarded-Protocol'];

export const forwardedPassthrough: Rule = {
  id: 'forwarded-passthrough',
  severity: 'medium',
  title: 'Forwarded / X-Forwarded-* passed through from the client',
  why: 'A forwarding header nginx does not set itself reaches gunicorn and Django as the client wrote it, so a client can choose the scheme, host or address the app believes.',
  check(facts) {
    // The header Django trusts is forwarded-proto-from-client's and django-proxy-settings' (set to
    // what Django takes as HTTPS); clearing it here would undo their fix.
    const trusted = trustedSslHeader(facts)?.header;
    const judged = (name: string) => name.toLowerCase() !== 'x-forwarded-proto' && name.toLowerCase() !== trusted;
    return proxied(facts).flatMap((location) => {
      const headers = proxyHeaders(location, facts.nginx.directives);
      const copied = [...headers.values()].filter((h) => judged(h.directive.args[0]!) && (h.value.includes('$http_x_forwarded') || h.value.includes('$http_forwarded')));
      const hits: Hit[] = copied.map((h) => ({
        file: h.directive.file,
        line: h.directive.line,
        message: `${h.directive.args[0]} is set to ${h.value}, the client's own header`,
        fix: {
          file: h.directive.file,
          edits: [
            setProxyHeader(
              facts,
              location,
              h.directive.args[0]!,
              h.directive.args[0]!.toLowerCase() === 'x-forwarded-host' ? '$http_host' : h.directive.args[0]!.toLowerCase() === 'x-forwarded-for' ? '$remote_addr' : '""',
            ),
          ],
        },
      }));
      const unset = GUNICORN_SCHEME_HEADERS.filter((name) => judged(name) && !headers.has(name.toLowerCase()));
      if (unset.length > 0 && gunicornTrustsNginx(facts, location)) {
        const edits = [setProxyHeader(facts, location, unset[0]!, '""')];
        if (unset[1]) edits[0]!.insert.push(edits[0]!.insert[0]!.replace(unset[0]!, unset[1]));
        hits.push({
          severity: 'low',
          file: location.directive.file,
          line: location.directive.line,
          message: `"location ${location.uri}" passes the client's ${unset.join(' and ')} to gunicorn, which reads them as the scheme when it trusts nginx's address`,
          fix: { file: location.directive.file, edits },
        });
      }
      return hits;
    });
  },
};
