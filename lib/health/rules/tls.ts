/** The TLS rules (--tls acme|files): their probes are in tls-checks.ts. */
import type { HealthRule } from '../rule.js';
import { certificateVerdict, challengePathVerdict, deployCheckVerdict, hstsVerdict, oldVersionsVerdict, redirectVerdict } from '../tls-checks.js';

const withTls = (context: { tls?: unknown }) => context.tls !== undefined;

/** First: it waits for the first ACME certificate, which the others need. */
export const tlsCertificate: HealthRule = { id: 'tls-certificate', needs: withTls, gate: true, check: ({ tls }) => certificateVerdict(tls!) };
export const tlsOldVersionsRefused: HealthRule = { id: 'tls-old-versions-refused', needs: withTls, gate: true, check: ({ tls }) => oldVersionsVerdict(tls!) };
export const httpsRedirect: HealthRule = { id: 'https-redirect', needs: withTls, gate: true, check: ({ tls }) => redirectVerdict(tls!) };
export const acmeChallengeOverHttp: HealthRule = { id: 'acme-challenge-over-http', needs: withTls, gate: true, check: ({ tls }) => challengePathVerdict(tls!) };
export const hsts: HealthRule = { id: 'hsts', needs: withTls, gate: true, check: ({ tls }) => hstsVerdict(tls!) };

export const secureCookies: HealthRule = {
  id: 'secure-cookies',
  needs: withTls,
  async check({ result }) {
    const insecure = (await result('admin-login')).cookiesWithoutSecure;
    if (!insecure) return { ok: true, skipped: true, detail: 'judged from the admin login round trip, which did not complete' };
    return { ok: insecure.length === 0, detail: insecure.length ? `set without Secure over HTTPS: ${insecure.join(', ')}` : 'every cookie of the login round trip is Secure' };
  },
};

export const deployCheck: HealthRule = { id: 'deploy-check', needs: withTls, check: ({ stack, tls }) => deployCheckVerdict(stack, tls!.hsts) };
