/**
 * The admin login round trip, as a browser does it through nginx: a temporary superuser
 * (created by one `manage.py shell` in the app container, password through stdin), GET the
 * login page, POST the form with its CSRF token, Origin and Referer, open the admin index, log
 * out, and the same shell deletes the user whatever happened. It proves migrations ran, sessions and CSRF work behind the proxy, and
 * the database is writable.
 */
import { randomBytes } from 'node:crypto';
import { SERVICES } from '../config/names.js';
import type { StackRuntime } from './runtime.js';
import { inputValue } from './html-form.js';
import { CookieJar, header, send, type Endpoint, type ProbeResponse } from '../probe/http-probe.js';

export interface LoginVerdict {
  ok: boolean;
  /** The round trip could not apply to this stack (the reason is in detail); not a failure. */
  skipped?: boolean;
  detail: string;
  response?: ProbeResponse;
  /** On a 403 from the login form: the Origin sent, and what the running Django trusts. */
  csrf?: { origin: string; trustedOrigins: string[] };
  /** Over HTTPS: the cookies Django set without the Secure attribute during the round trip. */
  cookiesWithoutSecure?: string[];
}

/** What the running Django says about its admin and cookies (printed by loginUserScript). */
export interface AdminFacts {
  login: string;
  index: string;
  logout: string;
  trustedOrigins: string[];
  csrfCookie: string;
  sessionCookie: string;
  csrfUseSessions: boolean;
}

const MARKER = 'django-static-login-check:';
const DELETED = 'django-static-login-check-deleted';

/**
 * One `manage.py shell` for the whole round trip (Django starts once): creates the user with
 * the password on stdin's first line, prints the admin URLs and cookie settings, waits for the
 * next line, then deletes the user in a finally. EOF ends the wait too, so the user is deleted
 * when the caller is gone as well.
 */
export function loginUserScript(username: string): string {
  const name = JSON.stringify(username);
  return [
    'import json, sys',
    'from django.conf import settings',
    'from django.contrib.auth import get_user_model',
    'from django.urls import NoReverseMatch, reverse',
    'try:',
    '    urls = {name: reverse("admin:" + name) for name in ("login", "index", "logout")}',
    'except NoReverseMatch:',
    `    print(${JSON.stringify(MARKER)} + json.dumps({"unrouted": True}), flush=True)`,
    '    sys.exit(0)',
    'User = get_user_model()',
    `user = User(**{User.USERNAME_FIELD: ${name}})`,
    'user.set_password(sys.stdin.readline().rstrip("\\n"))',
    'user.is_staff = user.is_superuser = user.is_active = True',
    'try:',
    '    user.save()',
    `    print(${JSON.stringify(MARKER)} + json.dumps(dict(urls, trustedOrigins=list(settings.CSRF_TRUSTED_ORIGINS), csrfCookie=settings.CSRF_COOKIE_NAME, sessionCookie=settings.SESSION_COOKIE_NAME, csrfUseSessions=settings.CSRF_USE_SESSIONS)), flush=True)`,
    '    sys.stdin.readline()',
    'finally:',
    `    User._default_manager.filter(**{User.USERNAME_FIELD: ${name}}).delete()`,
    `    print(${JSON.stringify(DELETED)}, flush=True)`,
  ].join('\n');
}

/** The script's answer among whatever else the shell printed (warnings, banners). */
export function parseSetupOutput(output: string): AdminFacts | { unrouted: true } | undefined {
  const line = output.split('\n').find((l) => l.startsWith(MARKER));
  return line ? (JSON.parse(line.slice(MARKER.length)) as AdminFacts | { unrouted: true }) : undefined;
}

/** Whether the script reported the temporary user deleted. */
export const userDeleted = (output: string): boolean => output.split('\n').some((line) => line.trim() === DELETED);

/** application/x-www-form-urlencoded, as a browser encodes a submitted form. */
export const formBody = (fields: Record<string, string>): string => new URLSearchParams(fields).toString();

/** A redirect's target as a path on this site, or undefined when it leaves it (another scheme or host). */
export function sameSitePath(location: string | undefined, origin: string): string | undefined {
  if (!location) return undefined;
  const target = new URL(location, `${origin}/`);
  return target.origin === new URL(origin).origin ? target.pathname + target.search : undefined;
}

const isRedirect = (status: number) => status >= 300 && status < 400;

/**
 * `answerWithinMs` bounds each request: the login POST hashes the password (PBKDF2, about a second
 * of CPU), which on a loaded host takes longer than a probe's usual 10 s while the app is healthy;
 * a request the stack's own timeouts still allow is not a failure.
 */
