import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handshake } from '../../lib/health/tls-probe.js';
import fs from 'node:fs';
import { leafCertificate, testCa } from '../fixtures/tls.js';

// Real TLS servers on 127.0.0.1 (node:tls), with certificates from a throwaway CA: the probe
// must tell a verifying certificate from a wrong name or an untrusted CA, and an old protocol
// version accepted from one refused.
let ca: { dir: string; pem: string };
let otherCa: { dir: string; pem: string };
const servers: tls.Server[] = [];

async function serve(options: tls.TlsOptions): Promise<number> {
  const server = tls.createServer(options, (socket) => socket.end());
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

const caOf = (made: { dir: string; cert: string }) => ({ dir: made.dir, pem: fs.readFileSync(made.cert, 'utf8') });
/** A leaf's certificate and key as PEM text, for node:tls. */
const issueLeaf = (names: string[], days?: number) => {
  const files = leafCertificate(ca.dir, ca.dir, names[0]!, names, days);
  return { cert: fs.readFileSync(files.cert, 'utf8'), key: fs.readFileSync(files.key, 'utf8') };
};
beforeAll(() => {
  ca = caOf(testCa());
  otherCa = caOf(testCa());
});
afterAll(() => {
  for (const server of servers) server.close();
});

describe('handshake', () => {
  it('verifies the chain and the name against the given CA', async () => {
    const leaf = issueLeaf(['example.test', 'www.example.test'], 40);
    const port = await serve({ cert: leaf.cert, key: leaf.key });
    const good = await handshake(port, 'www.example.test', { ca: [ca.pem] });
    expect(good).toMatchObject({ connected: true, verifyError: undefined, protocol: 'TLSv1.3' });
    expect(good.certificate).toMatchObject({ subjectAltNames: ['example.test', 'www.example.test'], issuer: 'generator-django-static test CA' });
    expect(good.certificate!.daysLeft).toBeGreaterThanOrEqual(38);
    expect(good.certificate!.daysLeft).toBeLessThanOrEqual(40);

    const wrongName = await handshake(port, 'other.test', { ca: [ca.pem] });
    expect(wrongName.verifyError).toMatch(/does not match/);
    const untrusted = await handshake(port, 'example.test', { ca: [otherCa.pem] });
    expect(untrusted.verifyError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    const systemStore = await handshake(port, 'example.test');
    expect(systemStore.connected).toBe(true);
    expect(systemStore.verifyError).toBeDefined();
  });

  it('tells an old protocol version accepted from one refused', async () => {
    const leaf = issueLeaf(['old.test']);
    const permissive = await serve({ cert: leaf.cert, key: leaf.key, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
    const modern = await serve({ cert: leaf.cert, key: leaf.key, minVersion: 'TLSv1.2' });
    expect((await handshake(permissive, 'old.test', { version: 'TLSv1' })).connected).toBe(true);
    expect((await handshake(permissive, 'old.test', { version: 'TLSv1.1' })).connected).toBe(true);
    const refused = await handshake(modern, 'old.test', { version: 'TLSv1' });
    expect(refused).toMatchObject({ connected: false });
    expect(refused.error).toMatch(/version|protocol/i);
    expect((await handshake(modern, 'old.test', { version: 'TLSv1.1' })).connected).toBe(false);
    expect((await handshake(modern, 'old.test', { version: 'TLSv1.2' })).connected).toBe(true);
  });

  it('reports a port with no TLS server', async () => {
    const leaf = issueLeaf(['closed.test']);
    const closed = await serve({ cert: leaf.cert, key: leaf.key });
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve)); // the port is closed when close() calls back
    expect(await handshake(closed, 'closed.test')).toMatchObject({ connected: false, error: expect.stringMatching(/ECONNREFUSED/) });
  });
});
