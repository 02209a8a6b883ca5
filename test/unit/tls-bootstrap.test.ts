/**
 * docker/tls-bootstrap.sh, run for real with the host's sh and openssl (as the app image runs it,
 * minus the container): the PEM path is pointed at a temporary folder, nothing else changes.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GENERATED_FILES } from '../../lib/config/names.js';
import { materialize, renderStack } from '../../lib/stack.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const { config } = renderAll(fixtures.startproject(), { tls: 'acme', serverNames: ['example.test', 'www.example.test'], acmeEmail: 'admin@example.test' });

/** The generated script, with the PEM in a new temporary folder. */
function bootstrapScript(): { script: string; pem: string } {
  const pem = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tls-bootstrap-')), 'certs', 'live', 'tls.pem');
  const plan = renderStack(config).filter((file) => file.path === GENERATED_FILES.tlsBootstrap);
  expect(plan).toHaveLength(1);
  const file = plan[0]!;
  if (!('data' in file)) throw new Error('tls-bootstrap.sh is a template');
  const moved = { ...file, data: { ...file.data, tls: { ...(file.data['tls'] as object), acmePem: pem } } };
  const script = path.join(path.dirname(path.dirname(path.dirname(pem))), 'tls-bootstrap.sh');
  fs.writeFileSync(script, materialize([moved]).get(GENERATED_FILES.tlsBootstrap)!);
  return { script, pem };
}

const run = (script: string, env: NodeJS.ProcessEnv = process.env) => spawnSync('/bin/sh', [script], { encoding: 'utf8', env });

describe('tls-bootstrap.sh', () => {
  it('makes an EC P-256 self-signed certificate for the first name, key first, 0640, and leaves no temporary files', () => {
    const { script, pem } = bootstrapScript();
    const result = run(script);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('made a throwaway self-signed one for example.test');
    const text = fs.readFileSync(pem, 'utf8');
    expect(text.indexOf('PRIVATE KEY')).toBeLessThan(text.indexOf('CERTIFICATE'));
    const certificate = new crypto.X509Certificate(text);
    const key = crypto.createPrivateKey(text);
    expect(certificate.subject).toBe('CN=example.test');
    expect(certificate.issuer).toBe(certificate.subject);
    expect(certificate.checkPrivateKey(key)).toBe(true);
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(fs.statSync(pem).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(path.dirname(pem))).toEqual(['tls.pem']);
  });

  it('never replaces a PEM that exists (the real certificate), but replaces an empty one', () => {
    const { script, pem } = bootstrapScript();
    fs.mkdirSync(path.dirname(pem), { recursive: true });
    fs.writeFileSync(pem, 'the real certificate\n');
    const kept = run(script);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout).toContain('exists; kept');
    expect(fs.readFileSync(pem, 'utf8')).toBe('the real certificate\n');

    fs.writeFileSync(pem, '');
    expect(run(script).status).toBe(0);
    expect(fs.readFileSync(pem, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('fails with a line that names the missing openssl, making nothing', () => {
    const { script, pem } = bootstrapScript();
    // Every command the script uses, except openssl.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'no-openssl-'));
    for (const tool of ['dirname', 'mkdir', 'rm', 'mktemp', 'cat', 'ln']) {
      const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      fs.symlinkSync(found, path.join(bin, tool));
    }
    const result = run(script, { PATH: bin });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^tls-bootstrap: no openssl command in the app image/);
    expect(fs.existsSync(pem)).toBe(false);
  });
});
