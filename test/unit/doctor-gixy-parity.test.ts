/**
 * The two gixy positives doctor used to miss on gixy's own test configs, judged with Django in
 * mind (docs/doctor.md, "doctor and gixy"):
 * - `proxy_set_header Host $http_host` with ALLOWED_HOSTS doctor cannot read: hardening (low),
 *   saying what is unknown; quiet with a strict ALLOWED_HOSTS, a defect with "*", and never
 *   raised by host-header-port's own `$http_host` fix on a non-default port;
 * - an Origin/Referer regex accepting "http://" on a server that serves HTTPS: hardening (low).
 * Every site here passes the real nginx -t, and each fix goes through patch -p1 and nginx -t.
 * doctor reads site.conf as written (ports 80/443 matter to it); nginx -t loads a copy whose
 * ports 80/443 are moved to loopback high ports, which nginx -t binds without root.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';
import { leafCertificate, testCa } from '../fixtures/tls.js';

const SETTINGS = handMadeSettings('staticfiles');
const FROM_ENV = `import os\n${SETTINGS.replace('ALLOWED_HOSTS = ["example.com"]', 'ALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")')}`;
const STAR = SETTINGS.replace('ALLOWED_HOSTS = ["example.com"]', 'ALLOWED_HOSTS = ["*"]');

/** One server proxying to Django; {LISTEN} and {BODY} filled in per case. */
const proxySite = (listen: string, host: string, top = '') =>
  `${top}server {\n    listen ${listen};\n    server_name example.com;\n    server_tokens off;\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header ${host};\n        proxy_set_header X-Forwarded-Proto $scheme;\n        proxy_set_header X-Forwarded-Ssl "";\n        proxy_set_header X-Forwarded-Protocol "";\n    }\n}\n`;

/** A folder nginx -t can load: site.conf inside a private main file; settings null: nginx alone, no Django project. */
function project(site: string, settings: string | null = SETTINGS): string {
  const root = settings === null ? fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-gixy-')) : handMadeProject(settings);
  fs.writeFileSync(path.join(root, 'site.conf'), site.replaceAll('{ROOT}', root));
  fs.writeFileSync(path.join(root, 'nginx.conf'), privateMain('include checked.conf;'));
  fs.mkdirSync(path.join(root, 'logs'));
  const checked = nginxT(root);
  expect(checked.status, checked.stderr).toBe(0);
  return root;
}
const HIGH_PORTS: Record<string, string> = { '80': '127.0.0.1:19779', '443': '127.0.0.1:19780' };
function nginxT(root: string) {
  const site = fs.readFileSync(path.join(root, 'site.conf'), 'utf8');
  fs.writeFileSync(
    path.join(root, 'checked.conf'),
    site.replace(/listen (80|443)\b/g, (_, port: string) => `listen ${HIGH_PORTS[port]}`),
  );
  return spawnSync(NGINX, ['-t', '-q', ...privateArgs(root)], { encoding: 'utf8' });
}
const findingsOf = (root: string, id: string) => diagnose(gatherFacts({ root, nginx: 'site.conf' })).filter((f) => f.rule === id);

/** Applies a finding's diff with patch -p1; nginx -t must accept the result. */
function applyFix(root: string, finding: Finding): void {
  expect(finding.diff, finding.message).toBeDefined();
  fs.writeFileSync(path.join(root, 'fix.diff'), finding.diff!);
  const patch = spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: root, encoding: 'utf8' });
  expect(patch.status, `${finding.diff}\n${patch.stdout}${patch.stderr}`).toBe(0);
  const checked = nginxT(root);
  expect(checked.status, `${finding.diff}\n${checked.stderr}`).toBe(0);
}

