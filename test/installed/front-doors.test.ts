/**
 * The package as users install it (see global-setup.ts), through its front doors:
 * `yo django-static` (real yo 7), the package's own bin, and `npx`, as a non-root user, with
 * stdin not a terminal. All must behave the same, say nothing of Yeoman's internals, and report
 * a failure once, in our words, with exit status 1.
 *
 * npx is given the packed tarball (`npx --package <tarball> generator-django-static`): the
 * package is not on the registry yet, and this is what `npx generator-django-static` does once it
 * is: npm installs the package and its dependencies into its own cache, apart from the prefix
 * where yo and the bin are, and runs the bin from there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import fs from 'node:fs';
import { BESIDE_PROJECT_FILES } from '../../lib/config/names.js';
import { coexistingProject, PROJECT_OWN_SCRIPTS } from '../fixtures/coexistence.js';
import { startproject, type Files } from '../fixtures/projects.js';
import { exists, linkUserNode, read, runAsUser, userProject, type Run } from './user.js';

const { base, prefix, tarball } = inject('installed');

const NPX = ['npx', '--yes', `--package=${tarball}`, 'generator-django-static'] as const;
const FRONT_DOORS = {
  yo: { app: ['yo', 'django-static'], check: ['yo', 'django-static:check'], doctor: ['yo', 'django-static:doctor'] },
  bin: { app: ['generator-django-static'], check: ['generator-django-static', 'check'], doctor: ['generator-django-static', 'doctor'] },
  npx: { app: [...NPX], check: [...NPX, 'check'], doctor: [...NPX, 'doctor'] },
} as const;
type Door = keyof typeof FRONT_DOORS;

// npx's first run installs the tarball's dependencies from the registry into the user's npm cache: minutes, once.
beforeAll(() => {
  const first = runAsUser([...NPX, '--help'], { cwd: base, prefix, timeoutMs: 600_000 });
  expect(first.status, first.stdout + first.stderr).toBe(0);
  // Not the prefix's copy: npx ran the one it installed itself.
  const where = runAsUser(['npx', '--yes', `--package=${tarball}`, '-c', 'command -v generator-django-static'], { cwd: base, prefix });
  expect(where.stdout.trim()).toMatch(/\/_npx\/[^/]+\/node_modules\/\.bin\/generator-django-static$/);
}, 600_000);

const OWN_DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /srv\nCMD ["python", "/srv/manage.py", "runserver"]\n';
const OWN_DOCKERIGNORE = '.venv\nnode_modules\n*.log\n';
const withOwnDockerFiles = (): Files => ({ ...startproject(), Dockerfile: OWN_DOCKERFILE, '.dockerignore': OWN_DOCKERIGNORE });

/** Content and mode of each of the project's own files. */
const ownFiles = (dir: string, files: string[]) => Object.fromEntries(files.map((file) => [file, { content: read(dir, file), mode: fs.statSync(path.join(dir, file)).mode }]));

let projects = 0;
const project = (files: Files) => userProject(base, `p${++projects}`, files);
const run = (door: Door, command: 'app' | 'check' | 'doctor', dir: string, args: string[], timeoutMs?: number) => runAsUser([...FRONT_DOORS[door][command], ...args], { cwd: dir, prefix, timeoutMs });

/** Nothing of Yeoman's own noise, whatever the outcome. */
function quiet(result: Run): void {
  const output = result.stdout + result.stderr;
  expect(output).not.toMatch(/No change to package\.json|package manager install/);
  expect(output).not.toMatch(/An error occured|✖/);
  expect(output).not.toMatch(/^Error /m); // yo's own error banner
}

/**
 * A failure: exit status 1 and one `error:` message (it may span lines) on stderr, where
 * Yeoman also writes its log. Returns the message.
 */
function failedOnce(result: Run): string {
  quiet(result);
  expect(result.status, result.stdout + result.stderr).toBe(1);
  expect((result.stdout + result.stderr).match(/^error: /gm)).toHaveLength(1);
  const message = result.stderr.slice(result.stderr.search(/^error: /m));
  expect(message).toMatch(/^error: /);
  return message;
}

