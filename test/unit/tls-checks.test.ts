import { once } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckId, type CheckResult } from '../../lib/health/checks.js';
import { runTlsChecks, type TlsTarget } from '../../lib/health/tls-checks.js';
import fs from 'node:fs';
import { leafCertificate, testCa } from '../fixtures/tls.js';

// The TLS checks against real servers on 127.0.0.1 (node:http and node:https standing in for
// nginx's two ports), each behaving right or wrong, so every check is seen to pass and to fail.
interface Leaf {
  cert: string;
  key: string;
}
let ca: { dir: string; pem: string };
let leaf: Leaf;
/** A leaf's certificate and key as PEM text, for node:https. */
const issueLeaf = (names: string[], days: number, file = names[0]!): Leaf => {
  const files = leafCertificate(ca.dir, ca.dir, file, names, days);
  return { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') };
};
const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});
beforeAll(() => {
  const made = testCa();
  ca = { dir: made.dir, pem: fs.readFileSync(made.cert, 'utf8') };
  leaf = issueLeaf(['example.test'], 60);
});

interface Behaviour {
  /** Location for a plain-HTTP request: what a port-80 server redirects to. */
  redirect: (host: string, url: string) => string | undefined;
  hsts?: string;
  cert?: Leaf;
}

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

async function site(behaviour: Behaviour): Promise<TlsTarget> {
  const plain = http.createServer((request, response) => {
    if (request.url!.startsWith('/.well-known/acme-challenge/')) return response.writeHead(404, { Server: 'nginx' }).end();
    const location = behaviour.redirect(request.headers.host!.replace(/:\d+$/, ''), request.url!);
    response.writeHead(location ? 301 : 200, { Server: 'nginx', ...(location ? { Location: location } : {}) }).end();
  });
  const cert = behaviour.cert ?? leaf;
  const secure = https.createServer({ cert: cert.cert, key: cert.key }, (_request, response) => {
    response.writeHead(200, { Server: 'nginx', ...(behaviour.hsts ? { 'Strict-Transport-Security': behaviour.hsts } : {}) }).end('ok');
  });
  const [httpPort, httpsPort] = [await listen(plain), await listen(secure)];
  return { mode: 'files', serverNames: ['example.test'], httpPort, httpsPort, hsts: true, ca: [ca.pem] };
}

async function run(target: TlsTarget): Promise<Map<CheckId, CheckResult>> {
  const results = new Map<CheckId, CheckResult>();
  // As runChecks does: a probe that throws is a failed check with the error as its detail.
  await runTlsChecks(target, async (id, body) => {
    const verdict = await body().catch((error: Error) => ({ ok: false, detail: error.message }));
    results.set(id, { id, name: CHECK_NAMES[id], ...verdict });
  });
  return results;
}

const keepsPath = (port: () => number) => (host: string, url: string) => `https://${host}:${port()}${url}`;

describe('TLS checks', () => {
  it('pass on a site that does everything right', async () => {
    let httpsPort = 0;
    const target = await site({ redirect: keepsPath(() => httpsPort), hsts: 'max-age=3600' });
    httpsPort = target.httpsPort;
    const results = await run(target);
    expect(results.get('tls-certificate')).toMatchObject({
      ok: true,
      detail: expect.stringMatching(/^example\.test: ok, serial [0-9A-F]+ from generator-django-static test CA, (59|60) days left, TLSv1\.3/),
    });
    expect(results.get('tls-old-versions-refused')).toMatchObject({ ok: true });
    expect(results.get('https-redirect')).toMatchObject({ ok: true });
    expect(results.get('hsts')).toMatchObject({ ok: true, detail: 'Strict-Transport-Security: max-age=3600' });
    expect(results.get('acme-challenge-over-http')).toMatchObject({ ok: true, skipped: true });
    expect(await run({ ...target, mode: 'acme' })).toSatisfy((acme: Map<CheckId, CheckResult>) => acme.get('acme-challenge-over-http')!.ok && !acme.get('acme-challenge-over-http')!.skipped);
  });

  it('fail on a redirect that drops the query, a missing HSTS header, and a certificate for another name or near expiry', async () => {
    let httpsPort = 0;
    const target = await site({ redirect: (host, url) => `https://${host}:${httpsPort}${url.split('?')[0]}`, cert: issueLeaf(['other.test'], 60, 'other') });
    httpsPort = target.httpsPort;
    const results = await run(target);
    expect(results.get('https-redirect')).toMatchObject({ ok: false, detail: expect.stringMatching(/want 301\/308 to https:\/\/example\.test:\d+\/health-check\/\w+\?q=1/) });
    expect(results.get('hsts')).toMatchObject({ ok: false, detail: expect.stringMatching(/does not match/) });
    expect(results.get('tls-certificate')).toMatchObject({
      ok: false,
      certificates: [{ name: 'example.test', verifyError: expect.stringMatching(/does not match/), subjectAltNames: ['other.test'] }],
    });

    const expiring = await run({ ...(await site({ redirect: () => undefined, cert: issueLeaf(['example.test'], 3, 'soon') })) });
    expect(expiring.get('tls-certificate')).toMatchObject({ ok: false, detail: expect.stringMatching(/example\.test: expires in [23] days/) });
    expect(expiring.get('https-redirect')).toMatchObject({ ok: false, detail: expect.stringMatching(/: 200 \(want 301\/308/) });
    expect(expiring.get('hsts')).toMatchObject({ ok: false, detail: 'no Strict-Transport-Security header' });
  });

  it('HSTS sent without --hsts fails too', async () => {
    const target = await site({ redirect: () => undefined, hsts: 'max-age=63072000' });
    expect((await run({ ...target, hsts: false })).get('hsts')).toMatchObject({ ok: false, detail: 'sent without --hsts: max-age=63072000' });
  });
});