export async function adminLoginRoundTrip(project: StackRuntime, port: number | Endpoint, host: string, answerWithinMs: number): Promise<LoginVerdict> {
  const username = `healthcheck-${randomBytes(6).toString('hex')}@example.invalid`;
  const password = randomBytes(24).toString('base64url');
  const shell = await project.startExec(SERVICES.app, ['python', 'manage.py', 'shell', '-c', loginUserScript(username)], { timeoutMs: 120_000 });
  shell.write(`${password}\n`);
  const line = await shell.waitForLine((l) => l.startsWith(MARKER));
  const facts = line === undefined ? undefined : parseSetupOutput(line);
  const verdict =
    facts && !('unrouted' in facts)
      ? await logInAndOut(port, host, facts, username, password, answerWithinMs).catch((error: Error): LoginVerdict => ({ ok: false, detail: error.message }))
      : undefined;
  // Closing stdin ends the script's wait: it deletes the user and says so.
  const end = await shell.end();
  const last = end.timedOut ? 'timed out' : (end.output.trim().split('\n').at(-1) ?? '');
  if (!facts) return { ok: false, detail: `could not create a temporary superuser: ${last}` };
  if (!verdict) return { ok: true, skipped: true, detail: 'django.contrib.admin is installed, but its URLs are not in the URLconf (no admin:login)' };
  if (userDeleted(end.output)) return verdict;
  return { ...verdict, ok: false, detail: `${verdict.detail}; the temporary superuser ${username} was not deleted (${last}): delete it with manage.py shell` };
}

async function logInAndOut(port: number | Endpoint, host: string, facts: AdminFacts, username: string, password: string, timeoutMs: number): Promise<LoginVerdict> {
  const secure = typeof port !== 'number' && port.tls !== undefined;
  const origin = `${secure ? 'https' : 'http'}://${host}`;
  const jar = new CookieJar(secure);
  const request = async (method: 'GET' | 'POST', path: string, fields?: Record<string, string>, referer?: string) => {
    const headers: Record<string, string> = { Host: host, ...jar.header() };
    if (fields) Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: origin, Referer: referer ?? `${origin}${path}` });
    const response = await send(port, { method, path, headers, body: fields && formBody(fields), timeoutMs });
    jar.store(response);
    return response;
  };
  const steps: string[] = [];
  const fail = (detail: string, response?: ProbeResponse): LoginVerdict => ({ ok: false, detail: [...steps, detail].join(' → '), response });

  const loginPath = `${facts.login}?next=${encodeURIComponent(facts.index)}`;
  const page = await request('GET', loginPath);
  if (isRedirect(page.status) && header(page, 'location')?.startsWith('https:')) {
    return { ok: true, skipped: true, detail: `${facts.login} redirects to HTTPS (SECURE_SSL_REDIRECT), and this stack serves plain HTTP` };
  }
  if (page.status !== 200) return fail(`GET ${loginPath}: ${page.status}`, page);
  steps.push(`GET ${facts.login} 200`);
  const token = inputValue(page.body, 'csrfmiddlewaretoken');
  if (!token) return fail('the login page has no csrfmiddlewaretoken field', page);
  if (!facts.csrfUseSessions && !jar.get(facts.csrfCookie)) {
    return fail(
      jar.refusedSecure.has(facts.csrfCookie)
        ? `the ${facts.csrfCookie} cookie is Secure (CSRF_COOKIE_SECURE) and this stack serves plain HTTP: a browser drops it, so every form fails with 403`
        : `no ${facts.csrfCookie} cookie was set`,
      page,
    );
  }

  const login = await request('POST', loginPath, { csrfmiddlewaretoken: token, username, password, next: facts.index });
  if (login.status === 403) {
    return { ...fail(`POST ${facts.login}: 403${login.body.includes('CSRF') ? ' (CSRF verification failed)' : ''}`, login), csrf: { origin, trustedOrigins: facts.trustedOrigins } };
  }
  if (login.status === 200) return fail(`POST ${facts.login}: 200, the form came back: Django refused the temporary user's credentials`, login);
  const next = sameSitePath(header(login, 'location'), origin);
  if (!isRedirect(login.status) || !next) return fail(`POST ${facts.login}: ${login.status}${header(login, 'location') ? ` to ${header(login, 'location')}` : ''}`, login);
  if (jar.refusedSecure.has(facts.sessionCookie)) {
    return fail(`the ${facts.sessionCookie} cookie is Secure (SESSION_COOKIE_SECURE) and this stack serves plain HTTP: a browser drops it, so no login sticks`, login);
  }
  steps.push(`POST ${login.status}`);

  const index = await request('GET', next);
  if (index.status !== 200) return fail(`GET ${next}: ${index.status} (the session did not hold)`, index);
  steps.push(`GET ${next} 200`);

  // Since Django 4.1 the admin page carries a logout form with a token; before, the cookie is the token.
  const logoutToken = inputValue(index.body, 'csrfmiddlewaretoken') ?? jar.get(facts.csrfCookie) ?? token;
  const logout = await request('POST', facts.logout, { csrfmiddlewaretoken: logoutToken }, `${origin}${next}`);
  if (logout.status !== 200 && !isRedirect(logout.status)) return fail(`POST ${facts.logout}: ${logout.status}`, logout);
  const after = await request('GET', facts.index);
  if (!isRedirect(after.status)) return fail(`logged out, yet GET ${facts.index}: ${after.status}`, after);
  steps.push(`logout ${logout.status}`, `GET ${facts.index} ${after.status}`);
  return { ok: true, detail: steps.join(' → '), ...(secure ? { cookiesWithoutSecure: [...jar.notSecure] } : {}) };
}