describe('host-spoofing: Host $http_host against what doctor knows of ALLOWED_HOSTS', () => {
  const site = proxySite('80', 'Host $http_host');

  it('no Django settings: low (hardening), saying what is unknown and what makes it safe; --fail-on medium passes; the $host fix applies and nginx -t accepts it', async () => {
    const root = project(site, null);
    const [hit, ...more] = findingsOf(root, 'host-spoofing');
    expect(more).toEqual([]);
    expect([hit?.severity, hit?.line]).toEqual(['low', 7]);
    expect(hit!.message).toContain('doctor found no Django settings');
    expect(hit!.message).toContain('safe when ALLOWED_HOSTS lists your host names without "*"');
    const outcome = await runDoctor({ root, nginx: 'site.conf', failOn: 'medium' });
    expect([outcome.exitCode, outcome.output]).toEqual([0, expect.stringContaining('host-spoofing')]);
    applyFix(root, hit!);
    expect(fs.readFileSync(path.join(root, 'site.conf'), 'utf8')).toContain('proxy_set_header Host $host;');
    expect(findingsOf(root, 'host-spoofing')).toEqual([]);
  });

  it('ALLOWED_HOSTS read from the environment: low, naming the setting; gixy\'s "HoSt" spelling too', () => {
    const [hit] = findingsOf(project(site, FROM_ENV), 'host-spoofing');
    expect([hit?.severity, hit?.message]).toEqual(['low', expect.stringContaining('ALLOWED_HOSTS (mysite/settings.py:5) is computed when Django starts')]);
    expect(findingsOf(project(site.replace('Host $http_host', 'HoSt $http_host'), null), 'host-spoofing').map((f) => f.severity)).toEqual(['low']);
  });

  it('quiet with a strict ALLOWED_HOSTS; a medium defect with "*"', () => {
    expect(findingsOf(project(site), 'host-spoofing')).toEqual([]);
    expect(findingsOf(project(site, STAR), 'host-spoofing').map((f) => f.severity)).toEqual(['medium']);
  });

  it('quiet when nginx refuses other names first (a catch-all default_server returning 444)', () => {
    const gated = proxySite('80', 'Host $http_host', 'server {\n    listen 80 default_server;\n    server_name _;\n    return 444;\n}\n');
    expect(findingsOf(project(gated, null), 'host-spoofing')).toEqual([]);
  });

  it("host-header-port's fix on a non-default port ($host -> $http_host) does not raise it, settings unread", () => {
    const root = project(proxySite('127.0.0.1:19773', 'Host $host'), null);
    const [port] = findingsOf(root, 'host-header-port');
    expect(port?.diff).toContain('+        proxy_set_header Host $http_host;');
    applyFix(root, port!);
    expect([findingsOf(root, 'host-header-port'), findingsOf(root, 'host-spoofing')]).toEqual([[], []]);
  });
});

describe('origin-regex: an Origin/Referer check accepting "http://" on an HTTPS server', () => {
  const certs = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-gixy-tls-'));
  const leaf = leafCertificate(testCa().dir, certs, 'site', ['example.com']);
  const check = (listen: string, regex: string, variable = '$http_origin') =>
    `server {\n    listen ${listen};\n    server_name example.com;\n    server_tokens off;\n    ssl_certificate ${leaf.cert};\n    ssl_certificate_key ${leaf.key};\n    location / {\n        if (${variable} !~ '${regex}') { return 403; }\n        return 204;\n    }\n}\n`;

  it('low (hardening) on a server listening ssl, for Origin and Referer; the fix keeps https:// only, applies and passes nginx -t', () => {
    const root = project(check('443 ssl', '^https?://example\\.com(/|$)'), null);
    const [hit, ...more] = findingsOf(root, 'origin-regex');
    expect(more).toEqual([]);
    expect([hit?.severity, hit?.line, hit?.message]).toEqual(['low', 8, expect.stringContaining('accepts an "http://" Origin while this server serves HTTPS')]);
    applyFix(root, hit!);
    expect(fs.readFileSync(path.join(root, 'site.conf'), 'utf8')).toContain("'^https://example\\.com(/|$)'");
    expect(findingsOf(root, 'origin-regex')).toEqual([]);
    const referer = findingsOf(project(check('127.0.0.1:19775 ssl', '^https?://example\\.com/', '$http_referer'), null), 'origin-regex');
    expect(referer.map((f) => [f.severity, f.message.includes('"http://" Referer')])).toEqual([['low', true]]);
  });

  it('quiet on a plain-HTTP server (its own pages send http://), and with "^https://" on HTTPS', () => {
    expect(findingsOf(project(check('80', '^https?://example\\.com(/|$)'), null), 'origin-regex')).toEqual([]);
    expect(findingsOf(project(check('127.0.0.1:19777 ssl', '^https://example\\.com(/|$)'), null), 'origin-regex')).toEqual([]);
  });

  it('a loose host is still the medium defect, whatever the scheme', () => {
    expect(findingsOf(project(check('127.0.0.1:19778 ssl', '^https?://example.com/'), null), 'origin-regex').map((f) => f.severity)).toEqual(['medium']);
  });
});
