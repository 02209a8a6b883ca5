/**
 * HTTPS end to end, offline and for real. acme: the generated stack gets its certificate from
 * pebble (the test-only ACME server, Debian's package) through a real http-01 validation:
 * pebble joins the stack's network (a compose override passed through COMPOSE_FILE), resolves
 * example.test with Docker's DNS to nginx's network alias, and fetches the challenge from
 * nginx's port 80. The check trusts pebble's issuing root (NODE_EXTRA_CA_CERTS), fetched from
 * its management port. Before pebble runs, nginx already serves the throwaway certificate of the
 * tls-bootstrap one-shot; nginx runs from a copy of its stand-in without the openssl command, as the
 * official nginx:alpine image has none. files: a certificate from a CA made here with openssl.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import IMAGES from '../../lib/config/images.json' with { type: 'json' };
import { CONTAINER_SCRIPTS, GENERATED_FILES, SERVICES } from '../../lib/config/names.js';
import { handshake } from '../../lib/health/tls-probe.js';
import { until } from '../fixtures/poll.js';
import * as fixtures from '../fixtures/projects.js';
import { leafCertificate, strayKey, testCa } from '../fixtures/tls.js';
import { cli, composeDown } from './stack.js';

const DOMAIN = 'example.test';
const PEBBLE = 'pebble';
const OVERRIDE = 'pebble.compose.yaml';

const started: { dir: string; project: string }[] = [];
afterEach(() => {
  for (const stack of started.splice(0)) composeDown(stack.dir, stack.project);
});

const passedOverHttps = (output: string) => {
  expect(output).not.toMatch(/^\s+FAIL /m);
  for (const name of [
    'certificate verifies for each name',
    'TLS 1.0 and 1.1 refused',
    'HTTP redirects to HTTPS',
    'static file from nginx',
    'admin login through nginx',
    'cookies marked Secure',
    'manage.py check --deploy',
  ]) {
    expect(output).toMatch(new RegExp(`PASS {2}${name.replace(/[.]/g, '\\.')}`));
  }
};

/**
 * The nginx stand-in is Debian's, with an openssl command; the official nginx:alpine image has
 * none. This copy of the stand-in has none either, so the acme runs prove nginx needs none.
 */
const NGINX_WITHOUT_OPENSSL = `django-static-test/nginx-no-openssl:${IMAGES.nginx.split(':')[1]}`;
function buildNginxWithoutOpenssl(): void {
  execFileSync('docker', ['build', '-q', '-t', NGINX_WITHOUT_OPENSSL, '-'], {
    input: `FROM ${IMAGES.nginx}\nRUN rm -f "$(command -v openssl)" && ! command -v openssl\n`,
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const found = spawnSync('docker', ['run', '--rm', '--network', 'none', '--entrypoint', 'sh', NGINX_WITHOUT_OPENSSL, '-c', 'command -v openssl'], { encoding: 'utf8' });
  expect(found.status, `openssl is still in ${NGINX_WITHOUT_OPENSSL}: ${found.stdout}`).not.toBe(0);
}

/** pebble on the stack's default network, its management port published for the root; lego waits for it; nginx has no openssl. */
function pebbleOverride(managementPort: number): string {
  return stringify({
    services: {
      [SERVICES.nginx]: { image: NGINX_WITHOUT_OPENSSL },
      [PEBBLE]: {
        image: IMAGES.pebbleTest,
        command: ['-config', '/test/config/pebble-config.json', '-dnsserver', '127.0.0.11:53'],
        // Real validation on every order: no sleeps, no reused authorizations (a renewal must pass the challenge again).
        environment: { PEBBLE_VA_NOSLEEP: '1', PEBBLE_AUTHZREUSE: '0' },
        ports: [`127.0.0.1:${managementPort}:15000`],
      },
      [SERVICES.acme]: { depends_on: { [PEBBLE]: { condition: 'service_started' } } },
    },
  });
}

/** GET over HTTPS from 127.0.0.1 (pebble's management API), trusting the given CA. */
function getText(port: number, urlPath: string, ca: string, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: urlPath, servername, ca, agent: false, timeout: 5000 }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => (response.statusCode === 200 ? resolve(body) : reject(new Error(`${urlPath}: ${response.statusCode}`))));
      })
      .on('error', reject);
  });
}

