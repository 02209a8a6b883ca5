import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES } from '../../lib/config/names.js';
import type { Answers } from '../../lib/config/questions.js';
import { buildStackConfig, ConfigError, LETS_ENCRYPT } from '../../lib/config/stack-config.js';
import { composeSchemaErrors } from '../../lib/validate/compose-schema.js';
import { findAll, parseNginx } from '../../lib/validate/nginx-conf.js';
import { checkTlsFiles } from '../../lib/config/tls-files.js';
import { tlsNotices } from '../../lib/model/features/tls-notices.js';
import { validateOutput } from '../../lib/stack.js';
import * as fixtures from '../fixtures/projects.js';
import { leafCertificate, strayKey, testCa } from '../fixtures/tls.js';
import { defaultAnswers, renderAll, resolveForTest } from './helpers.js';
import { nginxTest } from './nginx-t.js';

const ACME: Partial<Answers> = { tls: 'acme', serverNames: ['example.test', 'www.example.test'], acmeEmail: 'admin@example.test' };
type Service = Record<string, unknown> & { volumes?: string[]; ports?: string[] };
const composeOf = (output: Map<string, string>) => parse(output.get(GENERATED_FILES.compose)!) as { services: Record<string, Service>; volumes: Record<string, unknown> };

describe('--tls acme output', () => {
  const { config, output } = renderAll(fixtures.startproject(), { ...ACME, hsts: true, media: true });
  const conf = output.get(GENERATED_FILES.nginxConf)!;
  const compose = composeOf(output);

  it('is accepted by a real `nginx -t`, with no warning', async () => {
    const result = await nginxTest(conf, `127.0.0.1:${config.gunicorn.port}`);
    expect(result.stderr).toContain('test is successful');
    expect(result.stderr).not.toMatch(/\[(warn|alert|emerg)\]/);
    expect(result.status, result.stderr).toBe(0);
  });

  it('redirects port 80 to HTTPS keeping path and query, except the ACME challenge and the healthcheck', () => {
    const servers = findAll(parseNginx(conf), 'server').filter((server) => server.block?.some((d) => d.name === 'listen' && d.args[0] === '80' && d.args.length === 1));
    expect(servers).toHaveLength(1);
    const locations = findAll(servers[0]!.block!, 'location').map((location) => location.args.join(' '));
    expect(locations).toEqual(['= /nginx-health', '^~ /.well-known/acme-challenge/', '/']);
    expect(conf).toContain('return 301 https://$host$request_uri;');
    expect(conf).toContain('root /var/www/acme;');
  });

  it('serves TLS 1.2/1.3 with the intermediate ciphers, http2, the per-handshake PEM, HSTS everywhere a header is added', () => {
    const directives = parseNginx(conf);
    const one = (name: string) => findAll(directives, name).map((d) => d.args.join(' '));
    expect(one('ssl_protocols')).toEqual(['TLSv1.2 TLSv1.3', 'TLSv1.2 TLSv1.3']); // both TLS servers: the default one negotiates before SNI
    expect(one('ssl_prefer_server_ciphers')).toEqual(['off', 'off']);
    expect(one('ssl_stapling')).toEqual([]);
    expect(one('http2')).toEqual(['on']);
    expect(one('ssl_certificate')).toEqual(['$tls_pem']);
    expect(one('ssl_certificate_key')).toEqual(['$tls_pem']);
    expect(findAll(directives, 'map')[0]!.block).toEqual([expect.objectContaining({ name: 'default', args: [config.tls.mode === 'acme' && config.tls.nginxPem] })]);
    const addHeaderBlocks = findAll(directives, 'location').filter((location) => location.block!.some((d) => d.name === 'add_header'));
    for (const location of addHeaderBlocks) {
      expect(location.block!.find((d) => d.name === 'add_header' && d.args[0] === 'Strict-Transport-Security')?.args, location.args.join(' ')).toEqual([
        'Strict-Transport-Security',
        'max-age=300',
        'always',
      ]);
    }
    expect(one('proxy_set_header')).toContain('X-Forwarded-Proto https');
  });

  it('adds the acme service (lego) with its volumes, never the Docker socket, and nginx gets the names as aliases', () => {
    expect(composeSchemaErrors(parse(output.get(GENERATED_FILES.compose)!))).toEqual([]);
    const acme = compose.services['acme']!;
    expect(acme['image']).toBe('goacme/lego:v4.9');
    expect(acme.volumes).toEqual(['certs:/certs', 'acme-webroot:/var/www/acme', './docker/acme.sh:/acme.sh:ro']);
    expect(acme['depends_on']).toEqual({ nginx: { condition: 'service_healthy' } });
    const nginx = compose.services['nginx']!;
    expect(nginx.ports).toEqual(['127.0.0.1:8080:80', '127.0.0.1:443:443']);
    expect(nginx.volumes).toEqual(expect.arrayContaining(['certs:/etc/nginx/certs', 'acme-webroot:/var/www/acme:ro']));
    expect(nginx['networks']).toEqual({ default: { aliases: ['example.test', 'www.example.test'] } });
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['certs', 'acme-webroot']));
    expect(output.get(GENERATED_FILES.compose)).not.toContain('docker.sock');
    expect(nginx['depends_on']).toEqual({ app: { condition: 'service_healthy' }, 'tls-bootstrap': { condition: 'service_completed_successfully' } });
    expect(validateOutput(config, (file) => output.get(file))).toEqual([]);
  });

  it('runs the throwaway certificate as a one-shot on the app image, as root with no capabilities, before nginx', () => {
    const bootstrap = compose.services['tls-bootstrap']!;
    expect(bootstrap['image']).toBe(compose.services['app']!['image']);
    expect(bootstrap['build']).toEqual(compose.services['app']!['build']);
    expect(bootstrap['user']).toBe('0:0');
    expect(bootstrap['cap_drop']).toEqual(['ALL']);
    expect(bootstrap['cap_add']).toBeUndefined();
    expect(bootstrap['read_only']).toBe(true);
    expect(bootstrap['command']).toEqual(['/bin/sh', '/tls-bootstrap.sh']);
    expect(bootstrap.volumes).toEqual(['certs:/certs', './docker/tls-bootstrap.sh:/tls-bootstrap.sh:ro']);
    expect(bootstrap['restart']).toBe('no');
    // nginx's official image has no openssl command: its start script must not need one.
    expect(output.get(GENERATED_FILES.nginxStart)).not.toMatch(/openssl/);
  });

  it("writes the three scripts, which sh parses; lego gets every name and Let's Encrypt by default", () => {
    for (const file of [GENERATED_FILES.tlsBootstrap, GENERATED_FILES.nginxStart, GENERATED_FILES.acmeScript]) execFileSync('sh', ['-n'], { input: output.get(file)! });
    const acme = output.get(GENERATED_FILES.acmeScript)!;
    expect(acme).toContain(`server='${LETS_ENCRYPT.production}'`);
    expect(acme).toContain('-d example.test -d www.example.test');
    expect(acme).toContain('renew 30 ||');
    expect(output.get(GENERATED_FILES.tlsBootstrap)).toContain('ec_paramgen_curve:P-256');
  });

  it('overlay: secure cookies, https origins only; the app healthcheck sends X-Forwarded-Proto https', () => {
    const overlay = output.get(config.overlayFile)!;
    expect(overlay).toContain('SESSION_COOKIE_SECURE = True');
    expect(overlay).toContain('CSRF_COOKIE_SECURE = True');
    expect(overlay).not.toMatch(/^SECURE_SSL_REDIRECT\s*=/m);
    expect(config.http.csrfTrustedOrigins).toEqual(['https://example.test', 'https://www.example.test', 'https://localhost', 'https://127.0.0.1', 'https://[::1]']);
    expect(config.http.url).toBe('https://example.test/');
    expect(JSON.stringify(compose.services['app']!['healthcheck'])).toContain('\\"X-Forwarded-Proto\\": \\"https\\"');
  });

  it('staging, a private server with its CA, and a non-default HTTPS port', () => {
    const root = fixtures.writeProject({ ...fixtures.startproject(), 'pebble.pem': fs.readFileSync(testCa().cert, 'utf8') });
    const staging = renderAll(fixtures.startproject(), { ...ACME, acmeStaging: true });
    expect(staging.config.tls).toMatchObject({ server: LETS_ENCRYPT.staging, staging: true });
    const { answers, facts } = resolveForTest(root, { ...ACME, acmeServer: 'https://pebble:14000/dir', acmeCa: 'pebble.pem', httpsPort: 19443 });
    const config = buildStackConfig(answers, facts);
    expect(config.tls).toMatchObject({ server: 'https://pebble:14000/dir', caFile: 'pebble.pem', httpsPort: 19443 });
    expect(config.http.url).toBe('https://example.test:19443/');
    expect(checkTlsFiles(root, answers)).toEqual({ problems: [], notes: [] });
  });
});

