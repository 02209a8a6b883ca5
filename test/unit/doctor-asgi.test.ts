/**
 * doctor on ASGI deployments: an ASGI app started under gunicorn's sync worker (compose,
 * Dockerfile, Procfile, gunicorn.conf.py), a Channels project served only through its WSGI
 * module, and websocket routes whose nginx location lacks the upgrade. The nginx shapes are
 * those of public Channels deployments, written here in our own words: `location /ws/` to a
 * daphne upstream with or without proxy_http_version, Connection "upgrade" or a map, a regex
 * location, `try_files` to a named location, and `location /` carrying everything. Each fix is
 * applied with patch -p1, checked with the real nginx -t, and the rule is quiet after it.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { serverCommands, shellWords } from '../../lib/doctor/server-commands.js';
import { servers, locationFor } from '../../lib/nginx/model.js';
import { parseNginx } from '../../lib/nginx/parse.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';
import { handMadeProject, handMadeSettings, SHAPE_OPTIONS, SHAPES } from '../fixtures/shapes.js';
import { renderAll } from './helpers.js';

const CHANNELS_SETTINGS = `${handMadeSettings('staticfiles')}INSTALLED_APPS = ["django.contrib.staticfiles", "channels", "chat"]
ASGI_APPLICATION = "mysite.asgi.application"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
`;
const ROUTING = 'from django.urls import re_path\nfrom . import consumers\n\nwebsocket_urlpatterns = [\n    re_path(r"^ws/room/(?P<name>\\w+)/$", consumers.Room.as_asgi()),\n]\n';
const ASGI = 'from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n';
const WSGI = 'from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n';

const HEADERS = '        proxy_set_header Host $http_host;\n        proxy_set_header X-Forwarded-Proto $scheme;\n';
/** An app location and a websocket one, as the public Channels configs write them; {WS} is the websocket location's body. */
const site = (ws: string, top = '') =>
  `${top}server {\n    listen 127.0.0.1:19401;\n    server_tokens off;\n    location /static/ {\n        alias {ROOT}/staticfiles/;\n        location ~ /\\. { return 404; }\n    }\n    location / {\n        proxy_pass http://127.0.0.1:8000;\n${HEADERS}    }\n${ws}}\n`;
const WS_LOCATION = (body: string) => `    location /ws/ {\n        proxy_pass http://127.0.0.1:8001;\n${HEADERS}${body}    }\n`;

interface Case {
  site?: string;
  settings?: string;
  files?: Record<string, string>;
}

function project({ site: text = site(''), settings = CHANNELS_SETTINGS, files = {} }: Case): string {
  const root = handMadeProject(settings, { 'mysite/asgi.py': ASGI, 'mysite/wsgi.py': WSGI, 'chat/__init__.py': '', 'chat/routing.py': ROUTING, ...files });
  fs.writeFileSync(path.join(root, 'site.conf'), text.replaceAll('{ROOT}', root));
  fs.writeFileSync(path.join(root, 'nginx.conf'), privateMain('include site.conf;'));
  fs.mkdirSync(path.join(root, 'logs'));
  return root;
}
const findingsOf = (root: string) => diagnose(gatherFacts({ root, nginx: 'site.conf' }));
const rule = (findings: Finding[], id: string) => findings.filter((f) => f.rule === id);
const nginxT = (root: string) => spawnSync(NGINX, ['-t', '-q', ...privateArgs(root)], { encoding: 'utf8' });

/** Applies a finding's diff with patch -p1; nginx -t must accept the result. */
function applyFix(root: string, finding: Finding): void {
  expect(finding.diff, finding.message).toBeDefined();
  fs.writeFileSync(path.join(root, 'fix.diff'), finding.diff!);
  const patch = spawnSync('patch', ['-p1', '-i', 'fix.diff'], { cwd: root, encoding: 'utf8' });
  expect(patch.status, `${finding.diff}\n${patch.stdout}${patch.stderr}`).toBe(0);
  expect(patch.stdout).not.toMatch(/fuzz|offset|Reversed/i);
  const checked = nginxT(root);
  expect(checked.status, `${finding.diff}\n${checked.stderr}`).toBe(0);
}

