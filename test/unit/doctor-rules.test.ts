/**
 * Every doctor rule on a failing and a passing fixture. The failing one must be reported at
 * the right file and line, and where the rule offers a fix, applying that fix to the file
 * must make the rule quiet: the diff is proven, not just printed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, type Finding } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { RULES } from '../../lib/doctor/rules/index.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

const SETTINGS = handMadeSettings('staticfiles');

/** A hand-made site that does everything right; {ROOT} is the project folder. */
const SITE = `server {
    listen 80;
    server_name example.com;
    server_tokens off;
    location /static/ {
        alias {ROOT}/staticfiles/;
        location ~ /\\. { return 404; }
    }
    location / {
        proxy_pass http://127.0.0.1:8000;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Ssl "";
        proxy_set_header X-Forwarded-Protocol "";
    }
}
`;

interface Case {
  site?: string;
  settings?: string;
  files?: Record<string, string>;
}

function run({ site = SITE, settings = SETTINGS, files = {} }: Case): { root: string; findings: Finding[] } {
  const root = handMadeProject(settings, files);
  fs.writeFileSync(path.join(root, 'site.conf'), site.replaceAll('{ROOT}', root));
  return { root, findings: diagnose(gatherFacts({ root, nginx: 'site.conf' })) };
}

const edit = (from: string, to: string) => (text: string) => {
  expect(text).toContain(from);
  return text.replace(from, to);
};

/** A Channels project routing websockets under /ws/. */
const CHANNELS = `${SETTINGS}INSTALLED_APPS = ["channels"]\nASGI_APPLICATION = "mysite.asgi.application"\n`;
const WEBSOCKET_FILES = {
  'mysite/asgi.py': 'application = None\n',
  'chat/__init__.py': '',
  'chat/routing.py': 'from django.urls import path\n\nwebsocket_urlpatterns = [path("ws/echo/", None)]\n',
};