describe('--tls refusals', () => {
  const root = fixtures.writeProject(fixtures.startproject());
  const refused = (overrides: Record<string, unknown>) => {
    try {
      buildStackConfig(...(Object.values(resolveForTest(root, overrides as never)) as [never, never]));
    } catch (error) {
      if (error instanceof ConfigError) return error.message;
      return (error as Error).message;
    }
    return 'accepted';
  };

  it("acme: no wildcard, no local name, an e-mail, an https server, staging only with Let's Encrypt", () => {
    expect(refused({ ...ACME, serverNames: ['.example.test'] })).toMatch(/--tls: acme validates each server name over http-01, which cannot issue "\.example\.test"/);
    expect(refused({ ...ACME, serverNames: ['localhost'] })).toMatch(/cannot get a certificate for "localhost"/);
    // The fundamental refusal first: no e-mail address is asked for a name no CA issues for.
    expect(refused({ tls: 'acme', serverNames: ['localhost'] })).toMatch(/^--tls: acme cannot get a certificate for "localhost"/);
    expect(refused({ tls: 'acme', serverNames: ['example.test'] })).toMatch(/an ACME account needs an e-mail address; pass --acme-email/);
    expect(refused({ ...ACME, acmeEmail: 'not an address' })).toMatch(/is not an e-mail address/);
    expect(refused({ ...ACME, acmeServer: 'http://ca.example/dir' })).toMatch(/is not an https:\/\/ URL/);
    expect(refused({ ...ACME, acmeServer: 'https://ca.example/dir', acmeStaging: true })).toMatch(/--acme-staging picks Let's Encrypt's staging CA/);
    expect(refused({ ...ACME, httpsPort: 8080 })).toMatch(/--https-port 8080 is also --port/);
    expect(refused({ ...ACME, hsts: true, hstsMaxAge: -1 })).toMatch(/HSTS max-age "-1"/);
    expect(refused({ tls: 'maybe' })).toMatch(/"maybe" is not one of off, acme, files/);
  });

  it('off stays the default, for localhost and real domains alike; localhost gets 8443 for HTTPS', () => {
    expect(defaultAnswers(root).tls).toBe('off');
    expect(defaultAnswers(root, { serverNames: ['example.com'] }).tls).toBe('off');
    expect(defaultAnswers(root, { tls: 'files', tlsCert: 'a.pem', tlsKey: 'a.key' }).httpsPort).toBe(8443);
    expect(defaultAnswers(root, { ...ACME }).httpsPort).toBe(443);
  });
});

