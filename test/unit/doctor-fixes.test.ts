/**
 * doctor's fixes, applied the way a user applies them: every diff of every finding on a corpus
 * of broken setups goes through the real `patch -p1`, the result through the real `nginx -t`,
 * and doctor run again no longer reports it. Then `--fix-dry-run` (one patch) and `--fix`
 * (files written, FILE.orig kept, nothing outside the folder touched, links out refused), and
 * on a live nginx the fixed config still answers ACME challenges while refusing dotfiles.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runDoctor } from '../../lib/doctor/command.js';
import type { Finding } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { writeProject } from '../fixtures/projects.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';

const SETTINGS = handMadeSettings('staticfiles');

/** Debian's proxy_params as shipped (the four headers), in the project so nginx -t finds it too. */
const PROXY_PARAMS =
  'proxy_set_header Host $host;\nproxy_set_header X-Real-IP $remote_addr;\nproxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\nproxy_set_header X-Forwarded-Proto $scheme;\n';

/** Broken setups; together they trigger every rule that offers a fix. {ROOT} is the project folder. */
const CORPUS: Record<string, { site: string; settings?: string; files?: Record<string, string> }> = {
  seed: { site: 'server {\n    listen 127.0.0.1:19341;\n    server_name localhost;\n\n    location /static {\n        autoindex on;\n        alias {ROOT}/collected/;\n    }\n}\n' },
  'proxy_params included': {
    site: 'server {\n    listen 127.0.0.1:19342;\n    server_name example.com;\n    server_tokens off;\n    location / {\n        include proxy_params;\n        proxy_pass http://127.0.0.1:8000;\n    }\n}\n',
    settings: `${SETTINGS.replace('DEBUG = False', 'DEBUG = True').replace('["example.com"]', '["*"]')}MEDIA_ROOT = BASE_DIR / "media"\nUSE_X_FORWARDED_HOST = True\nSECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n`,
    files: { proxy_params: PROXY_PARAMS },
  },
  'headers and prefixes': {
    site: 'server {\n    listen 127.0.0.1:19343;\n    server_tokens off;\n    add_header X-Frame-Options DENY;\n    location /assets/ {\n        alias {ROOT}/staticfiles/;\n        add_header Cache-Control public;\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Host $http_host;\n        proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;\n        proxy_set_header X-Forwarded-Host $http_x_forwarded_host;\n    }\n}\n',
    settings: `${SETTINGS}STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}\n`,
  },
  'manifest and host port': {
    site: 'server {\n    listen 127.0.0.1:19344;\n    server_tokens off;\n    location /static/ {\n        alias {ROOT}/staticfiles/;\n        location ~ /\\. { return 404; }\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n        proxy_set_header Host $host;\n        proxy_set_header X-Forwarded-Proto $scheme;\n    }\n}\n',
    settings: `${SETTINGS}STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}\n`,
  },
  'folded CSP and HSTS over HTTP': {
    site: 'server {\n    listen 127.0.0.1:19346;\n    server_tokens off;\n    add_header Strict-Transport-Security "max-age=63072000" always;\n    add_header Content-Security-Policy "\n        default-src \'self\';\n        frame-ancestors \'none\';\n    " always;\n    location / {\n        return 204;\n    }\n}\n',
  },
  compose: {
    site: 'server {\n    listen 127.0.0.1:19345;\n    server_tokens off;\n}\n',
    files: { 'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn mysite.wsgi -b 0.0.0.0:8000\n    ports:\n      - "8000:8000"\n', 'gunicorn.conf.py': 'bind = "0.0.0.0:8000"\n' },
  },
};

function project(name: string): string {
  const { site, settings = SETTINGS, files = {} } = CORPUS[name]!;
  const root = handMadeProject(settings, files);
  fs.writeFileSync(path.join(root, 'site.conf'), site.replaceAll('{ROOT}', root));
  fs.writeFileSync(path.join(root, 'nginx.conf'), privateMain('include site.conf;'));
  fs.mkdirSync(path.join(root, 'logs'));
  return root;
}

const nginxT = (root: string) => spawnSync(NGINX, ['-t', '-q', ...privateArgs(root)], { encoding: 'utf8' });
const findingsOf = (root: string) => diagnose(gatherFacts({ root, nginx: 'site.conf' }));
const key = (finding: Finding) => `${finding.rule} ${finding.file}`;

/** Every file of a project folder, to put back after a patch. */
function snapshot(root: string): () => void {
  const files = new Map(
    fs
      .readdirSync(root, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [path.join(e.parentPath, e.name), fs.readFileSync(path.join(e.parentPath, e.name))]),
  );
  return () => {
    for (const [file, data] of files) fs.writeFileSync(file, data);
    for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true }))
      if (entry.isFile() && !files.has(path.join(entry.parentPath, entry.name))) fs.rmSync(path.join(entry.parentPath, entry.name));
  };
}

