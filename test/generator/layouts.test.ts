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

  for (const file of ['../requirements.txt', '../uv.lock']) {
    it(`--dependencies ${file}: a clear error naming the build context, and nothing written`, async () => {
      const { src } = repositoryWithSrc();
      await expect(generate(src, { dependencies: file })).rejects.toThrow(
        `--dependencies: ${file} is outside this folder, which is the build context: Docker cannot COPY a file from outside it`,
      );
      expect(fs.existsSync(path.join(src, 'compose.yaml'))).toBe(false);
      expect(fs.existsSync(path.join(src, '.env'))).toBe(false);
    });
  }
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
