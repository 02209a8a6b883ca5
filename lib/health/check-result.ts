/** A check's id, name and verdict: shared by the checks, the TLS checks and the diagnosis, below all of them. */
import type { ProbeResponse } from '../probe/http-probe.js';

/** Each check's stable id (diagnosis keys on these) and the name the table prints. */
export const CHECK_NAMES = {
  'app-through-nginx': 'app through nginx',
  'static-file': 'static file from nginx',
  'static-not-gunicorn': 'static not served by gunicorn',
  'media-file': 'media file from nginx',
  'no-traversal': 'no path traversal',
  'dotfiles-hidden': 'dotfiles hidden',
  'gunicorn-not-published': 'gunicorn not published',
  'least-privilege': 'least privilege',
  'admin-login': 'admin login through nginx',
  'tls-certificate': 'certificate verifies for each name',
  'tls-old-versions-refused': 'TLS 1.0 and 1.1 refused',
  'https-redirect': 'HTTP redirects to HTTPS',
  'acme-challenge-over-http': 'ACME challenge path over HTTP',
  hsts: 'HSTS as configured',
  'secure-cookies': 'cookies marked Secure',
  'deploy-check': 'manage.py check --deploy',
  'task-round-trip': 'task round trip through the broker',
  'websocket-echo': 'websocket echo through nginx',
} as const;

export type CheckId = keyof typeof CHECK_NAMES;

export interface CheckResult {
  id: CheckId;
  name: string;
  ok: boolean;
  detail: string;
  /** The path probed, where it matters (the page the run then points the user to). */
  path?: string;
  /** The response behind the verdict, for the diagnosis. */
  response?: ProbeResponse;
  /** Not applicable to this stack (detail says why): printed as SKIP, not a failure. */
  skipped?: boolean;
  /** A 403 from a form post: the Origin sent, and the origins the running Django trusts. */
  csrf?: { origin: string; trustedOrigins: string[] };
  /** tls-certificate: what each server name was served, for the diagnosis. */
  certificates?: { name: string; verifyError?: string; daysLeft?: number; subjectAltNames?: string[] }[];
  /** admin-login over HTTPS: the cookies set without Secure (for secure-cookies). */
  cookiesWithoutSecure?: string[];
  /** deploy-check: the warnings left to the project, as Django printed them. */
  deployWarnings?: string[];
}

/** A rule's verdict: the result without its id and name, which the runner adds. */
export type Verdict = Omit<CheckResult, 'id' | 'name'>;