const GOOD_WS = WS_LOCATION('        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n');
const UVICORN = { 'requirements.txt': 'django\nchannels\ngunicorn\nuvicorn[standard]\n' };
const DAPHNE = { 'requirements.txt': 'django\nchannels\ndaphne\n' };

describe('asgi-under-wsgi', () => {
  const compose = (command: string, extra = '') => ({ 'compose.yaml': `services:\n  web:\n    build: .\n    command: ${command}\n${extra}` });

  it('flags gunicorn on an asgi module without an ASGI worker, in compose, at the command line, and adds -k UvicornWorker when uvicorn is a dependency', () => {
    const root = project({ site: site(GOOD_WS), files: { ...UVICORN, ...compose('gunicorn mysite.asgi:application -b 0.0.0.0:8000') } });
    expect(nginxT(root).status).toBe(0);
    const [hit, ...more] = rule(findingsOf(root), 'asgi-under-wsgi');
    expect(more).toEqual([]);
    expect(hit).toMatchObject({ file: 'compose.yaml', line: 4, severity: 'high' });
    expect(hit!.message).toContain("missing 1 required positional argument: 'send'");
    applyFix(root, hit!);
    expect(fs.readFileSync(path.join(root, 'compose.yaml'), 'utf8')).toContain('gunicorn mysite.asgi:application -k uvicorn.workers.UvicornWorker -b 0.0.0.0:8000');
    expect(rule(findingsOf(root), 'asgi-under-wsgi')).toEqual([]);
  });

  it('reads the Dockerfile exec form, the Procfile web line and gunicorn.conf.py, and fixes each form', () => {
    const docker = project({ site: site(GOOD_WS), files: { ...UVICORN, Dockerfile: 'FROM python:3.12-slim\nCOPY . /app\nCMD ["gunicorn", "--bind", "0.0.0.0:8000", "mysite.asgi:application"]\n' } });
    const [fromDocker] = rule(findingsOf(docker), 'asgi-under-wsgi');
    expect(fromDocker).toMatchObject({ file: 'Dockerfile', line: 3 });
    applyFix(docker, fromDocker!);
    expect(fs.readFileSync(path.join(docker, 'Dockerfile'), 'utf8')).toContain('"mysite.asgi:application", "-k", "uvicorn.workers.UvicornWorker"]');
    expect(rule(findingsOf(docker), 'asgi-under-wsgi')).toEqual([]);

    const procfile = project({ site: site(GOOD_WS), files: { ...UVICORN, Procfile: 'release: python manage.py migrate\nweb: gunicorn mysite.asgi --workers 2\n' } });
    const [fromProcfile] = rule(findingsOf(procfile), 'asgi-under-wsgi');
    expect(fromProcfile).toMatchObject({ file: 'Procfile', line: 2 });
    applyFix(procfile, fromProcfile!);
    expect(rule(findingsOf(procfile), 'asgi-under-wsgi')).toEqual([]);

    // The worker class from gunicorn.conf.py: a sync one is flagged, the uvicorn one is not.
    const conf = (workerClass: string) => ({
      ...UVICORN,
      Procfile: 'web: gunicorn -c gunicorn.conf.py mysite.asgi:application\n',
      'gunicorn.conf.py': `bind = "127.0.0.1:8000"\nworker_class = "${workerClass}"\n`,
    });
    expect(rule(findingsOf(project({ site: site(GOOD_WS), files: conf('gthread') })), 'asgi-under-wsgi')[0]?.message).toContain('worker class gthread (gunicorn.conf.py)');
    expect(rule(findingsOf(project({ site: site(GOOD_WS), files: conf('uvicorn.workers.UvicornWorker') })), 'asgi-under-wsgi')).toEqual([]);
  });

  it('is quiet for an ASGI worker class (uvicorn, a subclass of it, a variable), daphne, and a WSGI project on its wsgi module', () => {
    for (const command of [
      'gunicorn mysite.asgi:application -k uvicorn.workers.UvicornWorker',
      'gunicorn mysite.asgi:application --worker-class=uvicorn_worker.UvicornWorker',
      'gunicorn mysite.asgi:application -k mysite.workers.OwnUvicornWorker',
      'gunicorn mysite.asgi:application -k $WORKER_CLASS',
      'daphne -b 0.0.0.0 -p 8000 mysite.asgi:application',
      'sh -c "python manage.py migrate && uvicorn mysite.asgi:application --host 0.0.0.0"',
    ]) {
      expect(rule(findingsOf(project({ site: site(GOOD_WS), files: { ...UVICORN, ...compose(JSON.stringify(command)) } })), 'asgi-under-wsgi'), command).toEqual([]);
    }
    const wsgiOnly = project({ settings: handMadeSettings('staticfiles'), files: { ...compose('gunicorn mysite.wsgi:application') }, site: site('') });
    expect(rule(findingsOf(wsgiOnly), 'asgi-under-wsgi')).toEqual([]);
  });

  it("skips `pip install gunicorn` for the gunicorn that runs, and a Dockerfile CMD that compose's command replaces", () => {
    const chained = project({ site: site(GOOD_WS), files: { ...UVICORN, ...compose('sh -c "pip install gunicorn && gunicorn mysite.asgi:application"') } });
    expect(rule(findingsOf(chained), 'asgi-under-wsgi')[0]?.message).toContain('runs gunicorn on mysite.asgi:application');
    const dockerfile = { Dockerfile: 'FROM python:3.12-slim\nCMD gunicorn mysite.asgi:application\n' };
    const replaced = project({ site: site(GOOD_WS), files: { ...UVICORN, ...dockerfile, ...compose('gunicorn mysite.asgi:application -k uvicorn.workers.UvicornWorker') } });
    expect(rule(findingsOf(replaced), 'asgi-under-wsgi')).toEqual([]);
    const kept = project({ site: site(GOOD_WS), files: { ...UVICORN, ...dockerfile } });
    expect(rule(findingsOf(kept), 'asgi-under-wsgi')).toMatchObject([{ file: 'Dockerfile', line: 2 }]);
  });

  it('flags a Channels project whose only server is sync gunicorn on the wsgi module, and gives no fix without uvicorn', () => {
    const root = project({ site: site(GOOD_WS), files: { ...DAPHNE, ...compose('["gunicorn", "mysite.wsgi:application", "-b", "0.0.0.0:8000"]') } });
    const [hit] = rule(findingsOf(root), 'asgi-under-wsgi');
    expect(hit).toMatchObject({ file: 'compose.yaml', line: 4 });
    expect(hit!.message).toContain('/ws/ (chat/routing.py:5)');
    expect(hit!.message).toContain('or with daphne');
    expect(hit!.diff).toBeUndefined();
    // With uvicorn installed the fix serves the ASGI application with uvicorn workers.
    const fixable = project({ site: site(GOOD_WS), files: { ...UVICORN, ...compose('["gunicorn", "mysite.wsgi:application", "-b", "0.0.0.0:8000"]') } });
    const [withFix] = rule(findingsOf(fixable), 'asgi-under-wsgi');
    applyFix(fixable, withFix!);
    expect(fs.readFileSync(path.join(fixable, 'compose.yaml'), 'utf8')).toContain('["gunicorn", "mysite.asgi:application", "-k", "uvicorn.workers.UvicornWorker", "-b"');
    expect(rule(findingsOf(fixable), 'asgi-under-wsgi')).toEqual([]);
    // A second service running daphne serves the websockets: quiet.
    const split = project({
      site: site(GOOD_WS),
      files: { ...DAPHNE, ...compose('gunicorn mysite.wsgi:application', '  ws:\n    build: .\n    command: daphne -b 0.0.0.0 -p 8001 mysite.asgi:application\n') },
    });
    expect(rule(findingsOf(split), 'asgi-under-wsgi')).toEqual([]);
  });
});

