/**
 * doctor's inputs as servers and repositories lay them out: Debian's and RHEL's /etc/nginx
 * trees copied off a server, a sites-enabled/ folder of extensionless files, the output of the
 * real `nginx -T`, a Django project in a subfolder, and the choice among compose files.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import { loadNginxDump, loadNginxPath } from '../../lib/nginx/load.js';
import { findAll } from '../../lib/nginx/parse.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { writeProject } from '../fixtures/projects.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';

function tree(files: Record<string, string>, links: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-inputs-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  for (const [link, target] of Object.entries(links)) {
    fs.mkdirSync(path.dirname(path.join(dir, link)), { recursive: true });
    fs.symlinkSync(target, path.join(dir, link));
  }
  return dir;
}

const SITE = 'server {\n    listen 80;\n    location /static {\n        alias /srv/static/;\n    }\n}\n';
const where = (dir: string, directives: ReturnType<typeof findAll>) => directives.map((d) => `${path.relative(dir, d.file)}:${d.line}`);

describe('nginx layouts', () => {
  it("Debian's tree, copied: absolute includes read from the copy, sites-enabled links to extensionless files, a dangling link skipped", () => {
    const dir = tree(
      {
        'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/mime.types;\n    include /etc/nginx/conf.d/*.conf;\n    include /etc/nginx/sites-enabled/*;\n}\n',
        'mime.types': 'types {\n    text/css css;\n}\n',
        'sites-available/app': SITE,
      },
      { 'sites-enabled/app': '../sites-available/app', 'sites-enabled/gone': '../sites-available/gone' },
    );
    const config = loadNginxPath(dir);
    expect(where(dir, findAll(config.directives, 'alias'))).toEqual(['sites-enabled/app:4']);
    // The copy's mime.types, not this machine's (which has hundreds of types).
    expect(findAll(config.directives, 'types')[0]!.block!.length).toBe(1);
    // This machine's /etc/nginx/conf.d is not read into a copy's configuration.
    expect([...config.texts.keys()].filter((file) => !file.startsWith(dir))).toEqual([]);
  });

  it('a sites-enabled/ folder given as --nginx: every file, extensionless names included', async () => {
    const dir = tree({ 'sites-enabled/app': SITE, 'sites-enabled/other': 'server {\n    listen 81;\n}\n', 'sites-enabled/.hidden': 'not nginx' });
    const config = loadNginxPath(path.join(dir, 'sites-enabled'));
    expect(where(dir, findAll(config.directives, 'listen'))).toEqual(['sites-enabled/app:2', 'sites-enabled/other:2']);
    const { output } = await runDoctor({ root: dir, nginx: 'sites-enabled' });
    expect(output).toContain('sites-enabled/app:3  [alias-traversal]');
  });

  it("RHEL's tree, copied: conf.d/*.conf in http and default.d/*.conf inside the server", () => {
    const dir = tree({
      'nginx.conf': 'events {}\nhttp {\n    include /etc/nginx/conf.d/*.conf;\n    server {\n        listen 80;\n        include /etc/nginx/default.d/*.conf;\n    }\n}\n',
      'conf.d/app.conf': SITE.replace('listen 80', 'listen 8080'),
      'conf.d/README': 'not included',
      'default.d/static.conf': 'location /media {\n    alias /srv/media/;\n}\n',
    });
    const config = loadNginxPath(path.join(dir, 'nginx.conf'));
    expect(where(dir, findAll(config.directives, 'alias'))).toEqual(['conf.d/app.conf:4', 'default.d/static.conf:2']);
    const facts = gatherFacts({ root: dir, nginx: 'nginx.conf' });
    expect(
      diagnose(facts)
        .filter((f) => f.rule === 'alias-traversal')
        .map((f) => `${f.file}:${f.line}`),
    ).toEqual(['conf.d/app.conf:3', 'default.d/static.conf:1']);
  });

  it('reads the real `nginx -T`: every directive at the file and line it has on disk', () => {
    const files = {
      'nginx.conf': privateMain('include conf.d/*.conf;\ninclude sites/*;'),
      'conf.d/a.conf': '\n# a comment\nserver {\n    listen 127.0.0.1:19381;\n    location /static { alias /srv/static/; }\n}', // no final newline
      'conf.d/b.conf': 'server {\n    listen 127.0.0.1:19382;\n    include snippets/headers.conf;\n}\n\n\n',
      'snippets/headers.conf': 'add_header X-Frame-Options DENY;\nadd_header X-Content-Type-Options nosniff;\n',
      'sites/site': 'server {\n    listen 127.0.0.1:19383;\n    server_name "# configuration file /x:";\n}\n',
      'logs/.keep': '',
    };
    const dir = tree(files);
    const run = spawnSync(NGINX, ['-T', ...privateArgs(dir)], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const config = loadNginxDump(run.stdout);
    const fromDisk = loadNginxPath(path.join(dir, 'nginx.conf'));
    const located = (directives: ReturnType<typeof findAll>) => directives.map((d) => `${d.file}:${d.line} ${d.name} ${d.args.join(' ')}`);
    for (const name of ['listen', 'alias', 'add_header', 'server_name', 'location']) {
      expect(located(findAll(config.directives, name)), name).toEqual(located(findAll(fromDisk.directives, name)));
    }
    expect([...config.texts.keys()].sort()).toEqual([...fromDisk.texts.keys()].sort());
    for (const directive of findAll(config.directives, 'listen')) {
      expect(fs.readFileSync(directive.file, 'utf8').split('\n')[directive.line - 1]).toContain(`listen ${directive.args[0]}`);
    }
  });
});

describe('Django and compose inputs', () => {
  it('finds the Django project in a subfolder (app/) and names its settings from the given root', async () => {
    const dir = tree({});
    const project = handMadeProject(handMadeSettings('staticfiles').replace('DEBUG = False', 'DEBUG = True'));
    fs.cpSync(project, path.join(dir, 'app'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'site.conf'), SITE.replace('/srv/static/', `${dir}/app/staticfiles/`).replace('location /static', 'location /static/'));
    const { output } = await runDoctor({ root: dir, nginx: 'site.conf', format: 'json' });
    const report = JSON.parse(output);
    expect(report.inputs).toContain('Django settings mysite.settings (in app/)');
    const debug = report.findings.find((f: { rule: string }) => f.rule === 'django-debug');
    expect([debug.file, debug.line]).toEqual(['app/mysite/settings.py', 3]);
    expect(debug.diff).toContain('+++ b/app/mysite/settings.py');
    expect(report.findings.filter((f: { rule: string }) => f.rule === 'static-folder')).toEqual([]); // app/staticfiles is STATIC_ROOT
  });

  const compose = (command: string, ports = '') => `services:\n  web:\n    build: .\n    command: ${command}\n${ports}`;

  it('reads the production-looking compose file, says which and why, and --compose chooses another', async () => {
    const root = handMadeProject(handMadeSettings('staticfiles'), {
      'site.conf': SITE,
      'docker-compose.yml': compose('python manage.py runserver 0.0.0.0:8000', '    ports:\n      - "8000:8000"\n'),
      'docker-compose.prod.yml': compose('gunicorn mysite.wsgi -b 0.0.0.0:8000'),
    });
    const chosen = JSON.parse((await runDoctor({ root, nginx: 'site.conf', format: 'json' })).output);
    expect(chosen.inputs).toContain('docker-compose.prod.yml');
    expect(chosen.notes).toContain('note: compose file docker-compose.prod.yml, of docker-compose.prod.yml, docker-compose.yml: its name says production (choose with --compose FILE)');
    expect(chosen.findings.filter((f: { rule: string }) => f.rule === 'gunicorn-exposed')).toEqual([]);

    const dev = JSON.parse((await runDoctor({ root, nginx: 'site.conf', format: 'json', compose: 'docker-compose.yml' })).output);
    expect(dev.inputs).toContain('docker-compose.yml');
    expect(dev.findings.map((f: { rule: string; file: string }) => `${f.rule} ${f.file}`)).toContain('gunicorn-exposed docker-compose.yml');

    const missing = await runDoctor({ root, nginx: 'site.conf', compose: 'nope.yml' });
    expect([missing.exitCode, missing.error]).toEqual([2, '--compose nope.yml: no such file']);
  });

  it('a plain compose.yaml that runs runserver loses to a staging file; alone, it is read', () => {
    const root = writeProject({ 'compose.yaml': compose('python manage.py runserver'), 'compose.staging.yaml': compose('gunicorn app.wsgi') });
    const facts = gatherFacts({ root, nginx: path.join(tree({ 'a.conf': SITE }), 'a.conf') });
    expect(facts.compose?.file).toBe('compose.staging.yaml');
    const alone = writeProject({ 'compose.yaml': compose('python manage.py runserver') });
    const single = gatherFacts({ root: alone, nginx: path.join(tree({ 'a.conf': SITE }), 'a.conf') });
    expect([single.compose?.file, single.compose?.choice]).toEqual(['compose.yaml', undefined]);
  });
});