describe('--tls files: the certificate and key, checked before writing', () => {
  const ca = testCa();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tls-files-'));
  const site = leafCertificate(ca.dir, dir, 'site', ['example.test', 'www.example.test']);
  const wildcard = leafCertificate(ca.dir, dir, 'wildcard', ['example.test', '*.example.test']);
  const soon = leafCertificate(ca.dir, dir, 'soon', ['example.test'], 5);
  const stray = strayKey(dir, 'stray');
  const answers = (overrides: Record<string, unknown>) =>
    defaultAnswers(fixtures.writeProject(fixtures.startproject()), { tls: 'files', serverNames: ['example.test', 'www.example.test'], tlsCert: site.cert, tlsKey: site.key, ...overrides } as never);
  const check = (overrides: Record<string, unknown>) => checkTlsFiles(dir, answers(overrides));

  it('accepts a matching pair that covers every name, and says how many days are left', () => {
    expect(check({})).toEqual({ problems: [], notes: [expect.stringMatching(/certificate for DNS:example.test, DNS:www.example.test, 36[45] days left$/)] });
    expect(check({ serverNames: ['.example.test'], tlsCert: wildcard.cert, tlsKey: wildcard.key }).problems).toEqual([]);
  });

  it('refuses a key that does not match, a name not covered, a file that is not there or not a certificate', () => {
    expect(check({ tlsKey: stray }).problems).toEqual([`--tls-key: ${stray} does not match the certificate in ${site.cert}`]);
    expect(check({ serverNames: ['example.test', 'api.example.test'] }).problems).toEqual([
      `--tls-cert: ${site.cert} does not cover "api.example.test"; it is for DNS:example.test, DNS:www.example.test`,
    ]);
    expect(check({ serverNames: ['.example.test'] }).problems).toEqual([expect.stringMatching(/does not cover the subdomains of "example.test" \(server name ".example.test"\)/)]);
    expect(check({ tlsCert: 'missing.pem' }).problems).toEqual(['--tls-cert: missing.pem cannot be read (it must exist, relative to the project or absolute)']);
    expect(check({ tlsCert: site.key }).problems).toEqual([`--tls-cert: ${site.key} holds no PEM certificate`]);
  });

  it('warns when fewer than 30 days are left, and refuses an expired certificate', () => {
    expect(check({ serverNames: ['example.test'], tlsCert: soon.cert, tlsKey: soon.key }).notes).toEqual([expect.stringMatching(/^warning: .*soon\.pem expires in [45] days/)]);
    const later = new Date(Date.now() + 6 * 86_400_000);
    expect(checkTlsFiles(dir, answers({ serverNames: ['example.test'], tlsCert: soon.cert, tlsKey: soon.key }), later).problems).toEqual([expect.stringMatching(/soon\.pem expired on /)]);
  });

  it('renders a read-only mount of each file and fixed paths that a real `nginx -t` loads', async () => {
    const { config, output } = renderAll(fixtures.startproject(), {
      tls: 'files',
      serverNames: ['example.test', 'www.example.test'],
      tlsCert: site.cert,
      tlsKey: 'certs/site.key',
      httpsPort: 9443,
    } as never);
    const nginx = composeOf(output).services['nginx']!;
    expect(nginx.volumes).toEqual(expect.arrayContaining([`${site.cert}:/etc/nginx/tls/cert.pem:ro`, './certs/site.key:/etc/nginx/tls/key.pem:ro']));
    expect(nginx.ports).toEqual(['127.0.0.1:8080:80', '127.0.0.1:9443:443']);
    expect(composeOf(output).services['acme']).toBeUndefined();
    const conf = output.get(GENERATED_FILES.nginxConf)!;
    expect(conf).not.toContain('acme-challenge');
    expect(conf).toContain('return 301 https://$host:9443$request_uri;');
    const result = await nginxTest(conf, `127.0.0.1:${config.gunicorn.port}`, [
      ['/etc/nginx/tls/cert.pem', site.cert],
      ['/etc/nginx/tls/key.pem', site.key],
    ]);
    expect(result.stderr).toContain('test is successful');
    expect(result.stderr).not.toMatch(/\[(warn|alert|emerg)\]/);
    expect(result.status, result.stderr).toBe(0);
  });
});

describe('what a run says about HTTPS', () => {
  it('under --yes, a real domain is told it got plain HTTP and how to get HTTPS; acme warns of rate limits and port 80', () => {
    const config = (overrides: Partial<Answers>) => renderAll(fixtures.startproject(), overrides).config;
    expect(tlsNotices(config({ serverNames: ['example.com'] }), { told: true })).toEqual([expect.stringMatching(/^--tls off: example\.com gets plain HTTP\. For HTTPS, re-run with --tls acme/)]);
    expect(tlsNotices(config({ serverNames: ['example.com'] }), { told: false })).toEqual([]);
    expect(tlsNotices(config({}), { told: true })).toEqual([]);
    const acme = tlsNotices(config({ ...ACME }), { told: true }).join('\n');
    expect(acme).toMatch(/production CA has rate limits/);
    expect(acme).toMatch(/port 80, and this stack's HTTP port is 8080/);
    expect(acme).toMatch(/bound to 127\.0\.0\.1, which the CA cannot reach/);
    expect(tlsNotices(config({ ...ACME, acmeStaging: true, port: 80, bind: '0.0.0.0' }), { told: true })).toEqual([expect.stringMatching(/^--acme-staging: browsers do not trust/)]);
  });
});