/** A failing case (a change to the site, the settings or extra files) and a passing one. */
const CASES: Record<string, { bad: Case; line: number; file?: string; good: Case; fixable?: boolean }> = {
  'alias-traversal': { bad: { site: edit('location /static/ {', 'location /static {')(SITE) }, line: 5, good: {} },
  'autoindex-on': {
    bad: { site: edit('server_tokens off;', 'server_tokens off;\n    autoindex on;')(SITE) },
    line: 5,
    good: { site: edit('server_tokens off;', 'server_tokens off;\n    autoindex off;')(SITE) },
  },
  'static-folder': { bad: { site: edit('{ROOT}/staticfiles/', '/var/www/static/')(SITE) }, line: 6, good: { site: edit('{ROOT}/staticfiles/', '/srv/app/staticfiles/')(SITE) } },
  'static-url': { bad: { site: edit('location /static/ {', 'location /assets/ {')(SITE) }, line: 5, good: {} },
  'static-via-gunicorn': {
    bad: { site: edit('    location /static/ {\n        alias {ROOT}/staticfiles/;\n        location ~ /\\. { return 404; }\n    }\n', '')(SITE) },
    line: 5,
    good: {},
  },
  'dotfiles-served': {
    bad: { site: edit('        location ~ /\\. { return 404; }\n', '')(SITE) },
    line: 5,
    good: { site: edit('        location ~ /\\. { return 404; }\n', '')(SITE).replace('    location / {', '    location ~ /\\. { deny all; }\n    location / {') },
  },
  'manifest-served': {
    bad: { settings: `${SETTINGS}STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}\n` },
    line: 5,
    good: {
      settings: `${SETTINGS}STORAGES = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}\n`,
      site: edit('        location ~ /\\. { return 404; }', '        location ~ /\\. { return 404; }\n        location = /static/staticfiles.json { return 404; }')(SITE),
    },
  },
  'add-header-dropped': {
    bad: {
      site: edit(
        'server_tokens off;',
        'server_tokens off;\n    add_header X-Frame-Options DENY;',
      )(SITE).replace('alias {ROOT}/staticfiles/;', 'alias {ROOT}/staticfiles/;\n        add_header Cache-Control "public";'),
    },
    line: 8,
    good: { site: edit('alias {ROOT}/staticfiles/;', 'alias {ROOT}/staticfiles/;\n        add_header Cache-Control "public";')(SITE) },
  },
  'host-header-port': {
    bad: { site: edit('proxy_set_header Host $http_host;', 'proxy_set_header Host $host;')(SITE).replace('listen 80;', 'listen 8080;') },
    line: 11,
    good: { site: edit('proxy_set_header Host $http_host;', 'proxy_set_header Host $host;')(SITE) },
  },
  'forwarded-proto-from-client': {
    bad: { site: edit('X-Forwarded-Proto $scheme', 'X-Forwarded-Proto $http_x_forwarded_proto')(SITE) },
    line: 12,
    good: { site: edit('        proxy_set_header X-Forwarded-Proto $scheme;\n', '')(SITE) }, // not trusted by Django: nothing to spoof
  },
  'forwarded-passthrough': { bad: { site: edit('X-Forwarded-Ssl ""', 'X-Forwarded-Host $http_x_forwarded_host;\n        proxy_set_header X-Forwarded-Ssl ""')(SITE) }, line: 13, good: {} },
  'client-max-body-size': {
    bad: { settings: `${SETTINGS}MEDIA_ROOT = BASE_DIR / "media"\n` },
    line: 1,
    good: { settings: `${SETTINGS}MEDIA_ROOT = BASE_DIR / "media"\n`, site: edit('server_tokens off;', 'server_tokens off;\n    client_max_body_size 20m;')(SITE) },
  },
  'server-tokens': { bad: { site: edit('    server_tokens off;\n', '')(SITE) }, line: 1, good: {} },
  'gunicorn-exposed': {
    bad: { files: { 'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn mysite.wsgi -b 0.0.0.0:8000\n    ports:\n      - "8000:8000"\n' } },
    file: 'compose.yaml',
    line: 6,
    good: { files: { 'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn mysite.wsgi -b 0.0.0.0:8000\n    expose:\n      - "8000"\n' } },
  },
  'asgi-under-wsgi': {
    bad: { files: { 'requirements.txt': 'django\ngunicorn\nuvicorn\n', 'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn mysite.asgi:application -b 0.0.0.0:8000\n' } },
    file: 'compose.yaml',
    line: 4,
    good: {
      files: {
        'requirements.txt': 'django\ngunicorn\nuvicorn\n',
        'compose.yaml': 'services:\n  web:\n    build: .\n    command: gunicorn mysite.asgi:application -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000\n',
      },
    },
  },
  'websocket-upgrade-missing': {
    bad: { settings: CHANNELS, files: WEBSOCKET_FILES },
    line: 9,
    good: {
      settings: CHANNELS,
      files: WEBSOCKET_FILES,
      site: `map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n${edit('proxy_set_header Host $http_host;', 'proxy_set_header Host $http_host;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;')(SITE)}`,
    },
  },
  'compose-least-privilege': {
    bad: { files: { 'compose.yaml': 'services:\n  web:\n    build: .\n    read_only: true\n    expose:\n      - "8000"\n' } },
    file: 'compose.yaml',
    line: 2,
    good: {
      files: {
        'compose.yaml':
          'services:\n  web:\n    build: .\n    read_only: true\n    cap_drop: [ALL]\n    security_opt: ["no-new-privileges:true"]\n    deploy:\n      resources:\n        limits: {memory: 512m, pids: 256}\n',
      },
    },
  },
  'add-header-multiline': {
    bad: { site: edit('server_tokens off;', "server_tokens off;\n    add_header Content-Security-Policy \"default-src 'self';\n        img-src 'self'\";")(SITE) },
    line: 5,
    good: { site: edit('server_tokens off;', "server_tokens off;\n    add_header Content-Security-Policy \"default-src 'self'; img-src 'self'\";")(SITE) },
  },
  'add-header-content-type': {
    bad: { site: edit('server_tokens off;', 'server_tokens off;\n    add_header Content-Type text/plain;')(SITE) },
    line: 5,
    good: { site: edit('server_tokens off;', 'server_tokens off;\n    default_type text/plain;')(SITE) },
  },
  'host-spoofing': { bad: { site: edit('Host $http_host', 'Host $http_x_forwarded_host')(SITE) }, line: 11, good: {} },
  'http-splitting': {
    bad: { site: edit('server_tokens off;', 'server_tokens off;\n    add_header X-Uri $uri;')(SITE) },
    line: 5,
    good: { site: edit('server_tokens off;', 'server_tokens off;\n    add_header X-Uri $request_uri;')(SITE) },
  },
  'proxy-ssrf': {
    bad: { site: edit('    location / {', '    location /fetch/ { proxy_pass $arg_url; }\n    location / {')(SITE) },
    line: 9,
    good: { site: edit('    location / {', '    location /fetch/ { internal; proxy_pass $arg_url; }\n    location / {')(SITE) },
  },
  'tls-proto-missing': {
    bad: { site: edit('listen 80;', 'listen 443 ssl;')(SITE) },
    line: 12,
    good: { site: edit('listen 80;', 'listen 443 ssl;')(SITE), settings: `${SETTINGS}SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")\n` },
  },
  'hsts-wrong-layer': {
    bad: { site: edit('proxy_set_header Host $http_host;', 'proxy_set_header Host $http_host;\n        proxy_set_header Strict-Transport-Security "max-age=31536000";')(SITE) },
    line: 12,
    good: {},
  },
  'acme-challenge-blocked': {
    bad: { site: edit('    location / {', '    location ~ /\\. { deny all; }\n    location /.well-known/acme-challenge/ { root /var/www/certbot; }\n    location / {')(SITE) },
    line: 10,
    good: { site: edit('    location / {', '    location ~ /\\. { deny all; }\n    location ^~ /.well-known/acme-challenge/ { root /var/www/certbot; }\n    location / {')(SITE) },
  },
  'valid-referers-none': {
    bad: { site: edit('alias {ROOT}/staticfiles/;', 'alias {ROOT}/staticfiles/;\n        valid_referers none example.com;')(SITE) },
    line: 7,
    good: { site: edit('alias {ROOT}/staticfiles/;', 'alias {ROOT}/staticfiles/;\n        valid_referers example.com;')(SITE) },
  },
  'origin-regex': {
    bad: { site: edit('    location / {', "    location / {\n        if ($http_origin !~ '^https://example.com/') { return 403; }")(SITE) },
    line: 10,
    good: { site: edit('    location / {', "    location / {\n        if ($http_origin !~ '^https://example\\.com/') { return 403; }")(SITE) },
  },
  'allow-without-deny': {
    bad: { site: edit('    location / {', '    location = /nginx-status { allow 127.0.0.1; stub_status; }\n    location / {')(SITE) },
    line: 9,
    good: { site: edit('    location / {', '    location = /nginx-status { allow 127.0.0.1; deny all; stub_status; }\n    location / {')(SITE) },
  },
  'if-in-location': {
    bad: { site: edit('    location / {', '    location / {\n        if ($request_method = POST) { set $post 1; }')(SITE) },
    line: 10,
    good: { site: edit('    location / {', '    location / {\n        if ($request_method = TRACE) { return 405; }')(SITE) },
  },
  'resolver-external': {
    bad: { site: edit('server_tokens off;', 'server_tokens off;\n    resolver 8.8.8.8;')(SITE) },
    line: 5,
    good: { site: edit('server_tokens off;', 'server_tokens off;\n    resolver 127.0.0.11;')(SITE) },
  },
  'django-debug': { bad: { settings: edit('DEBUG = False', 'DEBUG = True')(SETTINGS) }, file: 'mysite/settings.py', line: 3, good: {} },
  'allowed-hosts-star': { bad: { settings: edit('["example.com"]', '["*"]')(SETTINGS) }, file: 'mysite/settings.py', line: 4, good: {} },
  'django-proxy-settings': {
    bad: { settings: `${SETTINGS}USE_X_FORWARDED_HOST = True\n` },
    file: 'mysite/settings.py',
    line: 7,
    good: {
      settings: `${SETTINGS}USE_X_FORWARDED_HOST = True\n`,
      site: edit('proxy_set_header Host $http_host;', 'proxy_set_header Host $http_host;\n        proxy_set_header X-Forwarded-Host $http_host;')(SITE),
    },
  },
};