describe('the packed package', () => {
  it('ships the compiled generators, templates and schema, and no tests, bench code, TypeScript or source maps', () => {
    const listed = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, ''));
    expect(listed).toEqual(expect.arrayContaining(['package.json', 'dist/bin/cli.js', 'dist/generators/app/index.js', 'dist/generators/check/index.js', 'templates/Dockerfile.ejs']));
    expect(listed.filter((file) => /^(test|bench|dist\/test|dist\/bench)\/|\.map$|(?<!\.d)\.ts$|^(generators|lib|bin)\//.test(file))).toEqual([]);
  });

  it('resolves its generators through package.json exports', () => {
    const resolved = runAsUser(['node', '--input-type=module', '-e', "console.log(import.meta.resolve('generator-django-static/generators/app'))"], { cwd: prefix, prefix });
    expect(resolved.stderr).toBe('');
    expect(resolved.stdout.trim()).toBe(`file://${path.join(prefix, 'node_modules/generator-django-static/dist/generators/app/index.js')}`);
  });

  it('is found by yo with all of its generators', () => {
    const listed = runAsUser(['yo', '--generators'], { cwd: base, prefix });
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}django-static\n {4}check\n {4}doctor$/m); // app, the default, is listed as the package itself
  });
});

describe('on Node 20 (end of life; below the engines range)', () => {
  let version = '';
  beforeAll(() => {
    version = execFileSync(linkUserNode(prefix, 'old', '20'), ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim();
  }, 300_000);

  it.each(Object.keys(FRONT_DOORS) as Door[])('%s: every command prints one line naming the Node needed, exits 1 and writes nothing', (door) => {
    const dir = project(startproject());
    const before = fs.readdirSync(dir).sort();
    for (const command of ['app', 'check', 'doctor'] as const) {
      const result = runAsUser([...FRONT_DOORS[door][command]], { cwd: dir, prefix, node: 'old' });
      expect(result.status, result.stdout + result.stderr).toBe(1);
      // npm itself warns first under npx (EBADENGINE: it reads the same engines field); those lines are npm's, not ours.
      const ours = door === 'npx' ? result.stderr.replace(/^npm warn .*\n/gm, '') : result.stderr;
      expect(ours).toBe(`error: generator-django-static needs Node ^22.18 or >=24.11; this is Node ${version}. Install a current Node LTS and run again.\n`);
      expect(result.stdout).toBe('');
    }
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });
});

describe.each(Object.keys(FRONT_DOORS) as Door[])('front door: %s', (door) => {
  it('a fresh startproject: --yes --skip-health-check writes the stack and exits 0, quietly', () => {
    const dir = project(startproject());
    const result = run(door, 'app', dir, ['--yes', '--skip-health-check']);
    quiet(result);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/^error/m);
    for (const file of ['compose.yaml', 'Dockerfile', '.dockerignore', 'nginx/default.conf', '.env', '.yo-rc.json']) expect(exists(dir, file), file).toBe(true);
  });

  it('--dry-run writes nothing, on a fresh project and on one with its own Dockerfile', () => {
    const fresh = project(startproject());
    const dry = run(door, 'app', fresh, ['--yes', '--skip-health-check', '--dry-run']);
    quiet(dry);
    expect(dry.status, dry.stdout + dry.stderr).toBe(0);
    expect(['compose.yaml', 'Dockerfile', '.env', '.yo-rc.json'].filter((file) => exists(fresh, file))).toEqual([]);

    const own = project(withOwnDockerFiles());
    const ownDry = run(door, 'app', own, ['--yes', '--skip-health-check', '--dry-run']);
    quiet(ownDry);
    expect(ownDry.status, ownDry.stdout + ownDry.stderr).toBe(0);
    expect(read(own, 'Dockerfile')).toBe(OWN_DOCKERFILE);
    expect(read(own, '.dockerignore')).toBe(OWN_DOCKERIGNORE);
    expect(['Dockerfile.new', '.dockerignore.new', 'compose.yaml', BESIDE_PROJECT_FILES.dockerfile].filter((file) => exists(own, file))).toEqual([]);
  });

  it("a project's own Dockerfile is kept and ours written beside it; its .dockerignore is merged; exit 0 without a prompt", () => {
    const dir = project(withOwnDockerFiles());
    const result = run(door, 'app', dir, ['--yes', '--skip-health-check']);
    quiet(result);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(read(dir, 'Dockerfile')).toBe(OWN_DOCKERFILE);
    expect(read(dir, BESIDE_PROJECT_FILES.dockerfile)).toMatch(/^FROM python:/m);
    expect(exists(dir, 'Dockerfile.new')).toBe(false);
    expect(exists(dir, '.dockerignore.new')).toBe(false);
    const merged = read(dir, '.dockerignore');
    expect(merged.startsWith(OWN_DOCKERIGNORE)).toBe(true);
    expect(merged.slice(OWN_DOCKERIGNORE.length)).toMatch(/generator-django-static[\s\S]*^\.env$/m);
  });

  it('group-writable files, its own docker-compose.yml and .env.example: --yes asks nothing, exits 0, and changes none of them (bytes and mode)', () => {
    const files = coexistingProject();
    const dir = project(files);
    for (const file of Object.keys(files)) fs.chmodSync(path.join(dir, file), 0o664);
    const before = ownFiles(dir, Object.keys(files));
    const result = run(door, 'app', dir, ['--yes', '--skip-health-check']);
    quiet(result);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toMatch(/Overwrite|force closed/);
    expect(ownFiles(dir, Object.keys(files))).toEqual(before);
    expect(exists(dir, 'compose.yaml')).toBe(false);
    expect(exists(dir, BESIDE_PROJECT_FILES.compose)).toBe(true);
    expect(result.stdout + result.stderr).toContain(`-f ${BESIDE_PROJECT_FILES.compose}`);
  });

  it('only a .dockerignore of its own: merged, exit 0', () => {
    const dir = project({ ...startproject(), '.dockerignore': OWN_DOCKERIGNORE });
    const result = run(door, 'app', dir, ['--yes', '--skip-health-check']);
    quiet(result);
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(exists(dir, '.dockerignore.new')).toBe(false);
    expect(read(dir, '.dockerignore').startsWith(OWN_DOCKERIGNORE)).toBe(true);
    expect(read(dir, '.dockerignore')).toMatch(/^compose\.yaml$/m);
  });

  it('check where nothing was generated: one error line, exit 1', () => {
    const dir = project(startproject());
    expect(failedOnce(run(door, 'check', dir, []))).toMatch(/^error: no \.yo-rc\.json [^\n]*\n$/);
  });
});

