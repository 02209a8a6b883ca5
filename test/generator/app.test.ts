import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import helpers from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import AppGenerator from '../../generators/app/index.js';
import { packageRoot } from '../../lib/package-root.js';
import { asgiOnly } from '../fixtures/asgi.js';
import * as fixtures from '../fixtures/projects.js';
import { parseDocument } from 'yaml';
import { hashContent } from '../../lib/regen/manifest.js';
import { HARDENING_KEYS } from '../../lib/targets/hardening.js';
import { generate } from './run.js';

const ALL_FILES = ['compose.yaml', 'Dockerfile', '.dockerignore', 'nginx/default.conf', 'gunicorn.conf.py', 'docker/compress_static.py', '.env', '.env.example', '.yo-rc.json'];

const snapshot = (dir: string) => Object.fromEntries(ALL_FILES.map((file) => [file, fs.readFileSync(path.join(dir, file), 'utf8')]));

describe('yo django-static --yes', () => {
  it('writes every file for a startproject, and a re-run changes nothing', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    fs.mkdirSync(path.join(dir, '.git'));
    await generate(dir);
    for (const file of [...ALL_FILES, 'mysite/settings_docker.py']) expect(fs.existsSync(path.join(dir, file)), file).toBe(true);
    expect(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8')).toContain('.env');
    const first = snapshot(dir);
    await generate(dir);
    expect(snapshot(dir)).toEqual(first); // byte-identical, .env included
  });

  it('keeps a hand-edited file and writes the new version beside it, failing unless --force', async () => {
    const dir = fixtures.writeProject(fixtures.settingsPackage());
    await generate(dir);
    const conf = path.join(dir, 'nginx/default.conf');
    fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8') + '\n# my edit\n');
    const edited = fs.readFileSync(conf, 'utf8');
    await expect(generate(dir, { staticUrl: '/assets/' })).rejects.toThrow(/edited by hand[\s\S]*nginx\/default\.conf -> nginx\/default\.conf\.new/);
    expect(fs.readFileSync(conf, 'utf8')).toBe(edited);
    expect(fs.readFileSync(`${conf}.new`, 'utf8')).toContain('location /assets/');
    const secret = fs.readFileSync(path.join(dir, '.env'), 'utf8');
    await generate(dir, { staticUrl: '/assets/', force: true });
    expect(fs.readFileSync(conf, 'utf8')).toContain('location /assets/');
    expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).toBe(secret); // never overwritten, even with --force
  });

  it("interactively, Yeoman's conflict prompt guards an edit, and keeping it is reported as a broken chain", async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir);
    const conf = path.join(dir, 'nginx/default.conf');
    fs.appendFileSync(conf, '# my edit\n');
    const interactive = helpers
      .run(AppGenerator as never, { namespace: 'django-static:app' }, { force: false } as never) // the test env forces by default
      .cd(dir)
      .withOptions({ skipHealthCheck: true, force: false, staticUrl: '/assets/' } as never)
      .withAnswers({ action: 'skip' }); // every question keeps its default; the conflict is answered "skip"
    await expect(interactive).rejects.toThrow(/no longer agree[\s\S]*no "location \/assets\/" block/);
    expect(fs.readFileSync(conf, 'utf8')).toContain('# my edit');
    expect(fs.readFileSync(path.join(dir, 'mysite/settings_docker.py'), 'utf8')).toContain('STATIC_URL = "/assets/"');
    // Declining did not record the new version as written: the next run still offers it.
    await expect(generate(dir, { staticUrl: '/assets/' })).rejects.toThrow(/nginx\/default\.conf -> nginx\/default\.conf\.new/);
  });

  it('rejects bad options with a one-line reason and writes nothing', async () => {
    for (const [options, reason] of [
      [{ port: 70000 }, /--port: port "70000" is impossible/],
      [{ staticUrl: 'static' }, /--static-url: STATIC_URL "static" must start and end with "\/"/],
      [{ projectName: 'Bad Name' }, /--project-name: "Bad Name" is not a valid compose project name/],
      [{ pythonVersion: '2.7' }, /--python-version: Python "2.7" has no supported/],
      [{ appMemory: 'lots' }, /--app-memory: app memory "lots" must be "auto" or a size like 768m or 2g/],
      [{ appMemory: '16m' }, /--app-memory: app memory "16m" is below 64m/],
    ] as const) {
      const dir = fixtures.writeProject(fixtures.startproject());
      await expect(generate(dir, options)).rejects.toThrow(reason);
      expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
      expect(fs.existsSync(path.join(dir, '.yo-rc.json'))).toBe(false);
    }
  });

  it('writes all files or none: a folder in the way of one file stops every write', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    fs.mkdirSync(path.join(dir, 'gunicorn.conf.py'));
    await expect(generate(dir)).rejects.toThrow(/cannot write .*gunicorn\.conf\.py: a folder is in the way\. Nothing was written\./);
    expect(fs.readdirSync(dir).sort()).toEqual(['gunicorn.conf.py', 'manage.py', 'mysite', 'requirements.txt']);
  });

  it('creates .env readable by its owner only', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir);
    expect(fs.statSync(path.join(dir, '.env')).mode & 0o777).toBe(0o600);
  });

  it('builds on an explicitly chosen settings module, reading that one', async () => {
    const files = fixtures.settingsPackage();
    files['config/settings/local.py'] += 'STATIC_URL = "/local-static/"\n';
    const dir = fixtures.writeProject(files);
    await generate(dir, { settingsModule: 'config.settings.local' });
    expect(fs.readFileSync(path.join(dir, 'config/settings_docker.py'), 'utf8')).toContain('from config.settings.local import *');
    expect(fs.readFileSync(path.join(dir, 'nginx/default.conf'), 'utf8')).toContain('location /local-static/ {');
  });

  it('installs gunicorn when it is only a dev dependency, and refuses pyproject installs on Python < 3.11', async () => {
    const files = fixtures.poetryProject();
    files['pyproject.toml'] += '\n[tool.poetry.group.dev.dependencies]\ngunicorn = "^22"\n';
    const dir = fixtures.writeProject(files);
    await generate(dir);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('RUN pip install gunicorn');

    const pyproject = fixtures.startproject();
    delete pyproject['requirements.txt'];
    pyproject['pyproject.toml'] = '[project]\nname = "x"\nversion = "0"\ndependencies = ["django>=4.2", "gunicorn"]\n';
    const other = fixtures.writeProject(pyproject);
    await expect(generate(other, { pythonVersion: '3.10' })).rejects.toThrow(/python-version: installing from pyproject\.toml reads it with tomllib, which needs Python 3\.11/);
    await generate(other, { pythonVersion: '3.12' });
    expect(fs.readFileSync(path.join(other, 'Dockerfile'), 'utf8')).not.toContain('RUN pip install gunicorn');
  });

  it('keeps local collected files and uploads out of the image, wherever the settings put them', async () => {
    const files = fixtures.assetsAndMedia(); // STATIC_ROOT = BASE_DIR / "collected", MEDIA_ROOT = BASE_DIR / "uploads"
    const dir = fixtures.writeProject(files);
    await generate(dir);
    const ignore = fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8');
    for (const line of ['collected/', 'uploads/', '**/*.sqlite3', '.env']) expect(ignore.split('\n')).toContain(line);
  });

  it('dry-run writes nothing and says what it would do with an edited file', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir);
    fs.appendFileSync(path.join(dir, 'nginx/default.conf'), '# edit\n');
    const before = fs.readdirSync(dir).sort();
    await generate(dir, { staticUrl: '/elsewhere/', dryRun: true });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'nginx/default.conf.new'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'nginx/default.conf'), 'utf8')).toContain('location /static/ {');
  });

  it('rejects a bad environment or interpreter before writing anything', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    process.env['DJANGO_STATIC_COMPOSE'] = 'v3';
    try {
      await expect(generate(dir)).rejects.toThrow(/DJANGO_STATIC_COMPOSE=v3: use v1 or v2/);
    } finally {
      delete process.env['DJANGO_STATIC_COMPOSE'];
    }
    await expect(generate(dir, { inspect: true, inspectPython: '/no/such/python' })).rejects.toThrow(/--inspect-python: \/no\/such\/python was not found/);
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });

  it('the CLI explains a value given to an on/off option, in one line', () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    const result = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'bin', 'cli.js'), '--yes', '--media', 'maybe'], { cwd: dir, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^error: too many arguments.*write --media or --no-media/)]);
    expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false);
  });

  it("--app-memory is the app's mem_limit and is stored; --app-memory auto follows --workers", async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir, { appMemory: '768m' });
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toMatch(/app:[\s\S]*mem_limit: 768m\n\s+memswap_limit: 768m/);
    expect(fs.readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')).toContain('"appMemory": "768m"');
    await generate(dir, { appMemory: 'auto', workers: '2' });
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toMatch(/app:[\s\S]*mem_limit: 320m/);
  });

  it('regenerating a stack from before least privilege adds the settings and lists each one', () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    const run = () => spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'bin', 'cli.js'), '--yes', '--skip-health-check'], { cwd: dir, encoding: 'utf8' });
    expect(run().status).toBe(0);
    // What an earlier version wrote: no hardening keys, and its hash recorded as ours.
    const file = path.join(dir, 'compose.yaml');
    const old = parseDocument(fs.readFileSync(file, 'utf8'));
    for (const service of ['collectstatic', 'migrate', 'app', 'nginx', 'backup']) for (const key of HARDENING_KEYS) old.deleteIn(['services', service, key]);
    fs.writeFileSync(file, old.toString());
    const rc = path.join(dir, '.yo-rc.json');
    const stored = JSON.parse(fs.readFileSync(rc, 'utf8'));
    stored['generator-django-static'].manifest.files['compose.yaml'] = hashContent(old.toString());
    fs.writeFileSync(rc, JSON.stringify(stored));

    const again = run();
    const output = again.stdout + again.stderr;
    expect(again.status, output).toBe(0);
    expect(output).toContain('least privilege added: app: read_only true, tmpfs /tmp, cap_drop ALL, security_opt no-new-privileges:true, mem_limit 608m, memswap_limit 608m, pids_limit 256');
    expect(output).toContain('least privilege added: nginx: read_only true, tmpfs /var/cache/nginx /var/lib/nginx /run, cap_drop ALL, cap_add CHOWN SETGID SETUID NET_BIND_SERVICE');
    expect(fs.readFileSync(file, 'utf8')).toContain('read_only: true');
    const third = run();
    expect(third.stdout + third.stderr).not.toContain('least privilege added');
  });

  it("the bin keeps Node's compiled code in the user's own cache folder (XDG_CACHE_HOME), not the shared /tmp; NODE_DISABLE_COMPILE_CACHE writes none", () => {
    const cacheHome = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'cache-home-'));
    const run = (env: Record<string, string>) => {
      const dir = fixtures.writeProject(fixtures.startproject());
      const { NODE_COMPILE_CACHE: _, ...inherited } = process.env;
      const result = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'bin', 'cli.js'), '--yes', '--skip-health-check'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...inherited, XDG_CACHE_HOME: cacheHome, ...env },
      });
      expect(result.status, result.stdout + result.stderr).toBe(0);
    };
    const cache = path.join(cacheHome, 'generator-django-static', 'compile-cache');
    run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(fs.existsSync(cache)).toBe(false);
    run({});
    // One folder per Node version, holding an entry per compiled file (the bundle among them).
    const entries = fs.readdirSync(cache).flatMap((version) => fs.readdirSync(path.join(cache, version)));
    expect(entries.length).toBeGreaterThan(0);
  });

  it('says, with the line that names it, that hypercorn is replaced by gunicorn with uvicorn workers', () => {
    const dir = fixtures.writeProject({ ...asgiOnly(), 'requirements.txt': 'Django>=4.2,<5.3\nhypercorn>=0.16\n' });
    const result = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'bin', 'cli.js'), '--yes', '--skip-health-check'], { cwd: dir, encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).toContain(
      'note: your dependencies name hypercorn (requirements.txt:2), which the stack does not run: it serves mysite.asgi:application with gunicorn running uvicorn workers',
    );
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('"-k", "uvicorn.workers.UvicornWorker"');
  });

  it('refuses a directory that is not a Django project', async () => {
    const dir = fixtures.writeProject({ 'README.md': 'hello\n' });
    await expect(generate(dir)).rejects.toThrow(/does not look like a Django project/);
    expect(fs.readdirSync(dir)).toEqual(['README.md']);
  });

  it('writes nothing when the output fails validation (the priority before `conflicts`)', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    // A writing step that slips in a traversal-prone alias and a mismatched mount.
    // Yeoman queues the class's own methods only, so each priority is restated.
    class BrokenWriter extends AppGenerator {
      override initializing() {
        return super.initializing();
      }
      override prompting() {
        return super.prompting();
      }
      override configuring() {
        return super.configuring();
      }
      override validate() {
        return super.validate();
      }
      override end() {
        return super.end();
      }
      override writing(): void {
        super.writing();
        this.fs.write(this.destinationPath('nginx/default.conf'), 'server { location /static { alias /srv/www/static/; } }\n');
      }
    }
    await expect(
      helpers
        .run(BrokenWriter as never, { namespace: 'django-static:app' })
        .cd(dir)
        .withOptions({ yes: true, skipHealthCheck: true } as never),
    ).rejects.toThrow(/nothing was written[\s\S]*nginx\/default\.conf: .*path traversal/);
    expect(fs.readdirSync(dir).sort()).toEqual(['manage.py', 'mysite', 'requirements.txt']);
  });
});
