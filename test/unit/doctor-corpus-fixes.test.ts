/**
 * Every fix doctor suggests on the corpus of real Django deployments' nginx configs
 * (test/corpus/nginx) goes through the real `patch -p1` and the real `nginx -t` (host nginx),
 * one finding at a time and all together (`--fix-dry-run`), and doctor run again no longer
 * reports what was fixed.
 *
 * The corpus files name certificates, hosts and include files of their own servers. So that
 * `nginx -t` can load them here, the checked copy of a (patched) file has only those names
 * swapped, on the same lines: certificate paths for a throwaway certificate, a container host
 * (`app:9000`) for 127.0.0.1, a log path for a private folder, an include nginx cannot find for
 * the host's file of that name (Debian's uwsgi_params) or an empty one. The patch itself is
 * applied to the corpus text as doctor read it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { parseNginx, type Directive } from '../../lib/nginx/parse.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { CORPUS } from '../fixtures/corpus.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';

const CONFIGS = fs
  .readdirSync(CORPUS)
  .filter((f) => f.endsWith('.conf'))
  .sort();
const PASSES = new Set(['proxy_pass', 'uwsgi_pass', 'grpc_pass', 'fastcgi_pass', 'scgi_pass']);
const CERTS = new Set(['ssl_certificate', 'ssl_certificate_key', 'ssl_trusted_certificate', 'ssl_client_certificate']);
const LOGS = new Set(['access_log', 'error_log']);

let tls: { cert: string; key: string };
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-corpus-tls-'));
  tls = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') };
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=corpus.test', '-keyout', tls.key, '-out', tls.cert],
    { encoding: 'utf8' },
  );
  expect(made.status, made.stderr).toBe(0);
});

/** A project folder holding one corpus config as site.conf, with the corpus's proxy_params beside it. */
function project(config: string): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-corpus-fix-'));
  fs.copyFileSync(path.join(CORPUS, config), path.join(root, 'site.conf'));
  fs.copyFileSync(path.join(CORPUS, 'proxy_params'), path.join(root, 'proxy_params'));
  return root;
}

