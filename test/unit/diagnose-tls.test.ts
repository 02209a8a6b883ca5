import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckResult } from '../../lib/health/checks.js';
import { tlsCauses, type TlsEvidence } from '../../lib/health/diagnose-tls.js';
import { deployCheckIds } from '../../lib/health/tls-checks.js';

const certificateFailed = (served: NonNullable<CheckResult['certificates']>[number]): CheckResult => ({
  id: 'tls-certificate',
  name: CHECK_NAMES['tls-certificate'],
  ok: false,
  detail: '',
  certificates: [served],
});
const selfSigned = certificateFailed({ name: 'example.com', verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', daysLeft: 0, subjectAltNames: [] });
const acme = (...lines: string[]): TlsEvidence['acme'] => ({ service: 'acme', logs: lines.map((line) => `acme-1  | ${line}`).join('\n') });
const causes = (evidence: TlsEvidence) => tlsCauses(evidence).join('\n');

// lego 4.9's own words for each failure (as Let's Encrypt and pebble answer them).
describe('TLS diagnosis names the usual failures', () => {
  it.each<[string, TlsEvidence, RegExp]>([
    [
      'port 80 not reachable for the challenge',
      {
        checks: [selfSigned],
        acme: acme(
          '[example.com] acme: error: 400 :: urn:ietf:params:acme:error:connection :: 203.0.113.7: Fetching http://example.com/.well-known/acme-challenge/abc: Timeout during connect (likely firewall problem)',
        ),
      },
      /could not fetch the http-01 challenge from port 80[\s\S]*Timeout during connect/,
    ],
    [
      'DNS not pointing here',
      {
        checks: [selfSigned],
        acme: acme('[example.com] acme: error: 400 :: urn:ietf:params:acme:error:dns :: DNS problem: NXDOMAIN looking up A for example.com - check that a DNS record exists for this domain'),
      },
      /DNS for the server names does not point here[\s\S]*NXDOMAIN/,
    ],
    [
      'a rate limit',
      {
        checks: [selfSigned],
        acme: acme(
          'acme: error: 429 :: POST :: https://acme-v02.api.letsencrypt.org/acme/new-order :: urn:ietf:params:acme:error:rateLimited :: Error creating new order :: too many certificates already issued',
        ),
      },
      /rate limit[\s\S]*--acme-staging/,
    ],
    [
      'a certificate that does not cover the name',
      {
        checks: [
          certificateFailed({
            name: 'www.example.com',
            verifyError: "Hostname/IP does not match certificate's altnames: Host: www.example.com. is not in the cert's altnames: DNS:example.com",
            daysLeft: 80,
            subjectAltNames: ['example.com'],
          }),
        ],
      },
      /does not cover www\.example\.com \(it covers example\.com\): use a certificate whose subjectAltName lists every --server-names name/,
    ],
    [
      'expiry soon, with ACME',
      { checks: [certificateFailed({ name: 'example.com', daysLeft: 5, subjectAltNames: ['example.com'] })], acme: acme('2026/11/30 renew: error') },
      /expires in 5 days\. Renewal is not working[\s\S]*renew: error/,
    ],
    [
      'the throwaway certificate could not be made (no openssl in the app image)',
      {
        checks: [],
        tlsBootstrap: {
          service: 'tls-bootstrap',
          exitCode: 1,
          logs: "tls-bootstrap-1  | tls-bootstrap: no openssl command in the app image, so no throwaway certificate for nginx: install Debian's openssl package in the Dockerfile",
        },
      },
      /^tls-bootstrap failed \(exit 1\), so nginx never started: tls-bootstrap: no openssl command in the app image, so no throwaway certificate for nginx: install Debian's openssl package in the Dockerfile\n/,
    ],
    ['the throwaway certificate still served', { checks: [selfSigned], acme: acme('Could not obtain certificates: unexpected error') }, /still serves the throwaway self-signed certificate/],
  ])('%s', (_name, evidence, pattern) => {
    expect(causes(evidence)).toMatch(pattern);
  });

  it('says nothing when the TLS checks passed', () => {
    expect(tlsCauses({ checks: [{ ...selfSigned, ok: true }], acme: acme('DNS problem: NXDOMAIN'), tlsBootstrap: { service: 'tls-bootstrap', exitCode: 0, logs: '' } })).toEqual([]);
  });
});

describe('manage.py check --deploy output', () => {
  it('yields the ids of its warnings', () => {
    const output = [
      'System check identified some issues:',
      '',
      'WARNINGS:',
      '?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.',
      '?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to True.',
      '',
      'System check identified 2 issues (0 silenced).',
    ].join('\n');
    expect(deployCheckIds(output)).toEqual(['security.W004', 'security.W008']);
    expect(deployCheckIds('System check identified no issues (0 silenced).')).toEqual([]);
  });
});
