/**
 * End to end, for real: generate a stack for each fixture with the built CLI, let the
 * generator build, start and check it on a real Docker engine (Compose v2 and
 * docker-compose 1.29), then tear it down. Faults must fail with the right diagnosis.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONAL_VARIABLES } from '../../lib/config/names.js';
import { probe } from '../../lib/probe/http-probe.js';
import * as fixtures from '../fixtures/projects.js';
import * as realWorld from '../fixtures/real-world.js';
import { cli, cliAsync, stacksFrom } from './stack.js';

const project = stacksFrom(18_080);

const passed = (output: string) => {
  expect(output).not.toMatch(/^\s+FAIL /m);
  expect(output).toMatch(/PASS {2}static file from nginx/);
  expect(output).toMatch(/PASS {2}no path traversal/);
  expect(output).toMatch(/PASS {2}least privilege/);
};

const MATRIX = {
  startproject: { files: fixtures.startproject, args: [] as string[], staticPrefix: '/static/admin/css/base.' },
  'settings package with STATICFILES_DIRS': { files: fixtures.settingsPackage, args: [], staticPrefix: '/static/admin/css/base.' },
  'STATIC_URL /assets/ with media': { files: fixtures.assetsAndMedia, args: [], staticPrefix: '/assets/admin/css/base.' },
};

for (const compose of ['v2', 'v1'] as const) {
  describe(`Compose ${compose}`, () => {
    for (const [name, fixture] of Object.entries(MATRIX)) {
      it(`${name}: generated, started and checked`, () => {
        const projectName = `e2e-${compose}-${name.split(' ')[0]!.toLowerCase()}`;
        const { dir, base } = project(fixture.files(), projectName);
        const run = cli(dir, [...base, '--down', ...fixture.args], { DJANGO_STATIC_COMPOSE: compose });
        expect(run.output).toContain(compose === 'v2' ? 'with Compose v2' : 'with docker-compose 1.');
        passed(run.output);
        expect(run.output).toContain(fixture.staticPrefix);
        expect(run.status, run.output).toBe(0);
        if (name.includes('media')) {
          expect(run.output).toMatch(/PASS {2}media file from nginx/);
          // --down removed what collectstatic rebuilds, and kept the uploads.
          const volumes = (label: string) =>
            execFileSync('docker', ['volume', 'ls', '-q', '--filter', `label=com.docker.compose.project=${projectName}`, '--filter', `label=com.docker.compose.volume=${label}`], {
              encoding: 'utf8',
            }).trim();
          expect(volumes('media')).not.toBe('');
          expect(volumes('static')).toBe('');
        }
      });
    }
  });
}

describe('faults are caught and named', () => {
  it('a collectstatic that raises', () => {
    const files = fixtures.settingsPackage();
    files['frontend/static/css/site.css'] += '\n.logo { background: url("missing.png"); }\n';
    const { dir, base } = project(files, 'e2e-fault-collectstatic');
    const run = cli(dir, [...base, '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/collectstatic failed \(exit 1\)[\s\S]*missing\.png/);
  });

  it('a wrong WSGI module', () => {
    const { dir, base } = project(fixtures.startproject(), 'e2e-fault-wsgi');
    const run = cli(dir, [...base, '--down', '--wsgi-application', 'mysite.wsgi.applicaton']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/gunicorn cannot load the WSGI application mysite\.wsgi:applicaton/);
  });

  it('a static path mismatch introduced by hand-editing the nginx config', () => {
    const { dir, base } = project(fixtures.startproject(), 'e2e-fault-nginx');
    expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
    const conf = path.join(dir, 'nginx/default.conf');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace('root /srv/www;', 'root /srv/www/static;'));
    const run = cli(dir, ['check', '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toContain('these files differ from what the stored answers generate (edited by hand, or written by another version; `yo django-static` shows the diff): nginx/default.conf');
    expect(run.output).toMatch(/FAIL {2}static file from nginx/);
    expect(run.output).toMatch(/nginx\/default\.conf: line \d+: location \/static\/ reads files from \/srv\/www\/static\/static/);
  });
});

describe('more faults from real deployments', () => {
  it('the port is already in use', async () => {
    const { dir, base, port } = project(fixtures.startproject(), 'e2e-fault-port');
    const blocker = net.createServer().listen(port, '127.0.0.1');
    await once(blocker, 'listening');
    try {
      const run = await cliAsync(dir, [...base, '--down']);
      expect(run.status).not.toBe(0);
      expect(run.output).toMatch(new RegExp(`Port ${port} on 127\\.0\\.0\\.1 is already in use`));
    } finally {
      blocker.close();
    }
  });

  it('ALLOWED_HOSTS overridden in .env without the served host', () => {
    const { dir, base } = project(fixtures.startproject(), 'e2e-fault-hosts');
    fs.writeFileSync(path.join(dir, '.env'), 'DJANGO_ALLOWED_HOSTS=example.com\n'); // kept: .env is never overwritten
    const run = cli(dir, [...base, '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/Django rejected the Host header \(400, DisallowedHost\): ALLOWED_HOSTS does not include localhost/);
  });

  it('a static volume left with the wrong owner (permission denied)', () => {
    const name = 'e2e-fault-perm';
    const { dir, base } = project(fixtures.startproject(), name);
    execFileSync('docker', ['volume', 'create', `${name}_static`], { stdio: 'ignore' });
    execFileSync('docker', ['run', '--rm', '-v', `${name}_static:/v`, 'python:3.12-slim', 'sh', '-c', 'touch /v/.keep && chown 0:0 /v && chmod 755 /v'], { stdio: 'ignore' });
    try {
      const run = cli(dir, [...base, '--down']);
      expect(run.status).not.toBe(0);
      expect(run.output).toMatch(/collectstatic could not write to the static volume \(permission denied\)/);
    } finally {
      // Created outside compose (no labels), so `down -v` leaves it: removed here.
      execFileSync('docker', ['volume', 'rm', '-f', `${name}_static`], { stdio: 'ignore' });
    }
  });
});

describe('Django 3.2 on Python 3.11 (STATICFILES_STORAGE instead of STORAGES)', () => {
  it('generated, started and checked', () => {
    const files = fixtures.startproject();
    files['requirements.txt'] = 'Django>=3.2,<4.0\ngunicorn\n'; // pip fails unless 3.2 is what runs
    const { dir, base } = project(files, 'e2e-django32');
    const run = cli(dir, [...base, '--down', '--python-version', '3.11']);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('FROM python:3.11-slim');
    passed(run.output);
    expect(run.status, run.output).toBe(0);
  });
});

describe('an existing manifest storage is kept (Django 4.2, STORAGES from the old STATICFILES_STORAGE)', () => {
  it('WhiteNoise named in STATICFILES_STORAGE: generated, started and checked', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nSTATICFILES_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"\n';
    files['requirements.txt'] = 'Django>=4.2,<5.3\ngunicorn\nwhitenoise>=6\n';
    const { dir, base } = project(files, 'e2e-legacy-storage');
    const run = cli(dir, [...base, '--down']);
    passed(run.output);
    expect(run.status, run.output).toBe(0);
  });
});

describe('production settings that redirect to HTTPS', () => {
  it('SECURE_SSL_REDIRECT: the app is healthy (redirects are answers, not followed) and the user is warned', () => {
    const files = fixtures.settingsPackage();
    files['config/settings/production.py'] += 'SECURE_SSL_REDIRECT = True\n';
    const { dir, base } = project(files, 'e2e-ssl-redirect');
    const run = cli(dir, [...base, '--down']);
    expect(run.output).toMatch(/SECURE_SSL_REDIRECT is on, but this stack serves plain HTTP/);
    expect(run.output).toMatch(/PASS {2}app through nginx\s+\/: 301/);
    passed(run.output);
    expect(run.status, run.output).toBe(0);
  });
});

describe('redeploy and regeneration', () => {
  it('a changed CSS file is served under its new hashed name; the volume keeps the release before it, and loses older ones only once a check passes', async () => {
    const { dir, base, port } = project(fixtures.settingsPackage(), 'e2e-redeploy');
    const host = { Host: `localhost:${port}` };
    const args = [...base, '--keep-releases', '1'];
    const stylesheet = async () => /href="([^"]+)"/.exec((await probe(port, '/', host)).body)![1]!;
    const status = async (url: string) => (await probe(port, url, host)).status;
    expect(cli(dir, args).status).toBe(0);
    const v1 = await stylesheet();
    fs.writeFileSync(path.join(dir, 'frontend/static/css/site.css'), fixtures.css('v2'));
    const again = cli(dir, args);
    passed(again.output);
    expect(again.output).toMatch(/Static files: kept 2 release\(s\) .*; removed 0 files of 0 older/);
    const v2 = await stylesheet();
    expect(v2).not.toBe(v1);
    expect(v2).toMatch(/^\/static\/css\/site\.[0-9a-f]{12}\.css$/);
    const css = await probe(port, v2, host);
    expect(css.status).toBe(200);
    expect(css.body).toContain('rule-v2');
    expect(await status(v1), 'the release before is kept').toBe(200);

    // Release 3 deployed without a check: collectstatic adds its files and removes none.
    fs.writeFileSync(path.join(dir, 'frontend/static/css/site.css'), fixtures.css('v3'));
    execFileSync('docker', ['compose', 'up', '-d', '--build', '--wait'], { cwd: dir, stdio: 'ignore', timeout: 600_000 });
    const v3 = await stylesheet();
    expect([v1, v2]).not.toContain(v3);
    expect([await status(v1), await status(v2), await status(v3)], 'nothing removed before a passing check').toEqual([200, 200, 200]);
    // Checked and passing: release 1 is beyond the one kept before the current.
    const checked = cli(dir, ['check']);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toMatch(/Static files: kept 2 release\(s\) .*; removed [1-9]\d* files of 1 older one\(s\)/);
    expect([await status(v1), await status(v2), await status(v3)]).toEqual([404, 200, 200]);
  });

  it('STATIC_URL changed in the settings: regenerate, up, and the check passes on the new prefix', () => {
    const { dir, base } = project(fixtures.startproject(), 'e2e-regen-static-url');
    expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
    const settings = path.join(dir, 'mysite/settings.py');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace("STATIC_URL = 'static/'", "STATIC_URL = 'assets/'"));
    const run = cli(dir, [...base, '--down']);
    expect(run.output).toContain('in the project: STATIC_URL static/ -> assets/');
    expect(run.output).toContain('files this changes: compose.yaml, nginx/default.conf, mysite/settings_docker.py');
    expect(run.output).toContain('/assets/admin/css/base.');
    passed(run.output);
    expect(run.status, run.output).toBe(0);
  });
});

describe('projects shaped like real ones', () => {
  it('settings that require environment variables: the run stops before building with the list; once .env has them, the check passes', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nSITE_NAME = os.environ["SITE_NAME"]\nALLOWED_HOSTS = os.environ["DJANGO_ALLOWED_HOSTS"].split(",")\n';
    files['mysite/settings.py'] = `import os\n${files['mysite/settings.py']}`;
    const { dir, base } = project(files, 'e2e-required-env');
    const first = cli(dir, base);
    expect(first.status).toBe(1);
    expect(first.output).toMatch(/\.env does not set[\s\S]*SITE_NAME \(read at mysite\/settings\.py:\d+\)[\s\S]*DJANGO_ALLOWED_HOSTS/);
    expect(first.output).not.toContain('Health check: building'); // stopped before any build
    fs.appendFileSync(path.join(dir, '.env'), 'SITE_NAME=Example\nDJANGO_ALLOWED_HOSTS=localhost\n');
    const check = cli(dir, ['check', '--down']);
    passed(check.output);
    expect(check.status, check.output).toBe(0);
  });

  it('a data folder chosen by a conditional expression', () => {
    const files = realWorld.conditionalPaths();
    const { dir, base } = project(files, 'e2e-conditional');
    const run = cli(dir, [...base, '--down']);
    expect(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toContain('var/static/');
    passed(run.output);
    expect(run.status, run.output).toBe(0);
  });
});

describe('nginx resolves the app at run time', () => {
  const mine = stacksFrom(19_560);
  it('the app recreated alone, on another address: nginx keeps serving it without a restart', async () => {
    const name = 's3sa-e2e-recreate-app';
    const { dir, base, port } = mine(fixtures.startproject(), name);
    const started = cli(dir, base); // generated, built, started and checked; left running
    expect(started.status, started.output).toBe(0);
    const docker = (...args: string[]) => execFileSync('docker', args, { cwd: dir, encoding: 'utf8' }).trim();
    const compose = (...args: string[]) => docker('compose', '--project-name', name, ...args);
    const address = (container: string) => docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', container);
    const nginx = compose('ps', '-q', 'nginx');
    const nginxStarted = docker('inspect', '-f', '{{.State.StartedAt}}', nginx);
    const oldAddress = address(compose('ps', '-q', 'app'));
    const home = async () => (await probe(port, '/admin/login/', { Host: `localhost:${port}` })).status;
    expect(await home()).toBe(200);

    // Docker gives a new container the lowest free address, often the one just freed: the old
    // app's address is taken by a stand-in first, so the new app surely gets another one.
    compose('rm', '--stop', '--force', 'app');
    const network = `${name}_default`;
    const holders: string[] = [];
    try {
      while (!holders.some((holder) => address(holder) === oldAddress) && holders.length < 8) {
        holders.push(docker('run', '-d', '--rm', '--network', network, '--entrypoint', 'sleep', `${name}-app:latest`, '300'));
      }
      expect(holders.map(address)).toContain(oldAddress);
      compose('up', '-d', '--no-deps', '--wait', 'app');
      expect(address(compose('ps', '-q', 'app'))).not.toBe(oldAddress);
      // nginx looked the name up again (valid=2s) and reached the new container; it was not restarted.
      expect(await home()).toBe(200);
      expect(docker('inspect', '-f', '{{.State.StartedAt}}', nginx)).toBe(nginxStarted);
    } finally {
      for (const holder of holders) spawnSync('docker', ['rm', '-f', holder], { stdio: 'ignore' });
    }
  });
});

describe('the optional variables of .env.example, each unset and set but empty, against the real gunicorn and Django', () => {
  it('start gunicorn and Django with the default; without the entrypoint an empty WEB_CONCURRENCY stops gunicorn', () => {
    const { dir, base } = project(fixtures.startproject(), 'e2e-optional-env');
    expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
    const image = 'e2e-optional-env-app:probe';
    execFileSync('docker', ['build', '-q', '-t', image, '.'], { cwd: dir, stdio: 'ignore', timeout: 600_000 });
    // Runs in the app image: each variable unset, then empty, through the image's own entrypoint;
    // gunicorn loads its config and the app (--check-config), Django loads the overlay.
    const script = `
import json, os, subprocess, sys
names = sys.argv[1].split()
entrypoint = json.loads(sys.argv[2])
base = {"PATH": os.environ["PATH"], "DJANGO_SECRET_KEY": "x" * 50, "DJANGO_SETTINGS_MODULE": "mysite.settings_docker"}
django = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG, settings.ALLOWED_HOSTS)"
def run(env, command):
    done = subprocess.run(entrypoint + command, env=env, capture_output=True, text=True)
    return {"status": done.returncode, "output": (done.stdout + done.stderr).strip()[-400:]}
results = {}
for name in names:
    for state, env in (("unset", dict(base)), ("empty", dict(base, **{name: ""}))):
        results[name + " " + state] = {
            "gunicorn": run(env, ["gunicorn", "--check-config", "--config", "gunicorn.conf.py", "mysite.wsgi:application"]),
            "django": run(env, ["python", "-c", django]),
        }
results["no entrypoint, WEB_CONCURRENCY empty"] = {"gunicorn": (lambda d: {"status": d.returncode, "output": d.stderr[-400:]})(
    subprocess.run(["gunicorn", "--check-config", "--config", "gunicorn.conf.py", "mysite.wsgi:application"], env=dict(base, WEB_CONCURRENCY=""), capture_output=True, text=True))}
print(json.dumps(results))
`;
    try {
      const inspect = JSON.parse(execFileSync('docker', ['image', 'inspect', '--format', '{{json .Config.Entrypoint}}', image], { encoding: 'utf8' })) as string[];
      expect(inspect).toEqual(['/bin/sh', expect.stringMatching(/\/docker\/entrypoint\.sh$/)]);
      const out = execFileSync('docker', ['run', '--rm', '--entrypoint', 'python', image, '-c', script, OPTIONAL_VARIABLES.join(' '), JSON.stringify(inspect)], { encoding: 'utf8', timeout: 300_000 });
      const results = JSON.parse(out) as Record<string, { gunicorn: { status: number; output: string }; django?: { status: number; output: string } }>;
      for (const name of OPTIONAL_VARIABLES) {
        for (const state of ['unset', 'empty']) {
          const result = results[`${name} ${state}`]!;
          expect(result.gunicorn.status, `${name} ${state}: ${result.gunicorn.output}`).toBe(0);
          // The defaults: DEBUG off, the generated server names.
          expect(result.django!.output, `${name} ${state}`).toBe("False ['localhost', '127.0.0.1', '[::1]']");
        }
      }
      const bare = results['no entrypoint, WEB_CONCURRENCY empty']!.gunicorn;
      expect(bare.status).not.toBe(0);
      expect(bare.output).toContain("invalid literal for int() with base 10: ''");
    } finally {
      spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
    }
  });
});
