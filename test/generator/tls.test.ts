import fs from 'node:fs';
import path from 'node:path';
import helpers from 'yeoman-test';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import AppGenerator from '../../generators/app/index.js';
import { GENERATED_FILES } from '../../lib/config/names.js';
import * as fixtures from '../fixtures/projects.js';
import { leafCertificate, strayKey, testCa } from '../fixtures/tls.js';
import { generate } from './run.js';

const ACME = { tls: 'acme', serverNames: 'example.test', acmeEmail: 'admin@example.test' };
const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
const services = (dir: string) => Object.keys((parse(read(dir, GENERATED_FILES.compose)) as { services: object }).services);

/** A startproject holding a test CA's certificate for example.test (tls/site.pem, tls/site.key) and a stray key. */
function projectWithCertificate(names = ['example.test']): string {
  const dir = fixtures.writeProject(fixtures.startproject());
  fs.mkdirSync(path.join(dir, 'tls'));
  leafCertificate(testCa().dir, path.join(dir, 'tls'), 'site', names);
  strayKey(path.join(dir, 'tls'), 'stray');
  return dir;
}

describe('yo django-static --tls', () => {
  it('acme: writes the acme service and its two scripts, stores every answer, and a re-run keeps them', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir, { ...ACME, acmeStaging: true, hsts: true, hstsMaxAge: '600' });
    expect(services(dir)).toContain('acme');
    expect(read(dir, GENERATED_FILES.acmeScript)).toContain("server='https://acme-staging-v02.api.letsencrypt.org/directory'");
    expect(read(dir, GENERATED_FILES.nginxStart)).toContain('exec nginx -g');
    expect(read(dir, GENERATED_FILES.nginxConf)).toContain('add_header Strict-Transport-Security "max-age=600" always;');
    const stored = Object.values(JSON.parse(read(dir, '.yo-rc.json')) as Record<string, { manifest: { answers: Record<string, unknown> } }>)[0]!.manifest.answers;
    expect(stored).toMatchObject({ tls: 'acme', httpsPort: 443, acmeEmail: 'admin@example.test', acmeStaging: true, acmeServer: '', hsts: true, hstsMaxAge: 600 });
    const before = read(dir, GENERATED_FILES.compose);
    await generate(dir);
    expect(read(dir, GENERATED_FILES.compose)).toBe(before);
  });

  it('files: mounts the certificate and key read-only', async () => {
    const dir = projectWithCertificate();
    await generate(dir, { tls: 'files', serverNames: 'example.test', tlsCert: 'tls/site.pem', tlsKey: 'tls/site.key' });
    const compose = read(dir, GENERATED_FILES.compose);
    expect(compose).toContain('./tls/site.pem:/etc/nginx/tls/cert.pem:ro');
    expect(compose).toContain('./tls/site.key:/etc/nginx/tls/key.pem:ro');
    expect(services(dir)).not.toContain('acme');
    expect(fs.existsSync(path.join(dir, GENERATED_FILES.acmeScript))).toBe(false);
  });

  it('refuses, in one line and writing nothing: a mismatched key, a name not covered, a missing file, acme without what it needs', async () => {
    for (const [options, reason] of [
      [
        { tls: 'files', serverNames: 'example.test', tlsCert: 'tls/site.pem', tlsKey: 'tls/stray.key' },
        /^--tls-key: tls\/stray\.key does not match the certificate in tls\/site\.pem \(nothing written\)$/,
      ],
      [
        { tls: 'files', serverNames: 'example.test,api.example.test', tlsCert: 'tls/site.pem', tlsKey: 'tls/site.key' },
        /^--tls-cert: tls\/site\.pem does not cover "api\.example\.test"; it is for DNS:example\.test \(nothing written\)$/,
      ],
      [{ tls: 'files', serverNames: 'example.test', tlsCert: 'tls/none.pem', tlsKey: 'tls/site.key' }, /^--tls-cert: tls\/none\.pem cannot be read/],
      [{ tls: 'files', serverNames: 'example.test', tlsKey: 'tls/site.key' }, /--tls files needs the certificate; pass --tls-cert/],
      [{ tls: 'acme', serverNames: 'example.test' }, /an ACME account needs an e-mail address; pass --acme-email/],
      [{ ...ACME, serverNames: 'localhost' }, /^--tls: acme cannot get a certificate for "localhost"/],
      [{ tls: 'acme', serverNames: 'localhost' }, /^--tls: acme cannot get a certificate for "localhost"/],
      [{ ...ACME, acmeCa: 'tls/missing.pem' }, /^--acme-ca: tls\/missing\.pem cannot be read/],
      [{ tls: 'https' }, /--tls: "https" is not one of off, acme, files/],
    ] as const) {
      const dir = projectWithCertificate();
      await expect(generate(dir, options), JSON.stringify(options)).rejects.toThrow(reason);
      expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
      expect(fs.existsSync(path.join(dir, '.yo-rc.json'))).toBe(false);
    }
  });

  it('asks about HTTPS only for a real domain; answering acme leads on to its questions', async () => {
    const asked = async (options: Record<string, unknown>, answer: (message: string) => unknown) => {
      const messages: string[] = [];
      const dir = fixtures.writeProject(fixtures.startproject());
      await helpers
        .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never)
        .cd(dir)
        .withOptions({ skipHealthCheck: true, force: false, ...options } as never)
        .withAnswers(
          {},
          {
            callback: (value, { question }) => {
              const message = String(question.message);
              messages.push(message);
              return answer(message) ?? value;
            },
          },
        );
      return { messages, dir };
    };
    const local = await asked({}, () => undefined);
    expect(local.messages.some((message) => message.startsWith('HTTPS:'))).toBe(false);
    const domain = await asked({ serverNames: 'example.test' }, (message) =>
      message.startsWith('HTTPS:') ? 'acme' : message.startsWith('E-mail address for the ACME account') ? 'me@example.test' : undefined,
    );
    expect(domain.messages.filter((message) => /^(HTTPS:|Public HTTPS port|E-mail address for the ACME|Use Let's Encrypt's staging|ACME directory URL|Send HSTS)/.test(message))).toHaveLength(6);
    expect(services(domain.dir)).toContain('acme');
    expect(read(domain.dir, GENERATED_FILES.acmeScript)).toContain('--email me@example.test');
  });
});
