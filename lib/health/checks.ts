/**
 * The checks run against a started stack: the app through nginx, static files from nginx
 * (not gunicorn), media, the safety probes and the admin login round trip; with TLS on, these
 * go over HTTPS and the TLS checks (tls-checks.ts) run too. Each yields a pass/fail row (or a
 * skipped one, with the reason).
 */
import type { StackConfig } from '../config/stack-config.js';
import { SERVICES } from '../config/names.js';
import { adminLoginRoundTrip } from './admin-login.js';
import type { StackRuntime } from './runtime.js';
import { header, probe, type Endpoint } from '../probe/http-probe.js';
import { deployCheckVerdict, hostFor, httpsEndpoint, runTlsChecks, type TlsTarget } from './tls-checks.js';
import { leastPrivilege } from './least-privilege.js';
import { websocketEcho } from './websocket-check.js';

export { CHECK_NAMES, type CheckId, type CheckResult } from './check-result.js';
import { CHECK_NAMES, type CheckId, type CheckResult } from './check-result.js';

/** With tls, the probes go over HTTPS to the first server name, and the TLS checks run too. */
export async function runChecks(config: StackConfig, project: StackRuntime, tls?: TlsTarget): Promise<CheckResult[]> {
  const port: number | Endpoint = tls ? httpsEndpoint(tls) : config.http.port;
  const host = { Host: tls ? hostFor(tls.serverNames[0]!, tls.httpsPort, 443) : portHost(config) };
  const results: CheckResult[] = [];
  type Verdict = Omit<CheckResult, 'id' | 'name'>;
  const check = async (id: CheckId, body: () => Promise<Verdict>): Promise<CheckResult> => {
    const name = CHECK_NAMES[id];
    try {
      return { id, name, ...(await body()) };
    } catch (error) {
      return { id, name, ok: false, detail: (error as Error).message };
    }
  };
  const attempt = async (id: CheckId, body: () => Promise<Verdict>) => {
    results.push(await check(id, body));
  };

  // First: the certificate check waits for the first ACME certificate, which the others need.
  if (tls) await runTlsChecks(tls, attempt);

  // Two slow checks run alongside the others: the admin login round trip (its manage.py shell
  // starts Django, about a second; it writes only its own temporary user) and the dotfile probe
  // (two one-off containers, about a second each).
  const adminLogin = check('admin-login', async () =>
    config.loginCheck ? adminLoginRoundTrip(project, port, host.Host) : { ok: true, skipped: true, detail: 'needs django.contrib.admin and django.contrib.auth in INSTALLED_APPS' },
  );
  const dotfiles = check('dotfiles-hidden', async () => {
    if (!project.runWithStaticVolume) {
      return {
        ok: true,
        skipped: true,
        detail:
          "the static files are baked into an image here (read-only, no volume), so no dotfile can be placed to probe; the static rules are the compose stack's (one template), probed by its check",
      };
    }
    const name = '.health-check-dotfile';
    const write = await project.runWithStaticVolume(['sh', '-c', `echo secret > ${config.static.appDir}/${name}`]);
    const response = await probe(port, config.static.url + name, host);
    await project.runWithStaticVolume(['rm', '-f', `${config.static.appDir}/${name}`]);
    if (write.exitCode !== 0) return { ok: false, detail: `could not place a dotfile in the static volume to test with: ${write.output.trim().split('\n').at(-1)}` };
    return { ok: response.status === 404, detail: `${config.static.url}${name}: ${response.status}`, response };
  });

  await attempt('app-through-nginx', async () => {
    // startproject routes only /admin/: the home page is Django's 404, so the admin is tried too.
    let path = '/';
    let response = await probe(port, path, host);
    if (response.status === 404 && config.probeStaticFile) response = await probe(port, (path = '/admin/'), host);
    const fromNginxItself = /<center>nginx<\/center>/.test(response.body);
    const ok = header(response, 'server') === 'nginx' && response.status < 500 && response.status !== 400 && !fromNginxItself;
    return { ok, detail: `${path}: ${response.status} for Host ${host.Host}${ok ? ' (Django answered)' : ''}`, response, path };
  });

  if (config.server.websocketPaths.length) await attempt('websocket-echo', () => websocketEcho(config, port, host.Host));

  const manifest = await readManifest(config, project);
  const logical = config.probeStaticFile ?? Object.keys(manifest).find((name) => /\.(css|js)$/.test(name));
  const staticPath = logical ? config.static.url + (manifest[logical] ?? logical) : undefined;
  await attempt('static-file', async () => {
    if (!staticPath) return { ok: false, detail: 'no collected file to probe (staticfiles.json is empty or unreadable)' };
    const response = await probe(port, staticPath, { ...host, 'Accept-Encoding': 'gzip' });
    const type = header(response, 'content-type') ?? '';
    const cacheControl = response.headers.get('cache-control') ?? [];
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`status ${response.status}`);
    if (response.status === 200 && !/^(text\/css|application\/javascript|text\/javascript)/.test(type)) problems.push(`Content-Type ${type || 'missing'}`);
    if (new RegExp(config.hashedNamePattern).test(staticPath) && (cacheControl.length !== 1 || !cacheControl[0]!.includes('immutable'))) {
      problems.push(`Cache-Control ${JSON.stringify(cacheControl)} (want exactly one, immutable)`);
    }
    // Files under 1 KiB are sent plain on purpose (gzip_min_length).
    const small = Number(header(response, 'content-length') ?? Infinity) < 1024;
    if (response.status === 200 && header(response, 'content-encoding') !== 'gzip' && !small) problems.push('not gzip-encoded');
    return {
      ok: problems.length === 0,
      detail: `${staticPath}: ${problems.length ? problems.join(', ') : `200 ${type}, immutable, ${header(response, 'content-encoding') ?? 'plain (small)'}`}`,
      response,
    };
  });

  await attempt('static-not-gunicorn', async () => {
    if (!staticPath) return { ok: false, detail: 'no static file was probed' };
    const appLog = await project.logs(SERVICES.app, 500);
    const leaked = appLog.split('\n').some((line) => line.includes(staticPath));
    return { ok: !leaked, detail: leaked ? `gunicorn's access log shows ${staticPath}` : 'no static request reached gunicorn' };
  });

  if (config.media) {
    const media = config.media;
    await attempt('media-file', async () => {
      const name = `health-check-${Date.now()}.txt`;
      const write = await project.exec(SERVICES.app, ['sh', '-c', `echo media-ok > ${media.appDir}/${name}`]);
      if (write.exitCode !== 0) return { ok: false, detail: `could not write into the media volume: ${write.output.trim().split('\n').at(-1)}` };
      const response = await probe(port, media.url + name, host);
      await project.exec(SERVICES.app, ['rm', '-f', `${media.appDir}/${name}`]);
      const ok = response.status === 200 && response.body.trim() === 'media-ok';
      return { ok, detail: `${media.url}${name}: ${response.status}`, response };
    });
  }

  await attempt('no-traversal', async () => {
    const base = config.static.url.replace(/\/$/, '');
    const leaks: string[] = [];
    // With the off-by-slash alias, "/static../" is the folder above the static files: nginx answers
    // it itself, 403 (autoindex off) or a listing. Passed to Django, it is a 404.
    for (const path of [`${base}../`, `${base}..%2f`]) {
      const response = await probe(port, path, host);
      if (response.status === 200 || response.status === 403) leaks.push(`${path} -> ${response.status}`);
    }
    for (const path of [`${base}../manage.py`, `${config.static.url}../manage.py`]) {
      const response = await probe(port, path, host);
      if (response.status === 200 && /DJANGO_SETTINGS_MODULE|Index of/.test(response.body)) leaks.push(`${path} -> 200`);
    }
    return { ok: leaks.length === 0, detail: leaks.length ? `files outside the static folder are readable: ${leaks.join(', ')}` : 'traversal probes get no file content' };
  });

  results.push(await dotfiles);

  await attempt('gunicorn-not-published', async () => {
    const published = await project.publishedPorts(SERVICES.app);
    if (!published) return { ok: false, detail: `no ${SERVICES.app} container to inspect` };
    return { ok: published.length === 0, detail: published.length ? `published: ${published.join(', ')}` : 'only nginx has a host port' };
  });

  await attempt('least-privilege', () => leastPrivilege(config, project));

  // Printed last: a broken app fails it for reasons the rows above already name.
  const login = await adminLogin;
  results.push(login);
  if (tls) {
    await attempt('secure-cookies', async () => {
      const insecure = login.cookiesWithoutSecure;
      if (!insecure) return { ok: true, skipped: true, detail: 'judged from the admin login round trip, which did not complete' };
      return { ok: insecure.length === 0, detail: insecure.length ? `set without Secure over HTTPS: ${insecure.join(', ')}` : 'every cookie of the login round trip is Secure' };
    });
    await attempt('deploy-check', () => deployCheckVerdict(project, tls.hsts));
  }
  return results;
}

/** The Host header a browser would send: the name plus the port unless it is 80. */
export function portHost(config: StackConfig): string {
  return config.http.port === 80 ? config.http.probeHost : `${config.http.probeHost}:${config.http.port}`;
}

/** staticfiles.json's logical -> hashed names, read through the app (from the static volume, or in Swarm from its image). */
async function readManifest(config: StackConfig, project: StackRuntime): Promise<Record<string, string>> {
  const result = await project.exec(SERVICES.app, ['cat', `${config.static.appDir}/staticfiles.json`]);
  try {
    const start = result.output.indexOf('{');
    return (JSON.parse(result.output.slice(start)) as { paths?: Record<string, string> }).paths ?? {};
  } catch {
    return {};
  }
}