async function retry<T>(what: string, seconds: number, body: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      return await body();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what}: ${(error as Error).message}`, { cause: error });
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

const composeCommand = (variant: 'v1' | 'v2') => (variant === 'v2' ? ['docker', 'compose'] : ['docker-compose']);

function compose(variant: 'v1' | 'v2', dir: string, project: string, args: string[], env: Record<string, string>): string {
  const [command, ...base] = composeCommand(variant);
  const result = spawnSync(command!, [...base, '--project-name', project, ...args], { cwd: dir, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000 });
  if (result.status !== 0) throw new Error(`${variant} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/**
 * Generates the acme stack against pebble and starts it up to nginx, with no ACME server
 * running: nginx must serve the throwaway certificate already. Then starts pebble, fetches its
 * root, and runs the product's own check (which starts the acme service and waits for the
 * first certificate).
 */
async function acmeStack(variant: 'v1' | 'v2', ports: { http: number; https: number; pebble: number }, down: boolean) {
  const project = `i10b-acme-${variant}`;
  const dir = fixtures.writeProject(fixtures.startproject());
  started.push({ dir, project });
  // pebble's own listener certificate (baked into the test image): what lego trusts for the ACME endpoint.
  const listenerCa = execFileSync('docker', ['run', '--rm', '--entrypoint', 'cat', IMAGES.pebbleTest, '/test/certs/localhost/cert.pem'], { encoding: 'utf8' });
  fs.writeFileSync(path.join(dir, 'acme-ca.pem'), listenerCa);
  const generated = cli(dir, [
    '--yes',
    '--skip-health-check',
    '--project-name',
    project,
    '--port',
    String(ports.http),
    '--https-port',
    String(ports.https),
    '--server-names',
    DOMAIN,
    '--tls',
    'acme',
    '--acme-email',
    `admin@${DOMAIN}`,
    '--acme-server',
    `https://${PEBBLE}:14000/dir`,
    '--acme-ca',
    'acme-ca.pem',
  ]);
  expect(generated.status, generated.output).toBe(0);
  fs.writeFileSync(path.join(dir, OVERRIDE), pebbleOverride(ports.pebble));
  const env = { COMPOSE_FILE: `${GENERATED_FILES.compose}:${OVERRIDE}`, DJANGO_STATIC_COMPOSE: variant };

  // nginx and what it depends on (tls-bootstrap among them), no acme service, no pebble.
  const upStarted = Date.now();
  compose(variant, dir, project, ['up', '-d', '--build', SERVICES.nginx], env);
  const throwaway = await retry('a certificate on the HTTPS port before any ACME server runs', 60, async () => {
    const served = await handshake(ports.https, DOMAIN);
    if (!served.certificate) throw new Error(served.error ?? 'no certificate');
    return served;
  });
  console.log(`acme ${variant}: throwaway certificate served ${((Date.now() - upStarted) / 1000).toFixed(1)} s after up (build included)`);
  // Self-signed (depth zero: its issuer is its subject) for the first server name.
  expect(throwaway.verifyError).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
  expect(throwaway.certificate!.issuer).toBe(DOMAIN);
  expect(compose(variant, dir, project, ['ps', '-q', SERVICES.acme], env).trim()).toBe('');
  expect(compose(variant, dir, project, ['logs', '--no-color', SERVICES.tlsBootstrap], env)).toContain(`made a throwaway self-signed one for ${DOMAIN}`);
  expect(compose(variant, dir, project, ['logs', '--no-color', SERVICES.nginx], env)).not.toContain('no certificate at');

  compose(variant, dir, project, ['up', '-d', PEBBLE], env);
  // pebble makes a new issuing root on every start: the check must trust this one.
  const root = await retry('pebble root', 30, () => getText(ports.pebble, '/roots/0', listenerCa, 'localhost'));
  const rootFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pebble-root-')), 'root.pem');
  fs.writeFileSync(rootFile, root);
  const checkStarted = Date.now();
  const check = cli(dir, ['check', '--timeout', '300', ...(down ? ['--down'] : [])], { ...env, NODE_EXTRA_CA_CERTS: rootFile });
  return { dir, project, env, root, check, seconds: (Date.now() - checkStarted) / 1000 };
}