describe('every fix applies with patch -p1 and passes nginx -t', () => {
  const fixed = new Set<string>();

  for (const name of Object.keys(CORPUS)) {
    it(`${name}: each finding's diff patches cleanly, nginx -t accepts the result, and the finding is gone`, () => {
      const root = project(name);
      expect(nginxT(root).status, nginxT(root).stderr).toBe(0);
      const findings = findingsOf(root);
      const withDiff = findings.filter((f) => f.diff);
      expect(withDiff.length).toBeGreaterThan(0);
      for (const finding of withDiff) {
        const restore = snapshot(root);
        expect(finding.diff).not.toMatch(/^ undefined$/m);
        fs.writeFileSync(path.join(root, 'fix.diff'), finding.diff!);
        const patch = spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: root, encoding: 'utf8' });
        const what = `${key(finding)}:${finding.line}\n${finding.diff}\n${patch.stdout}${patch.stderr}`;
        expect(patch.status, what).toBe(0);
        expect(patch.stdout, what).not.toMatch(/fuzz|offset|Reversed/i);
        const checked = nginxT(root);
        expect(checked.status, `${what}\n${checked.stderr}`).toBe(0);
        if (fs.existsSync(path.join(root, 'compose.yaml'))) expect(parseDocument(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8')).errors).toEqual([]);
        const count = (list: Finding[]) => list.filter((f) => key(f) === key(finding)).length;
        expect(count(findingsOf(root)), what).toBeLessThan(count(findings));
        fixed.add(finding.rule);
        restore();
      }
    });
  }

  it('the corpus covers every rule whose fix touches nginx, settings or compose', () => {
    const wanted = [
      'add-header-dropped',
      'add-header-multiline',
      'alias-traversal',
      'allowed-hosts-star',
      'autoindex-on',
      'client-max-body-size',
      'compose-least-privilege',
      'django-debug',
      'django-proxy-settings',
      'dotfiles-served',
      'forwarded-passthrough',
      'forwarded-proto-from-client',
      'gunicorn-exposed',
      'host-header-port',
      'hsts-wrong-layer',
      'manifest-served',
      'server-tokens',
      'static-folder',
      'static-url',
      'static-via-gunicorn',
    ];
    expect(wanted.filter((rule) => !fixed.has(rule))).toEqual([]);
  });
});

describe('hsts-wrong-layer: where HSTS goes', () => {
  const hstsFix = (site: string) => {
    const root = handMadeProject(SETTINGS, {});
    fs.writeFileSync(path.join(root, 'site.conf'), site);
    return findingsOf(root).find((f) => f.rule === 'hsts-wrong-layer');
  };
  const plain = 'server {\n    listen 80;\n    server_name a.example;\n    add_header Strict-Transport-Security "max-age=600" always;\n    return 301 https://$host$request_uri;\n}\n';
  const tls = (extra: string) => `server {\n    listen 443 ssl;\n    server_name a.example;\n${extra}    location / {\n        return 204;\n    }\n}\n`;

  it('moves it into the HTTPS server of the same name, first in its block', () => {
    const finding = hstsFix(plain + tls(''));
    expect(finding?.diff).toContain('-    add_header Strict-Transport-Security "max-age=600" always;');
    expect(finding?.diff).toMatch(/ server \{\n\+ {4}add_header Strict-Transport-Security "max-age=600" always;\n {5}listen 443 ssl;/);
  });

  it('only removes it where the HTTPS server sends its own', () => {
    const finding = hstsFix(plain + tls('    add_header Strict-Transport-Security "max-age=31536000" always;\n'));
    expect(finding?.diff?.match(/^\+ /gm) ?? []).toEqual([]);
    expect(finding?.diff).toContain('-    add_header Strict-Transport-Security');
  });

  it('offers no fix where an add_header in the HTTPS server would drop the headers it inherits from http {}', () => {
    const finding = hstsFix(`http {\n    add_header X-Frame-Options DENY;\n${plain}${tls('')}}\n`);
    expect(finding).toBeDefined();
    expect(finding?.diff).toBeUndefined();
  });
});

describe('doctor --fix-dry-run and --fix', () => {
  it('--fix-dry-run prints one patch that applies and passes nginx -t; --fix writes the same, keeping FILE.orig', async () => {
    const root = project('proxy_params included');
    const dry = await runDoctor({ root, nginx: 'site.conf', fixDryRun: true });
    expect(dry.output).toMatch(/^--- a\/site\.conf\n\+\+\+ b\/site\.conf\n/);
    const restore = snapshot(root);
    fs.writeFileSync(path.join(root, 'all.diff'), dry.output);
    const patch = spawnSync('patch', ['-p1', '-i', 'all.diff'], { cwd: root, encoding: 'utf8' });
    expect(patch.status, patch.stdout + patch.stderr).toBe(0);
    expect(nginxT(root).status, nginxT(root).stderr).toBe(0);
    const patched = new Map(['site.conf', 'proxy_params', 'mysite/settings.py'].map((file) => [file, fs.readFileSync(path.join(root, file), 'utf8')]));
    restore();

    const before = findingsOf(root).length;
    const fix = await runDoctor({ root, nginx: 'site.conf', fix: true, format: 'json' });
    const report = JSON.parse(fix.output);
    expect(report.notes[0]).toMatch(/^fixed \d+ findings in site\.conf, .* \(the originals: site\.conf\.orig, /);
    for (const [file, text] of patched) expect(fs.readFileSync(path.join(root, file), 'utf8'), file).toBe(text);
    expect(fs.readFileSync(path.join(root, 'site.conf.orig'), 'utf8')).toContain('include proxy_params;');
    expect(nginxT(root).status).toBe(0);
    expect(report.findings.length).toBeLessThan(before);
  });

  it('--fix touches nothing outside the folder, and refuses a link that leads out of it', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-outside-'));
    fs.writeFileSync(path.join(outside, 'site.conf'), 'server {\n    listen 127.0.0.1:19346;\n    autoindex on;\n}\n');
    fs.writeFileSync(path.join(outside, 'extra.conf'), 'server {\n    listen 127.0.0.1:19347;\n    server_tokens on;\n}\n');
    const root = writeProject({ 'main.conf': `events {}\nhttp {\n    include site.conf;\n    include ${outside}/extra.conf;\n}\n` });
    fs.symlinkSync(path.join(outside, 'site.conf'), path.join(root, 'site.conf'));
    const outcome = await runDoctor({ root, nginx: 'main.conf', fix: true, failOn: 'low' });
    expect(outcome.messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^not fixed: site\.conf:3 \[autoindex-on\]: site\.conf is a link to .*outside the folder$/),
        expect.stringMatching(/^not fixed: .*extra\.conf:3 \[server-tokens\]: .* is outside /),
      ]),
    );
    expect(fs.readFileSync(path.join(outside, 'site.conf'), 'utf8')).toContain('autoindex on;');
    expect(fs.readFileSync(path.join(outside, 'extra.conf'), 'utf8')).toContain('server_tokens on;');
    expect(fs.readdirSync(outside).sort()).toEqual(['extra.conf', 'site.conf']);
    expect(outcome.exitCode).toBe(1);
  });

  it('--fix and --fix-dry-run together, or --fix on a dump, are usage errors', async () => {
    const root = project('seed');
    expect((await runDoctor({ root, nginx: 'site.conf', fix: true, fixDryRun: true })).exitCode).toBe(2);
    expect((await runDoctor({ root, nginxDump: '-', readStdin: () => '# configuration file /x:\n', fix: true })).error).toMatch(/--nginx-dump has none/);
  });
});

