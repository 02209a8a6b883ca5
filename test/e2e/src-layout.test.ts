/**
 * Manifests in a parent folder, for real (issue 21): run from the repository root, the stack is
 * written beside src/manage.py, built from the root (which holds requirements.txt), and the
 * check passes. The image holds the repository under /app and runs in /app/src; the root
 * .dockerignore keeps src/.env out of it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { srcLayout } from '../fixtures/src-layout.js';
import { writeProject } from '../fixtures/projects.js';
import { cli, composeDown } from './stack.js';

const started: { dir: string; project: string }[] = [];
afterEach(() => {
  for (const stack of started.splice(0)) composeDown(stack.dir, stack.project);
});

describe('manifests in a parent folder', () => {
  it('a src/ layout with requirements.txt at the root builds from the root, and the check passes', () => {
    const name = 'e2e-src-layout';
    const root = writeProject(srcLayout());
    const src = path.join(root, 'src');
    started.push({ dir: src, project: name });
    const generated = cli(root, ['--yes', '--project-name', name, '--port', '18970']);
    expect(generated.output).toMatch(/manage\.py is in src\//);
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);

    expect(fs.readFileSync(path.join(src, 'compose.yaml'), 'utf8')).toMatch(/context: \.\.\n\s+dockerfile: src\/Dockerfile/);
    expect(fs.existsSync(path.join(root, '.dockerignore'))).toBe(true);
    expect(fs.existsSync(path.join(src, '.env'))).toBe(true);

    const exec = (...args: string[]) => spawnSync('docker', ['compose', '--project-name', name, 'exec', '-T', 'app', ...args], { cwd: src, encoding: 'utf8', timeout: 120_000 });
    const where = exec('sh', '-c', 'pwd; test -f /app/requirements.txt && test -f /app/src/manage.py && test ! -e /app/src/.env && test ! -e /app/.git && echo layout-ok');
    expect(`${where.stdout}${where.stderr}`).toBe('/app/src\nlayout-ok\n');
  });

  it("the repository's own .dockerignore is an allowlist (`*`, then what may enter): the files of ours the image needs are let in, the image builds and the check passes", () => {
    const name = 'e2e-src-allowlist';
    const own = '*\n!/requirements.txt\n!/src/manage.py\n!/src/mysite\n';
    const root = writeProject({ ...srcLayout(), '.dockerignore': own });
    const src = path.join(root, 'src');
    started.push({ dir: src, project: name });
    const generated = cli(root, ['--yes', '--project-name', name, '--port', '18971']);
    expect(generated.output).toMatch(/\.dockerignore lets into the image only what it lists: re-included what the image needs \(!src\/gunicorn\.conf\.py/);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);
    expect(fs.readFileSync(path.join(root, '.dockerignore'), 'utf8').startsWith(own)).toBe(true);
  });
});