describe('--tls acme against pebble (real http-01)', () => {
  beforeAll(buildNginxWithoutOpenssl, 120_000);

  it('Compose v2: first certificate from empty volumes, a passing check over HTTPS, then a renewal under load with zero failed requests', async () => {
    const ports = { http: 19_450, https: 19_451, pebble: 19_452 };
    const stack = await acmeStack('v2', ports, false);
    expect(stack.check.output).toContain('with Compose v2');
    passedOverHttps(stack.check.output);
    expect(stack.check.status, stack.check.output).toBe(0);
    console.log(`acme v2: check passed ${stack.seconds.toFixed(1)} s after start`);

    const before = await handshake(ports.https, DOMAIN, { ca: [stack.root] });
    expect(before.verifyError).toBeUndefined();
    // A bounded load loop: 4 clients with a new TLS connection per request (each handshake reads
    // the PEM), and 2 on kept-alive connections, as browsers hold them.
    let stop = false;
    const tally = { ok: 0, failed: 0, keptAlive: 0, errors: [] as string[] };
    const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 2 });
    const worker = async (agent: https.Agent | false) => {
      while (!stop) {
        const status = await new Promise<number | string>((resolve) => {
          https
            .get(
              { host: '127.0.0.1', port: ports.https, path: '/admin/login/', servername: DOMAIN, ca: stack.root, agent, headers: { Host: `${DOMAIN}:${ports.https}` }, timeout: 10_000 },
              (response) => {
                response.resume();
                response.on('end', () => resolve(response.statusCode ?? 0));
              },
            )
            .on('error', (error) => resolve(error.message));
        });
        if (status === 200) {
          tally.ok++;
          if (agent) tally.keptAlive++;
        } else {
          tally.failed++;
          tally.errors.push(String(status));
        }
      }
    };
    const load = Promise.all([worker(false), worker(false), worker(false), worker(false), worker(keepAlive), worker(keepAlive)]);
    const deadline = Date.now() + 90_000;
    try {
      // Forced: pebble's certificates last years, so only a huge --days renews one.
      compose('v2', stack.dir, stack.project, ['exec', '-T', SERVICES.acme, 'sh', CONTAINER_SCRIPTS.acme, 'renew', '9999'], stack.env);
      let after = await handshake(ports.https, DOMAIN, { ca: [stack.root] });
      while (after.certificate?.serial === before.certificate?.serial && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        after = await handshake(ports.https, DOMAIN, { ca: [stack.root] });
      }
      // The load continues on the new certificate: both kinds of client answered 10 more times since
      // it was seen, and more than the 20 each the assertions below ask for (a loaded machine answers slowly).
      const seen = { fresh: tally.ok - tally.keptAlive, keptAlive: tally.keptAlive };
      const enough = (now: number, then: number) => now >= then + 10 && now > 20;
      await until(
        '10 more answers of each kind on the new certificate, over 20 each',
        () => ((enough(tally.ok - tally.keptAlive, seen.fresh) && enough(tally.keptAlive, seen.keptAlive)) || tally.failed > 0 ? true : undefined),
        {
          timeoutMs: 60_000,
          last: () => JSON.stringify(tally),
        },
      );
      expect(after.verifyError).toBeUndefined();
      expect(after.certificate!.serial).not.toBe(before.certificate!.serial);
    } finally {
      stop = true;
      await load;
      keepAlive.destroy();
    }
    console.log(`renewal under load: ${tally.ok} ok (${tally.keptAlive} on kept-alive connections), ${tally.failed} failed`);
    expect(tally.errors).toEqual([]);
    expect(tally.ok - tally.keptAlive).toBeGreaterThan(20);
    expect(tally.keptAlive).toBeGreaterThan(20);
  });

  it('docker-compose 1.x: first certificate from empty volumes and a passing check over HTTPS', async () => {
    const stack = await acmeStack('v1', { http: 19_453, https: 19_454, pebble: 19_455 }, true);
    expect(stack.check.output).toContain('with docker-compose 1.');
    passedOverHttps(stack.check.output);
    expect(stack.check.status, stack.check.output).toBe(0);
    console.log(`acme v1: check passed ${stack.seconds.toFixed(1)} s after start`);
  });
});