describe('the fixed config on a live nginx', () => {
  const PORT = 19348;
  let nginx: ChildProcess | undefined;
  afterEach(async () => {
    if (!nginx || nginx.exitCode !== null) return;
    const exited = new Promise((resolve) => nginx!.once('exit', resolve));
    nginx.kill('SIGTERM');
    await exited;
  });

  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(PORT, '127.0.0.1', () => resolve(socket.end() && true));
      socket.on('error', () => resolve(false));
    });

  it('still answers ACME http-01 challenges under /.well-known/ and refuses dotfiles', async () => {
    const root = writeProject({
      'acme/.well-known/acme-challenge/tok3n_-AbC': 'tok3n_-AbC.thumbprint\n',
      'downloads/.env': 'SECRET_KEY=x\n',
      'downloads/file.txt': 'public\n',
    });
    fs.chmodSync(root, 0o755);
    for (const dir of ['acme', 'acme/.well-known', 'acme/.well-known/acme-challenge', 'downloads']) fs.chmodSync(path.join(root, dir), 0o755);
    const site = `server {\n    listen 127.0.0.1:${PORT};\n    server_tokens off;\n    location /.well-known/acme-challenge/ {\n        root ${root}/acme;\n    }\n    location /downloads/ {\n        alias ${root}/downloads/;\n    }\n}\n`;
    fs.writeFileSync(path.join(root, 'site.conf'), site);
    fs.writeFileSync(path.join(root, 'nginx.conf'), privateMain('include site.conf;'));
    fs.mkdirSync(path.join(root, 'logs'));
    const fix = await runDoctor({ root, nginx: 'site.conf', fix: true });
    expect(fix.output).toMatch(/fixed \d+ finding/);
    nginx = spawn(NGINX, privateArgs(root, 'daemon off;'), { stdio: 'ignore' });
    // A bound, not a wait: polled every 50 ms, generous for a loaded machine (the unit tier runs beside the e2e suites).
    const deadline = Date.now() + 60_000;
    while (!(await answers())) {
      expect(Date.now() < deadline, fs.existsSync(path.join(root, 'logs/error.log')) ? fs.readFileSync(path.join(root, 'logs/error.log'), 'utf8') : 'no log').toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const get = async (url: string) => (await fetch(`http://127.0.0.1:${PORT}${url}`)).status;
    expect(await get('/.well-known/acme-challenge/tok3n_-AbC')).toBe(200);
    expect(await get('/downloads/file.txt')).toBe(200);
    expect(await get('/downloads/.env')).toBe(404);
    // dotfiles-served leaves /.well-known/ locations alone (ACME tokens are base64url, never dotfiles): no fix there to check.
  });
});
