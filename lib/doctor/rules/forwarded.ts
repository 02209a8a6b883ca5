import { stringItems } from '../django.js';
import type { Hit } from '../finding.js';
import { proxyHeaders, type Location } from '../../nginx/model.js';
import { type DoctorFacts, type Rule } from '../rule.js';
import { setProxyHeader } from './proxy-headers.js';
import { gunicornTrustsNginx, knownDjangoProxying } from './upstream.js';
import { clientSources } from './variables.js';

/** The header Django's SECURE_PROXY_SSL_HEADER trusts, as an HTTP header name (HTTP_X_FORWARDED_PROTO -> x-forwarded-proto). */
export function trustedSslHeader(facts: DoctorFacts): { header: string; file: string; line: number } | undefined {
  const setting = facts.django?.settings.get('SECURE_PROXY_SSL_HEADER');
  const [meta] = stringItems(setting?.value) ?? [];
  if (!setting || !meta?.startsWith('HTTP_')) return undefined;
  return { header: meta.slice(5).toLowerCase().replaceAll('_', '-'), file: setting.file, line: setting.line };
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
    });
  },
};

/** Headers gunicorn reads as the scheme from a trusted proxy (its secure_scheme_headers), besides X-Forwarded-Proto. */
const GUNICORN_SCHEME_HEADERS = ['X-Forwarded-Ssl', 'X-Forwarded-Protocol'];

export const forwardedPassthrough: Rule = {
  id: 'forwarded-passthrough',
  severity: 'medium',
  title: 'Forwarded / X-Forwarded-* passed through from the client',
  why: 'A forwarding header nginx does not set itself reaches gunicorn and Django as the client wrote it, so a client can choose the scheme, host or address the app believes.',
  check(facts) {
    return proxied(facts).flatMap((location) => {
      const headers = proxyHeaders(location, facts.nginx.directives);
      const copied = [...headers.values()].filter(
        (h) => h.directive.args[0]!.toLowerCase() !== 'x-forwarded-proto' && (h.value.includes('$http_x_forwarded') || h.value.includes('$http_forwarded')),
      );
      const hits: Hit[] = copied.map((h) => ({
        file: h.directive.file,
        line: h.directive.line,
        message: `${h.directive.args[0]} is set to ${h.value}, the client's own header`,
        fix: { file: h.directive.file, edits: [setProxyHeader(facts, location, h.directive.args[0]!, h.directive.args[0]!.toLowerCase() === 'x-forwarded-host' ? '$http_host' : h.directive.args[0]!.toLowerCase() === 'x-forwarded-for' ? '$remote_addr' : '""')] },
      }));
      const unset = GUNICORN_SCHEME_HEADERS.filter((name) => !headers.has(name.toLowerCase()));
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