describe('websocket-upgrade-missing', () => {
  it('is quiet on the complete shape: proxy_http_version 1.1, Upgrade, Connection "upgrade"', () => {
    const root = project({ site: site(GOOD_WS) });
    expect(nginxT(root).status, nginxT(root).stderr).toBe(0);
    expect(rule(findingsOf(root), 'websocket-upgrade-missing')).toEqual([]);
  });

  it('is quiet with the map form in location / and with try_files to a named location that has the headers', () => {
    const map = "map $http_upgrade $connection_upgrade {\n    default upgrade;\n    '' close;\n}\n";
    const all = site('').replace(HEADERS, `${HEADERS}        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection $connection_upgrade;\n`);
    expect(rule(findingsOf(project({ site: map + all })), 'websocket-upgrade-missing')).toEqual([]);
    const named = site(
      `    location /ws {\n        try_files $uri @channels;\n    }\n    location @channels {\n        proxy_pass http://127.0.0.1:8001;\n        proxy_http_version 1.1;\n        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "Upgrade";\n    }\n`,
    );
    expect(rule(findingsOf(project({ site: named })), 'websocket-upgrade-missing')).toEqual([]);
  });

  it('is quiet for a project with no websocket routes', () => {
    expect(rule(findingsOf(project({ site: site(''), files: { 'chat/routing.py': 'websocket_urlpatterns = []\n' } })), 'websocket-upgrade-missing')).toEqual([]);
  });

  const BAD: Record<string, { site: string; line: number; lacks: string[]; files?: Record<string, string> }> = {
    // A Channels upstream with the headers but no proxy_http_version (nginx then speaks HTTP/1.0).
    'no proxy_http_version': {
      site: site(WS_LOCATION('        proxy_set_header Upgrade $http_upgrade;\n        proxy_set_header Connection "upgrade";\n')),
      line: 13,
      lacks: ['proxy_http_version 1.1'],
    },
    // Every request through location /, nothing for the upgrade: the fix adds the map.
    'location / only': { site: site(''), line: 8, lacks: ['proxy_http_version 1.1', 'Upgrade', 'Connection'] },
    // Debian's proxy_params included, and HTTP/1.0 written out: the version line is rewritten, the headers go beside the include.
    'proxy_params and HTTP/1.0': {
      site: site(`    location /ws/ {\n        include {ROOT}/proxy_params;\n        proxy_pass http://127.0.0.1:8001;\n        proxy_http_version 1.0;\n    }\n`),
      files: { proxy_params: 'proxy_set_header Host $http_host;\nproxy_set_header X-Forwarded-Proto $scheme;\n' },
      line: 13,
      lacks: ['proxy_http_version 1.1', 'Upgrade', 'Connection'],
    },
    // A regex location nginx prefers to "location /": it is the one judged.
    'regex location': { site: site(`    location ~ ^/ws/ {\n        proxy_pass http://127.0.0.1:8001;\n        proxy_http_version 1.1;\n    }\n`), line: 13, lacks: ['Upgrade', 'Connection'] },
    // The named location try_files falls back to.
    'named location': {
      site: site(`    location /ws {\n        try_files $uri @channels;\n    }\n    location @channels {\n        proxy_pass http://127.0.0.1:8001;\n    }\n`),
      line: 16,
      lacks: ['proxy_http_version 1.1'],
    },
  };
  for (const [name, { site: text, line, lacks, files }] of Object.entries(BAD)) {
    it(`${name}: flagged at the location nginx picks, the fix passes nginx -t and silences it`, () => {
      const root = project({ site: text, files });
      expect(nginxT(root).status, nginxT(root).stderr).toBe(0);
      const hits = rule(findingsOf(root), 'websocket-upgrade-missing');
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({ file: 'site.conf', line, severity: 'high' });
      for (const word of lacks) expect(hits[0]!.message).toContain(word);
      applyFix(root, hits[0]!);
      expect(rule(findingsOf(root), 'websocket-upgrade-missing')).toEqual([]);
    });
  }

  it('the fix inside an http block puts the map there', () => {
    const root = project({});
    const text = `events {}\nhttp { ${privateMain('').split('\n')[1]!.slice('http { '.length)}\n${site('').replaceAll('{ROOT}', root)}}\n`;
    fs.writeFileSync(path.join(root, 'nginx.conf'), text);
    const facts = gatherFacts({ root, nginx: 'nginx.conf' });
    const [hit] = rule(diagnose(facts), 'websocket-upgrade-missing');
    expect(hit?.diff).toContain('+    map $http_upgrade $connection_upgrade {');
    applyFix(root, hit!);
    expect(rule(diagnose(gatherFacts({ root, nginx: 'nginx.conf' })), 'websocket-upgrade-missing')).toEqual([]);
  });
});