/** The host of a `*_pass` or upstream `server` address, when it is a name this machine cannot resolve. */
function containerHost(address: string, upstreams: Set<string>): string | undefined {
  const rest = address.replace(/^[a-z]+:\/\//, '');
  if (rest.startsWith('unix:') || rest.includes('$')) return undefined;
  const host = rest.split(/[:/]/)[0]!;
  if (upstreams.has(host) || host === 'localhost' || net.isIP(host) || host.startsWith('[')) return undefined;
  return host;
}

/**
 * A `listen` address on a port below 1024 (nginx -t binds it, and only root may) as a loopback
 * one above 20000: IPv4 and bare ports at +20000, IPv6 at +21000, so `80` and `[::]:80` stay apart.
 */
function unprivileged(address: string): string | undefined {
  if (address.startsWith('unix:')) return undefined;
  const colon = address.lastIndexOf(':');
  const port = Number(colon >= 0 ? address.slice(colon + 1) : address);
  if (!Number.isInteger(port) || port >= 1024) return undefined;
  return `127.0.0.1:${port + (address.startsWith('[') ? 21000 : 20000)}`;
}

/** Every directive, at any depth. */
const flat = (list: Directive[]): Directive[] => list.flatMap((d) => [d, ...(d.block ? flat(d.block) : [])]);

/**
 * The files of `root` as nginx -t can load them in `check`: the names of the corpus's servers
 * swapped on their own lines (see the header), found with doctor's own nginx reader.
 */
function checkable(root: string, check: string): void {
  fs.rmSync(check, { recursive: true, force: true });
  fs.mkdirSync(path.join(check, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(check, 'nginx.conf'), privateMain('include site.conf;'));
  const pending = ['site.conf'];
  for (let file = pending.shift(); file; file = pending.shift()) {
    const source = path.join(root, file);
    const text = fs.existsSync(source) ? fs.readFileSync(source, 'utf8') : '';
    const lines = text.split('\n');
    const directives = flat(parseNginx(text, file));
    const upstreams = new Set(directives.filter((d) => d.name === 'upstream').map((d) => d.args[0]!));
    const swap = (d: Directive, from: string, to: string) => {
      lines[d.line - 1] = lines[d.line - 1]!.replace(from, to);
    };
    for (const d of directives) {
      const [first = ''] = d.args;
      if (d.name === 'listen') {
        const local = unprivileged(first);
        if (local) swap(d, first, local);
      } else if (CERTS.has(d.name)) swap(d, first, d.name.endsWith('_key') ? tls.key : tls.cert);
      else if (LOGS.has(d.name) && first !== 'off') swap(d, first, path.join(check, 'logs', path.basename(first)));
      else if (PASSES.has(d.name) || (d.name === 'server' && d.args.length > 0 && !d.block)) {
        const host = containerHost(first, d.name === 'server' ? new Set() : upstreams);
        if (host) swap(d, first, first.replace(host, '127.0.0.1'));
      } else if (d.name === 'include') {
        const name = path.basename(first);
        if (first !== name) swap(d, first, name);
        if (fs.existsSync(path.join(root, name))) pending.push(name);
        else fs.writeFileSync(path.join(check, name), fs.existsSync(path.join('/etc/nginx', name)) ? fs.readFileSync(path.join('/etc/nginx', name)) : '');
      } else if (d.name === 'server' && d.block && !directives.some((other) => other.name === 'ssl_certificate')) {
        // A fragment whose certificates come from the file around it on its server (nginx-proxy's vhost.d).
        const listen = d.block.find((inner) => inner.name === 'listen' && inner.args.includes('ssl'));
        if (listen) lines[listen.line - 1] += ` ssl_certificate ${tls.cert}; ssl_certificate_key ${tls.key};`;
      }
    }
    fs.writeFileSync(path.join(check, file), lines.join('\n'));
  }
}

/** nginx -t on the checkable copy of `root`. */
function nginxT(root: string): { status: number | null; stderr: string } {
  const check = `${root}-check`;
  checkable(root, check);
  return spawnSync(NGINX, ['-t', '-q', ...privateArgs(check)], { encoding: 'utf8' });
}

const findingsOf = (root: string) => diagnose(gatherFacts({ root, nginx: 'site.conf' }));
const key = (finding: Finding) => `${finding.rule} ${finding.file}`;

function patch(root: string, diff: string) {
  fs.writeFileSync(path.join(root, 'fix.diff'), diff);
  const result = spawnSync('patch', ['-p1', '--no-backup-if-mismatch', '-i', 'fix.diff'], { cwd: root, encoding: 'utf8' });
  fs.rmSync(path.join(root, 'fix.diff'));
  return result;
}

describe('every fix doctor suggests on the nginx corpus applies and passes nginx -t', () => {
  const tried: string[] = [];
  const withoutFix: string[] = [];

  for (const config of CONFIGS) {
    it(`${config}: each finding's diff patches cleanly, nginx -t accepts the result, and the finding is gone`, () => {
      const pristine = project(config);
      const before = nginxT(pristine);
      expect(before.status, `the corpus file itself, before any fix:\n${before.stderr}`).toBe(0);
      const findings = findingsOf(pristine);
      withoutFix.push(...findings.filter((f) => !f.diff).map((f) => f.rule));
      for (const finding of findings.filter((f) => f.diff)) {
        const root = project(config);
        expect(path.isAbsolute(finding.file), `${key(finding)}: a fix outside the project folder`).toBe(false);
        const what = `${key(finding)}:${finding.line}\n${finding.diff}`;
        expect(finding.diff).not.toMatch(/^ undefined$/m);
        const patched = patch(root, finding.diff!);
        expect(patched.status, `${what}\n${patched.stdout}${patched.stderr}`).toBe(0);
        expect(patched.stdout, what).not.toMatch(/fuzz|offset|Reversed/i);
        const checked = nginxT(root);
        expect(checked.status, `${what}\n${checked.stderr}`).toBe(0);
        const count = (list: Finding[]) => list.filter((f) => key(f) === key(finding)).length;
        expect(count(findingsOf(root)), what).toBeLessThan(count(findings));
        tried.push(`${config} ${finding.rule}@${finding.line}`);
      }
    });

    it(`${config}: --fix-dry-run's one patch applies and passes nginx -t`, async () => {
      const root = project(config);
      const dry = await runDoctor({ root, nginx: 'site.conf', fixDryRun: true, failOn: 'low' });
      if (!dry.output.trim()) {
        expect(findingsOf(root).filter((f) => f.diff)).toEqual([]);
        return;
      }
      const patched = patch(root, dry.output);
      expect(patched.status, `${dry.output}\n${patched.stdout}${patched.stderr}`).toBe(0);
      const checked = nginxT(root);
      expect(checked.status, `${dry.output}\n${checked.stderr}`).toBe(0);
      expect(findingsOf(root).filter((f) => f.diff).length).toBeLessThan(findingsOf(project(config)).filter((f) => f.diff).length);
    });
  }

  it('tried the fix of every corpus finding: every rule offers one', () => {
    expect([...new Set(withoutFix)].sort()).toEqual([]);
    expect(tried.length).toBeGreaterThanOrEqual(100);
    expect(new Set(tried.map((t) => t.split(' ')[0])).size).toBe(CONFIGS.length);
    expect(new Set(tried.map((t) => t.split(' ')[1]!.split('@')[0]))).toEqual(
      new Set([
        'add-header-dropped',
        'add-header-multiline',
        'alias-traversal',
        'autoindex-on',
        'dotfiles-served',
        'forwarded-passthrough',
        'host-header-port',
        'host-spoofing',
        'hsts-wrong-layer',
        'server-tokens',
        'tls-proto-missing',
      ]),
    );
  });
});
