/**
 * No false alarms on the shapes real Django deployments have: each case is a place a rule
 * used to fire where nothing was wrong, next to the case where it must still fire.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { RULES } from '../../lib/doctor/rules/index.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

/** doctor's rule ids on a site; settings null: no Django project, nginx alone. */
function rules(site: string, files: Record<string, string> = {}, settings: string | null = handMadeSettings('staticfiles')): string[] {
  const root = settings === null ? fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nginx-only-')) : handMadeProject(settings, files);
  fs.writeFileSync(path.join(root, 'site.conf'), site);
  return diagnose(gatherFacts({ root, nginx: 'site.conf' })).map((f) => f.rule);
}

const server = (body: string) => `server {\n    listen 80;\n    server_tokens off;\n${body}\n}\n`;
const SAFE_PROXY = 'proxy_set_header Host $http_host; proxy_set_header X-Forwarded-Proto $scheme; proxy_set_header X-Forwarded-Ssl ""; proxy_set_header X-Forwarded-Protocol "";';

describe('dotfiles-served: only where a dotfile can be asked for', () => {
  it('not on an internal location (X-Accel-Redirect only)', () => {
    expect(rules(server('    location /protected/ { internal; alias /srv/media/; }'), {}, `${handMadeSettings('staticfiles')}MEDIA_URL = "/protected/"\nMEDIA_ROOT = "/srv/media"\n`)).not.toContain(
      'dotfiles-served',
    );
  });
  it('not on a single-file alias, nor on /.well-known/', () => {
    const site = server('    location /robots.txt { alias /srv/www/robots.txt; }\n    location /.well-known/acme-challenge/ { alias /var/www/certbot/; }');
    expect(rules(site, {}, null).filter((r) => r === 'dotfiles-served')).toEqual([]);
  });
  it('still on a folder served to anyone', () => {
    expect(rules(server('    location /static/ { alias /srv/static/; }'), {}, null)).toContain('dotfiles-served');
  });
});

describe('forwarded-passthrough: only on the Django upstream', () => {
  const passthrough = (pass: string) => server(`    location / { proxy_pass ${pass}; proxy_set_header X-Forwarded-Host $http_x_forwarded_host; ${SAFE_PROXY} }`);
  const compose =
    'services:\n  web:\n    build: .\n    command: gunicorn mysite.wsgi -b 0.0.0.0:8000\n    expose: ["8000"]\n  frontend:\n    image: node:20\n    command: npm run dev\n  minio:\n    image: minio/minio\n  flower:\n    build: .\n    command: celery -A mysite flower\n';
  it.each(['http://frontend:3000', 'http://minio:9000', 'http://flower:5555', 'http://127.0.0.1:5173', 'http://azurite:10000'])('not on %s', (pass) => {
    expect(rules(passthrough(pass), { 'compose.yaml': compose })).not.toContain('forwarded-passthrough');
  });
  it('on the compose service running gunicorn, and on an upstream block of it', () => {
    expect(rules(passthrough('http://web:8000'), { 'compose.yaml': compose })).toContain('forwarded-passthrough');
    expect(rules(`upstream app_server { server web:8000; }\n${passthrough('http://app_server')}`, { 'compose.yaml': compose })).toContain('forwarded-passthrough');
  });
  it('on an upstream doctor cannot name (judged as Django)', () => {
    expect(rules(passthrough('http://127.0.0.1:8000'))).toContain('forwarded-passthrough');
  });
});

describe('severities separate defects from hardening', () => {
  it('a hardening rule is never above low, so --fail-on medium fails on defects only', () => {
    const hardening = RULES.filter((rule) => rule.category === 'hardening');
    expect(hardening.map((rule) => rule.id)).toEqual(expect.arrayContaining(['server-tokens', 'compose-least-privilege']));
    for (const rule of hardening) expect([rule.id, rule.severity]).toEqual([rule.id, 'low']);
  });
});

describe('host-spoofing: $http_host is what Django checks against ALLOWED_HOSTS', () => {
  const severities = (site: string, settings: string | null) => {
    const root = settings === null ? fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nginx-only-')) : handMadeProject(settings);
    fs.writeFileSync(path.join(root, 'site.conf'), site);
    return diagnose(gatherFacts({ root, nginx: 'site.conf' }))
      .filter((f) => f.rule === 'host-spoofing')
      .map((f) => f.severity);
  };
  const site = server(`    location / { proxy_pass http://127.0.0.1:8000; ${SAFE_PROXY} }`); // Host $http_host
  const star = handMadeSettings('staticfiles').replace('ALLOWED_HOSTS = ["example.com"]', 'ALLOWED_HOSTS = ["*"]');
  it('quiet with a strict ALLOWED_HOSTS; with settings doctor cannot read, hardening only (low, so --fail-on medium passes)', () => {
    expect(rules(site)).not.toContain('host-spoofing');
    expect(severities(site, null)).toEqual(['low']);
  });
  it('reported when ALLOWED_HOSTS accepts any host, unless a catch-all server refuses unknown names first', () => {
    expect(rules(site, {}, star)).toContain('host-spoofing');
    const gated = `server { listen 80 default_server; server_name _; return 444; }\n${site.replace('listen 80;', 'listen 80;\n    server_name example.com;')}`;
    expect(rules(gated, {}, star)).not.toContain('host-spoofing');
  });
  it('reported for a Host taken from X-Forwarded-Host or a query argument, whatever ALLOWED_HOSTS says', () => {
    expect(rules(site.replace('Host $http_host', 'Host $arg_host'))).toContain('host-spoofing');
  });
});
