/**
 * manage.py in a subfolder of the repository: git's ignore rules, and dependency files outside
 * the folder the generator runs in (the build context). Real git decides what it ignores.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';
import { uvLock } from '../fixtures/corpus/parts.js';

/** A repository whose Django project is in src/, with the requirements at the repository root. */
function repositoryWithSrc(): { repo: string; src: string } {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-repo-'));
  execFileSync('git', ['init', '-q', repo]);
  const { 'requirements.txt': requirements, ...project } = fixtures.startproject();
  fs.writeFileSync(path.join(repo, 'requirements.txt'), requirements!);
  const src = fixtures.writeProject({ ...project, 'requirements.txt': requirements! }, path.join(repo, 'src'));
  return { repo, src };
}

const ignored = (repo: string, file: string) => spawnSync('git', ['-C', repo, 'check-ignore', '-q', file]).status === 0;

describe('manage.py in src/, .git at the repository root', () => {
  it('git ignores the generated .env (and backups/), and still sees the stack files', async () => {
    const { repo, src } = repositoryWithSrc();
    await generate(src);
    expect(fs.existsSync(path.join(src, '.env'))).toBe(true);
    expect(ignored(repo, 'src/.env')).toBe(true);
    expect(ignored(repo, 'src/backups/db.dump')).toBe(true);
    expect(ignored(repo, 'src/compose.yaml')).toBe(false);
    expect(ignored(repo, 'src/Dockerfile')).toBe(false);
  });

  it('--dependencies ../requirements.txt: the build context becomes the repository root, and nothing is copied from outside it', async () => {
    const { repo, src } = repositoryWithSrc();
    await generate(src, { dependencies: '../requirements.txt' });
    const dockerfile = fs.readFileSync(path.join(src, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY requirements.txt ./requirements.txt\nRUN pip wheel --wheel-dir /wheels -r requirements.txt');
    expect(dockerfile).not.toMatch(/^COPY \.\./m);
    expect(dockerfile).toMatch(/^WORKDIR \/app\/src$/m);
    expect(fs.readFileSync(path.join(src, 'compose.yaml'), 'utf8')).toMatch(/context: \.\.\n\s+dockerfile: src\/Dockerfile/);
    // Docker reads .dockerignore at the context's root only.
    expect(fs.readFileSync(path.join(repo, '.dockerignore'), 'utf8')).toMatch(/^src\/\.env$/m);
    expect(fs.existsSync(path.join(src, '.dockerignore'))).toBe(false);
  });

  it('--dependencies ../uv.lock: accepted, read with the pyproject.toml beside it', async () => {
    const { repo, src } = repositoryWithSrc();
    fs.writeFileSync(path.join(repo, 'pyproject.toml'), '[project]\nname = "site"\nversion = "1"\ndependencies = ["django>=4.2", "gunicorn"]\n');
    fs.writeFileSync(
      path.join(repo, 'uv.lock'),
      uvLock([
        ['django', '5.2'],
        ['gunicorn', '23.0.0'],
      ]),
    );
    await generate(src, { dependencies: '../uv.lock' });
    const dockerfile = fs.readFileSync(path.join(src, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY pyproject.toml ./pyproject.toml\nCOPY uv.lock ./uv.lock');
    expect(dockerfile).not.toContain('RUN pip install gunicorn');
  });

  it('--dependencies ../uv.lock that does not exist: says so, and nothing is written', async () => {
    const { src } = repositoryWithSrc();
    await expect(generate(src, { dependencies: '../uv.lock' })).rejects.toThrow('--dependencies: ../uv.lock does not exist in the project');
    expect(fs.existsSync(path.join(src, 'compose.yaml'))).toBe(false);
    expect(fs.existsSync(path.join(src, '.env'))).toBe(false);
  });

  it('an absolute dependency path is refused with a clear error', async () => {
    const { repo, src } = repositoryWithSrc();
    await expect(generate(src, { dependencies: path.join(repo, 'requirements.txt') })).rejects.toThrow(/--dependencies: .* is not a file relative to this folder/);
  });

  it('no manifest beside manage.py: found in the parent folder, up to the repository root', async () => {
    const { repo, src } = repositoryWithSrc();
    fs.rmSync(path.join(src, 'requirements.txt'));
    await generate(src);
    expect(fs.readFileSync(path.join(src, 'compose.yaml'), 'utf8')).toMatch(/context: \.\.\n/);
    expect(fs.existsSync(path.join(repo, '.dockerignore'))).toBe(true);
  });
});

describe('started at the repository root, manage.py below', () => {
  it('one Django project in src/: generated there, with a note', async () => {
    const { repo, src } = repositoryWithSrc();
    await generate(repo);
    expect(fs.existsSync(path.join(src, 'compose.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(repo, 'compose.yaml'))).toBe(false);
    expect(ignored(repo, 'src/.env')).toBe(true);
  });

  it('several: --yes lists them and writes nothing; --project-dir picks one', async () => {
    const { repo, src } = repositoryWithSrc();
    fixtures.writeProject(fixtures.startproject(), path.join(repo, 'apps', 'api'));
    await expect(generate(repo)).rejects.toThrow('--project-dir: several Django projects below this folder (src/, apps/api/); pass --project-dir with one of them');
    expect(fs.existsSync(path.join(src, 'compose.yaml'))).toBe(false);
    await generate(repo, { projectDir: 'apps/api' });
    expect(fs.existsSync(path.join(repo, 'apps', 'api', 'compose.yaml'))).toBe(true);
    expect(fs.existsSync(path.join(src, 'compose.yaml'))).toBe(false);
  });

  it('--project-dir without manage.py is refused', async () => {
    const { repo } = repositoryWithSrc();
    await expect(generate(repo, { projectDir: 'docs' })).rejects.toThrow('--project-dir: docs has no manage.py');
  });
});
