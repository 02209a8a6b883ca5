/**
 * Onboarding an existing project: files it already has, what the run prints about them, and
 * output that depends only on the answers (never on the clock or a random source, the secret aside).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ENVIRONMENT } from '../../lib/config/names.js';
import { BLOCK_START } from '../../lib/regen/merge-lines.js';
import { matcher } from '../../lib/regen/dockerignore.js';
import { cli } from '../e2e/stack.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

describe('a project with files of its own', () => {
  it('merges its .dockerignore and .gitignore instead of writing .new, and a re-run changes nothing', async () => {
    const files = fixtures.startproject();
    files['.dockerignore'] = '# mine\n.git\n.envs/\nlocal/\n';
    files['.gitignore'] = '*.pyc\n';
    const dir = fixtures.writeProject(files);
    fs.mkdirSync(path.join(dir, '.git'));
    await generate(dir);
    const ignore = read(dir, '.dockerignore');
    expect(ignore.startsWith('# mine\n.git\n.envs/\nlocal/\n')).toBe(true); // the user's lines first, untouched
    expect(ignore).toContain(`${BLOCK_START}\n.env\n`);
    expect(ignore.split('\n').filter((line) => line === '.git')).toHaveLength(1); // not repeated in our block
    expect(read(dir, '.gitignore')).toMatch(/^\*\.pyc\n\n# >>> generator-django-static.*\n\.env\nbackups\/\nreleases\.json\n# <<< generator-django-static\n$/);
    expect(fs.existsSync(path.join(dir, '.dockerignore.new'))).toBe(false);

    const first = { ignore, git: read(dir, '.gitignore') };
    await generate(dir);
    expect({ ignore: read(dir, '.dockerignore'), git: read(dir, '.gitignore') }).toEqual(first);
  });

  it('an allowlist .dockerignore (`*`, then what may enter): every file the build reads is let back in, and nothing the image never needs', async () => {
    const files = fixtures.uvProject();
    const own = '# only what the image needs\n*\n!/mysite\n!/manage.py\n!/pyproject.toml\n!/uv.lock\n';
    files['.dockerignore'] = own;
    const dir = fixtures.writeProject(files);
    const result = cli(dir, ['--yes', '--skip-health-check']); // the built bin: the bundle reads the matcher's CommonJS module too
    expect(result.status, result.output).toBe(0);
    const merged = read(dir, '.dockerignore');
    expect(merged.startsWith(own)).toBe(true);
    // What Docker sends: the Dockerfile's COPY sources and every file of ours the image runs (Docker's matching rules).
    const context = matcher(merged);
    const copied = [...read(dir, 'Dockerfile').matchAll(/^COPY (?!--from)(\S+) /gm)].map((match) => match[1]!).filter((source) => source !== '.');
    expect(copied).toEqual(['pyproject.toml', 'uv.lock', 'docker/uv-requirements.py']);
    for (const file of [...copied, 'gunicorn.conf.py', 'docker/entrypoint.sh', 'docker/compress_static.py', 'mysite/settings_docker.py']) expect(context.ignores(file), file).toBe(false);
    for (const file of ['compose.yaml', 'Dockerfile', 'nginx/default.conf', '.env']) expect(context.ignores(file), file).toBe(true);
    expect(result.output).toContain('.dockerignore lets into the image only what it lists: re-included what the image needs (!docker/uv-requirements.py');

    expect(cli(dir, ['--yes', '--skip-health-check']).status).toBe(0);
    expect(read(dir, '.dockerignore')).toBe(merged);
  });

  it('keeps its own Dockerfile, writes ours as django-static.Dockerfile and builds with that one', async () => {
    const files = fixtures.startproject();
    files['Dockerfile'] = 'FROM python:3.11\nCOPY . /code\nWORKDIR /code\nCMD python manage.py runserver 0.0.0.0:8000\n';
    const dir = fixtures.writeProject(files);
    await generate(dir);
    expect(read(dir, 'Dockerfile')).toBe(files['Dockerfile']);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.new'))).toBe(false);
    expect(read(dir, 'django-static.Dockerfile')).toContain('USER app');
    expect(read(dir, 'compose.yaml')).toContain('dockerfile: django-static.Dockerfile');
  });
});

describe('output is a function of the answers', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  it('renders the same files under different clocks and random sources; only the secret differs', async () => {
    const run = async (year: number, random: number) => {
      vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${year}-06-15T12:00:00Z`) });
      vi.spyOn(Math, 'random').mockReturnValue(random);
      const dir = fixtures.writeProject(fixtures.settingsPackage());
      await generate(dir, { projectName: 'same' });
      vi.useRealTimers();
      vi.restoreAllMocks();
      const out: Record<string, string> = {};
      const walk = (sub: string) => {
        for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
          const rel = path.posix.join(sub, entry.name);
          if (entry.isDirectory()) walk(rel);
          else out[rel] = read(dir, rel);
        }
      };
      walk('');
      return out;
    };
    const a = await run(2001, 0.1);
    const b = await run(2039, 0.9);
    const secret = /^DJANGO_SECRET_KEY=.*$/m;
    expect(a['.env']).toMatch(secret);
    expect(a['.env']!.match(secret)![0]).not.toBe(b['.env']!.match(secret)![0]);
    const withoutSecret = (files: Record<string, string>) => ({ ...files, '.env': files['.env']!.replace(secret, 'DJANGO_SECRET_KEY=<secret>') });
    expect(withoutSecret(b)).toEqual(withoutSecret(a));
  });

  it('documents in .env.example every variable the generated files read', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir);
    const generated = ['mysite/settings_docker.py', 'gunicorn.conf.py', 'compose.yaml', 'docker/compress_static.py'].map((file) => read(dir, file)).join('\n');
    // os.environ["X"], os.environ.get("X"), _env_bool("X", ...), _env_list("X", ...)
    const readVariables = new Set([...generated.matchAll(/(?:os\.environ(?:\.get)?[[(]|_env_\w+\()"([A-Z][A-Z0-9_]*)"/g)].map((match) => match[1]!));
    expect(readVariables.size).toBeGreaterThan(3);
    const documented = new Set(ENVIRONMENT.map((variable) => variable.name));
    expect([...readVariables].filter((name) => !documented.has(name))).toEqual([]);
    const example = read(dir, '.env.example');
    for (const name of documented) expect(example).toContain(`${name}=`);
  });
});