describe('doctor rules', () => {
  it('the well-made site has no findings', () => {
    expect(run({}).findings).toEqual([]);
  });

  it('every rule has a failing and a passing fixture', () => {
    expect(Object.keys(CASES).sort()).toEqual(RULES.map((rule) => rule.id).sort());
  });

  it('static-folder in compose: nginx must serve the volume the Django services mount at STATIC_ROOT', () => {
    const compose = (appTarget: string) =>
      `services:\n  web:\n    build: .\n    environment:\n      DJANGO_SETTINGS_MODULE: mysite.settings\n    volumes:\n      - static:${appTarget}\n  nginx:\n    image: nginx:1.27\n    volumes:\n      - static:/srv/www/static:ro\nvolumes:\n  static: {}\n`;
    const site = edit('alias {ROOT}/staticfiles/;', 'alias /srv/www/static/;')(SITE);
    const settings = edit('STATIC_ROOT = BASE_DIR / "staticfiles"', 'STATIC_ROOT = "/srv/app/static"')(SETTINGS);
    const bad = run({ site, settings, files: { 'compose.yaml': compose('/srv/app/collected') } }).findings.filter((f) => f.rule === 'static-folder');
    expect(bad.map((f) => [f.line, f.message])).toEqual([[6, 'nginx serves static, which the Django services see at /srv/app/collected, but STATIC_ROOT is /srv/app/static (mysite/settings.py:6)']]);
    expect(run({ site, settings, files: { 'compose.yaml': compose('/srv/app/static') } }).findings.filter((f) => f.rule === 'static-folder')).toEqual([]);
  });

  it('compose-least-privilege names each missing setting with its CIS section, and its fix is valid YAML that leaves nothing missing', () => {
    const { root, findings } = run(CASES['compose-least-privilege']!.bad);
    const [hit] = findings.filter((f) => f.rule === 'compose-least-privilege');
    expect(hit!.message).toBe('the web service has no cap_drop: [ALL] (CIS 5.3), no-new-privileges (CIS 5.25), a memory limit (CIS 5.10), a PIDs limit (CIS 5.28)');
    const file = path.join(root, 'compose.yaml');
    fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), hit!.fix!.edits));
    expect(diagnose(gatherFacts({ root, nginx: 'site.conf' })).filter((f) => f.rule === 'compose-least-privilege')).toEqual([]);
  });

  it('gunicorn-exposed without compose: gunicorn.conf.py binding every address, unless a firewall is noted', () => {
    const conf = 'import os\n\nbind = "0.0.0.0:8000"\nworkers = 3\n';
    const [hit] = run({ files: { 'gunicorn.conf.py': conf } }).findings.filter((f) => f.rule === 'gunicorn-exposed');
    expect([hit?.file, hit?.line, hit?.diff]).toEqual([
      'gunicorn.conf.py',
      3,
      '--- a/gunicorn.conf.py\n+++ b/gunicorn.conf.py\n@@ -2,3 +2,3 @@\n \n-bind = "0.0.0.0:8000"\n+bind = "127.0.0.1:8000"\n workers = 3\n',
    ]);
    const noted = `# port 8000 is closed by the firewall (ufw); only nginx on this host reaches it\n${conf}`;
    expect(run({ files: { 'gunicorn.conf.py': noted } }).findings.filter((f) => f.rule === 'gunicorn-exposed')).toEqual([]);
  });

  it('static-url and static-folder judge MEDIA_URL and MEDIA_ROOT the same way', () => {
    const settings = `${SETTINGS}MEDIA_URL = "/media/"\nMEDIA_ROOT = BASE_DIR / "media"\n`;
    const media = (prefix: string, folder: string) =>
      edit('    location / {', `    client_max_body_size 10m;\n    location ${prefix} {\n        alias ${folder};\n        location ~ /\\. { return 404; }\n    }\n    location / {`)(SITE);
    const rules = (c: Case) => run(c).findings.map((f) => f.rule);
    expect(rules({ settings, site: media('/uploads/', '{ROOT}/media/') })).toEqual(['static-url']);
    expect(rules({ settings, site: media('/media/', '/var/uploads/') })).toEqual(['static-folder']);
    expect(rules({ settings, site: media('/media/', '{ROOT}/media/') })).toEqual([]);
  });

  it('static-via-gunicorn is low when WhiteNoise serves the files', () => {
    const settings = `${SETTINGS}MIDDLEWARE = ["django.middleware.security.SecurityMiddleware", "whitenoise.middleware.WhiteNoiseMiddleware"]\n`;
    const hits = run({ ...CASES['static-via-gunicorn']!.bad, settings }).findings.filter((f) => f.rule === 'static-via-gunicorn');
    expect(hits.map((f) => f.severity)).toEqual(['low']);
  });

  for (const [id, { bad, good, line, file }] of Object.entries(CASES)) {
    it(`${id}: found where it is, fixed by its own diff; quiet when done right`, () => {
      const { root, findings } = run(bad);
      const hits = findings.filter((f) => f.rule === id);
      expect(hits.length, JSON.stringify(findings, null, 1)).toBeGreaterThan(0);
      const [hit] = hits;
      expect(hit!.file).toBe(file ?? 'site.conf');
      expect(hit!.line).toBe(line);
      expect(hit!.why).toMatch(/\.$/);
      if (hit!.fix) {
        expect(hit!.diff).toContain(`+++ b/${hit!.fix.file.startsWith(root) ? path.relative(root, hit!.fix.file) : hit!.fix.file}`);
        const target = path.resolve(root, hit!.fix.file);
        fs.writeFileSync(target, applyEdits(fs.readFileSync(target, 'utf8'), hit!.fix.edits));
        const after = diagnose(gatherFacts({ root, nginx: 'site.conf' })).filter((f) => f.rule === id);
        expect(after.length, `${hit!.diff}\nstill: ${JSON.stringify(after)}`).toBeLessThan(hits.length);
      }
      expect(run(good).findings.filter((f) => f.rule === id)).toEqual([]);
    });
  }
});