describe('locationFor follows nginx matching', () => {
  const conf = parseNginx('server {\n location / {}\n location /ws/ { location /ws/admin/ {} }\n location ^~ /static/ {}\n location ~ \\.png$ {}\n location = /ws/x {}\n location ~* ^/WS/r {}\n}\n');
  const [server] = servers(conf);
  const pick = (p: string) => {
    const l = locationFor(server!, p)!;
    return `${l.modifier} ${l.uri}`.trim();
  };
  it('exact, then longest prefix with its nested ones, ^~ stopping regexes, regexes in order', () => {
    expect(pick('/ws/x')).toBe('= /ws/x');
    expect(pick('/ws/admin/1')).toBe('/ws/admin/');
    expect(pick('/ws/a')).toBe('/ws/');
    expect(pick('/ws/room/1')).toBe('~* ^/WS/r');
    expect(pick('/static/a.png')).toBe('^~ /static/');
    expect(pick('/img/a.png')).toBe('~ \\.png$');
    expect(pick('/other')).toBe('/');
  });
  it('splits commands as a shell does', () => {
    expect(shellWords(`sh -c "python manage.py migrate && exec gunicorn 'a.asgi:application' -k x"`)).toEqual([
      'sh',
      '-c',
      'python',
      'manage.py',
      'migrate',
      '&&',
      'exec',
      'gunicorn',
      'a.asgi:application',
      '-k',
      'x',
    ]);
  });
});

describe("the generator's own ASGI stacks", () => {
  for (const shape of ['asgi-channels', 'asgi-daphne']) {
    it(`${shape}: both rules have something to judge (websocket routes, the app server's command, the /ws/ location) and find nothing`, () => {
      const { root, output } = renderAll(SHAPES[shape]!(), SHAPE_OPTIONS[shape]);
      for (const [file, text] of output) {
        fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
        fs.writeFileSync(path.join(root, file), text);
      }
      const facts = gatherFacts({ root });
      expect(facts.django?.asgi?.websocketPaths.map((p) => p.value)).toEqual(['/ws/']);
      const words = serverCommands(facts).flatMap((command) => command.words);
      expect(words).toContain(shape === 'asgi-daphne' ? 'daphne' : 'uvicorn.workers.UvicornWorker');
      expect(facts.servers.map((server) => locationFor(server, '/ws/echo/')?.uri)).toContain('/ws/');
      expect(diagnose(facts).filter((f) => ['asgi-under-wsgi', 'websocket-upgrade-missing'].includes(f.rule))).toEqual([]);
    });
  }
});