describe('--tls acme: the throwaway certificate cannot be made', () => {
  it('docker-compose 1.x: an app image without openssl stops the start at tls-bootstrap, which the diagnosis names with its log line', () => {
    const project = 's3t-bootstrap-no-openssl';
    const dir = fixtures.writeProject(fixtures.startproject());
    started.push({ dir, project });
    const generated = cli(dir, [
      '--yes',
      '--skip-health-check',
      '--project-name',
      project,
      '--port',
      '19503',
      '--https-port',
      '19504',
      '--server-names',
      DOMAIN,
      '--tls',
      'acme',
      '--acme-email',
      `admin@${DOMAIN}`,
      '--acme-server',
      `https://${PEBBLE}:14000/dir`,
    ]);
    expect(generated.status, generated.output).toBe(0);
    // A Dockerfile of the user's own, on a base without openssl.
    const dockerfile = path.join(dir, GENERATED_FILES.dockerfile);
    fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^USER /m, 'RUN rm -f "$(command -v openssl)"\nUSER '));
    const run = cli(dir, ['check', '--timeout', '120', '--down'], { DJANGO_STATIC_COMPOSE: 'v1' });
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('with docker-compose 1.');
    expect(run.output).toMatch(/tls-bootstrap failed \(exit 1\), so nginx never started: tls-bootstrap: no openssl command in the app image/);
  });
});

describe('--tls files with a certificate from a test CA', () => {
  it('refuses a key that does not match the certificate, writing nothing; then serves the right pair with HSTS, checked over HTTPS', () => {
    const ca = testCa();
    const project = 'i10b-files';
    const dir = fixtures.writeProject(fixtures.startproject());
    fs.mkdirSync(path.join(dir, 'tls'));
    leafCertificate(ca.dir, path.join(dir, 'tls'), 'site', [DOMAIN]);
    strayKey(path.join(dir, 'tls'), 'other');
    started.push({ dir, project });
    const args = ['--yes', '--project-name', project, '--port', '19456', '--https-port', '19457', '--server-names', DOMAIN, '--tls', 'files', '--tls-cert', 'tls/site.pem'];

    const refused = cli(dir, [...args, '--tls-key', 'tls/other.key']);
    expect(refused.status).not.toBe(0);
    expect(refused.output).toMatch(/key/i);
    expect(refused.output).toMatch(/match/i);
    expect(fs.existsSync(path.join(dir, GENERATED_FILES.compose))).toBe(false);
    expect(fs.existsSync(path.join(dir, '.yo-rc.json'))).toBe(false);

    const run = cli(dir, [...args, '--tls-key', 'tls/site.key', '--hsts', '--down'], { NODE_EXTRA_CA_CERTS: ca.cert });
    passedOverHttps(run.output);
    expect(run.output).toMatch(/PASS {2}HSTS as configured +Strict-Transport-Security: max-age=\d+/);
    expect(run.output).toMatch(/SKIP {2}ACME challenge path over HTTP/);
    expect(run.status, run.output).toBe(0);
  });
});