// Real stacks: two starts in all, one per front door's `check`.
describe('real stacks through the installed package', () => {
  const started: { dir: string; name: string }[] = [];
  afterEach(() => {
    for (const { dir, name } of started.splice(0)) {
      const ours = exists(dir, BESIDE_PROJECT_FILES.compose) ? ['-f', BESIDE_PROJECT_FILES.compose] : [];
      spawnSync('docker', ['compose', '--project-name', name, ...ours, 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
    }
  });
  const stack = (name: string, port: number) => {
    // A bare startproject: it routes only /admin/, so the printed URL must lead there, not to Django's 404 at /.
    const dir = project(startproject());
    started.push({ dir, name });
    return { dir, args: ['--yes', '--project-name', name, '--port', String(port)] };
  };
  const containers = (name: string) => execFileSync('docker', ['ps', '-aq', '--filter', `label=com.docker.compose.project=${name}`], { encoding: 'utf8' }).trim();

  it('yo: `yo django-static:check` passes, and exactly the URL it prints answers', async () => {
    const { dir, args } = stack('djs-installed-yo', 18_301);
    expect(run('yo', 'app', dir, [...args, '--skip-health-check']).status).toBe(0);
    const checked = run('yo', 'check', dir, [], 600_000);
    quiet(checked);
    const output = checked.stdout + checked.stderr;
    expect(checked.status, output).toBe(0);
    const url = /The stack keeps running(?: at)?:?\s+(https?:\/\/\S+)/.exec(output)?.[1];
    expect(url, output).toBeDefined();
    const response = await fetch(url!, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
    expect(response.status, `GET ${url}`).toBeGreaterThanOrEqual(200);
    expect(response.status, `GET ${url}`).toBeLessThan(400);
  });

  it('beside its own docker-compose.yml, entrypoint, gunicorn.conf.py and nginx/default.conf: our stack runs from ours under their other names, and the check passes', () => {
    const dir = project({ ...coexistingProject(), ...PROJECT_OWN_SCRIPTS });
    const name = 'djs-installed-beside';
    started.push({ dir, name });
    const generated = run('bin', 'app', dir, ['--yes', '--project-name', name, '--port', '18303', '--skip-health-check']);
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    const checked = run('bin', 'check', dir, ['--down'], 600_000);
    quiet(checked);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout + checked.stderr).toMatch(/PASS {2}static file from nginx/);
    expect(containers(name)).toBe('');
  });

  it('bin: `generator-django-static check --down` after a --skip-health-check generation passes and removes the stack', () => {
    const { dir, args } = stack('djs-installed-bin', 18_302);
    const generated = run('bin', 'app', dir, [...args, '--skip-health-check']);
    expect(generated.status, generated.stdout + generated.stderr).toBe(0);
    const checked = run('bin', 'check', dir, ['--down'], 600_000);
    quiet(checked);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    expect(checked.stdout + checked.stderr).toMatch(/PASS {2}static file from nginx/);
    expect(containers('djs-installed-bin')).toBe('');
  });
});

/** The blog-post fix for "static files 404 behind nginx": an alias off by one slash, and a listing. */
const SEED_SITE = `server {
    listen 80;
    server_name example.com;
    location /static {
        autoindex on;
        alias /srv/app/staticfiles/;
    }
    location / {
        proxy_pass http://127.0.0.1:8000;
    }
}
`;

for (const door of Object.keys(FRONT_DOORS) as Door[]) {
  describe(`doctor through ${door}`, () => {
    it("finds the seed's traversal and listing with file:line and a diff; JSON and bad input behave", () => {
      const dir = project({ ...startproject(), 'site.conf': SEED_SITE });
      const text = run(door, 'doctor', dir, ['--nginx', 'site.conf']);
      quiet(text);
      expect(text.status, text.stdout + text.stderr).toBe(1);
      expect(text.stdout).toMatch(/site\.conf:4 {2}\[alias-traversal\]/);
      expect(text.stdout).toMatch(/site\.conf:5 {2}\[autoindex-on\]/);
      expect(text.stdout).toContain('+    location /static/ {');
      expect(text.stdout).toContain('`yo django-static` writes a stack that avoids all of these');

      const json = run(door, 'doctor', dir, ['--nginx', 'site.conf', '--format', 'json']);
      expect(json.status).toBe(1);
      const rules = (JSON.parse(json.stdout) as { findings: { rule: string }[] }).findings.map((finding) => finding.rule);
      expect(rules).toEqual(expect.arrayContaining(['alias-traversal', 'autoindex-on']));

      const missing = run(door, 'doctor', dir, ['--nginx', 'nope.conf']);
      quiet(missing);
      expect(missing.status).toBe(2);
      expect((missing.stdout + missing.stderr).match(/^error: .*nope\.conf/gm)).toHaveLength(1);
    });

    if (door === 'yo') {
      it('--cwd <dir> reads that folder as the bin does (yo hands it to the generator), and lists it in --help; --cwd of no folder is exit status 2', () => {
        const dir = project({ ...startproject(), 'site.conf': SEED_SITE });
        const elsewhere = path.dirname(dir);
        for (const args of [['--cwd', dir], [`--cwd=${path.basename(dir)}`]]) {
          const text = run(door, 'doctor', elsewhere, [...args, '--nginx', 'site.conf']);
          quiet(text);
          expect(text.status, text.stdout + text.stderr).toBe(1);
          expect(text.stdout).toMatch(/site\.conf:4 {2}\[alias-traversal\]/);
        }
        expect(run(door, 'doctor', dir, ['--help']).stdout).toMatch(/--cwd +# run in this folder/);
        for (const args of [
          ['--cwd', path.join(dir, 'nope')],
          ['--nginx', 'site.conf', '--cwd'],
        ]) {
          const usage = run(door, 'doctor', dir, args);
          quiet(usage);
          expect(usage.status, `${args.join(' ')}: ${usage.stdout}${usage.stderr}`).toBe(2);
          expect((usage.stdout + usage.stderr).match(/^error: .*--cwd/gm)).toHaveLength(1);
        }
      });
    }

    if (door === 'bin') {
      it('--cwd <dir> reads that folder; a usage error (unknown option, --cwd of no folder) is exit status 2, not 1 (findings)', () => {
        const dir = project({ ...startproject(), 'site.conf': SEED_SITE });
        const elsewhere = path.dirname(dir);
        const text = runAsUser([...FRONT_DOORS.bin.doctor, '--cwd', dir, '--nginx', 'site.conf'], { cwd: elsewhere, prefix });
        expect(text.status, text.stdout + text.stderr).toBe(1);
        expect(text.stdout).toMatch(/site\.conf:4 {2}\[alias-traversal\]/);
        const help = run(door, 'doctor', dir, ['--help']);
        expect(help.stdout).toMatch(/--cwd <dir>/);
        expect(help.stdout).not.toMatch(/--skip-install|--dry-run /);
        for (const args of [['--bogus'], ['--cwd', path.join(dir, 'nope')], ['extra']]) {
          const usage = run(door, 'doctor', dir, args);
          expect(usage.status, `${args.join(' ')}: ${usage.stdout}${usage.stderr}`).toBe(2);
          expect((usage.stdout + usage.stderr).match(/^error: /gm)).toHaveLength(1);
        }
      });
    }
  });
}
