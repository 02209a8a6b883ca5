/**
 * The usual HTTPS failures in plain words: the ACME server could not reach port 80, DNS does
 * not point here, a rate limit, a certificate that does not cover a name, one about to expire.
 * Pure: the evidence (the ACME client's logs, the check results) is passed in.
 */
import type { CheckResult } from './check-result.js';
import { EXPIRY_SOON_DAYS } from './tls-checks.js';
import { lastLines } from './log-lines.js';

export interface TlsEvidence {
  checks: CheckResult[];
  /** The ACME client's logs (--tls acme), and the service they come from. */
  acme?: { service: string; logs: string };
  /** The tls-bootstrap one-shot (--tls acme), once it has exited. */
  tlsBootstrap?: { service: string; exitCode: number; logs: string };
}

/** lego's (and the ACME servers') words for each failure of an http-01 issuance. */
const ACME_FAILURES = {
  rateLimit: /rateLimited|too many (certificates|failed authorizations|new orders|registrations)/i,
  dns: /NXDOMAIN|DNS problem|no valid (A|AAAA) records|no such host|server misbehaving|could not resolve/i,
  port80:
    /Timeout during connect|Connection refused|connection reset by peer|i\/o timeout|Fetching http:\/\/[^\s]+\/\.well-known\/acme-challenge\/[^\s]*: (Timeout|Connection|Error)|no route to host/i,
  unauthorized: /urn:ietf:params:acme:error:unauthorized|Invalid response from/i,
} as const;

export function tlsCauses(evidence: TlsEvidence): string[] {
  const causes: string[] = [];
  const failed = (id: CheckResult['id']) => evidence.checks.find((c) => c.id === id && !c.ok && !c.skipped);
  const certificate = failed('tls-certificate');
  const acme = evidence.acme;
  const quoted = acme ? `Last lines of \`docker compose logs ${acme.service}\`:\n${lastLines(acme.logs, 6)}` : '';

  const bootstrap = evidence.tlsBootstrap;
  if (bootstrap && bootstrap.exitCode !== 0) {
    // Its last line on the first line: the run's one-line summary quotes only that.
    causes.push(
      `${bootstrap.service} failed (exit ${bootstrap.exitCode}), so nginx never started: ${lastLines(bootstrap.logs, 1).trim() || 'no log'}\n` +
        `    This one-shot makes the throwaway certificate nginx serves until the ACME client has the real one. Last lines of its log:\n${lastLines(bootstrap.logs, 6)}`,
    );
  }
  if (certificate && acme) {
    if (ACME_FAILURES.rateLimit.test(acme.logs)) {
      causes.push(`The ACME CA refused with a rate limit. Let's Encrypt allows 5 certificates per exact set of names a week: try again later, and use --acme-staging while experimenting. ${quoted}`);
    } else if (ACME_FAILURES.dns.test(acme.logs)) {
      causes.push(
        `DNS for the server names does not point here: the ACME CA could not resolve them to this machine. Create A/AAAA records for each name with this server's public address, wait for them to propagate, then run the check again. ${quoted}`,
      );
    } else if (ACME_FAILURES.port80.test(acme.logs) || ACME_FAILURES.unauthorized.test(acme.logs)) {
      causes.push(
        `The ACME CA could not fetch the http-01 challenge from port 80: it must reach nginx on port 80 at each server name (published as --port 80, open in the firewall, no other proxy in front answering /.well-known/acme-challenge/). ${quoted}`,
      );
    }
  }
  for (const served of certificate?.certificates ?? []) {
    if (served.verifyError && /does not match|altname/i.test(served.verifyError)) {
      causes.push(
        `The certificate served does not cover ${served.name} (it covers ${served.subjectAltNames?.join(', ') || 'no DNS name'}): ${acme ? 'the ACME client has not obtained one for every --server-names name yet' : 'use a certificate whose subjectAltName lists every --server-names name'}.`,
      );
    } else if (served.verifyError && acme && causes.length === 0) {
      causes.push(
        `nginx still serves the throwaway self-signed certificate for ${served.name}, or one the check does not trust (${served.verifyError}): the ACME client has not installed a certificate from the CA. ${quoted}`,
      );
    } else if (served.verifyError && !acme) {
      causes.push(`The certificate for ${served.name} does not verify (${served.verifyError}): give --tls-cert the full chain (leaf first, then the intermediates).`);
    } else if (served.daysLeft !== undefined && served.daysLeft < EXPIRY_SOON_DAYS) {
      causes.push(
        `The certificate for ${served.name} expires in ${served.daysLeft} days. ` +
          (acme
            ? `Renewal is not working (it renews with a third of the lifetime left). ${quoted}`
            : 'Replace the files given to --tls-cert/--tls-key with a renewed certificate, then re-run the generator.'),
      );
    }
  }
  if (failed('https-redirect')) {
    causes.push('Plain HTTP does not redirect to HTTPS with the same path and query: the port-80 server in nginx/default.conf must `return 301 https://$host<:port>$request_uri;`.');
  }
  if (failed('acme-challenge-over-http')) {
    causes.push('nginx does not serve /.well-known/acme-challenge/ over plain HTTP from the webroot volume (it must come before the redirect, as `location ^~`): no http-01 challenge can pass.');
  }
  if (failed('tls-old-versions-refused')) causes.push('nginx accepts TLS 1.0/1.1: `ssl_protocols TLSv1.2 TLSv1.3;` in nginx/default.conf.');
  return causes;
}
