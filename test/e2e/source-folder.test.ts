/**
 * manage.py putting src/ on sys.path, the package under src/ (ephios's layout), for real: the
 * image's PYTHONPATH lets collectstatic, migrate and gunicorn import the project, and nginx
 * serves a collected static file.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { sourceFolder } from '../fixtures/source-folder.js';
import { writeProject } from '../fixtures/projects.js';
import { cli, composeDown } from './stack.js';

const started: { dir: string; project: string }[] = [];
afterEach(() => {
  for (const stack of started.splice(0)) composeDown(stack.dir, stack.project);
});

describe('manage.py putting a folder on sys.path', () => {
  it('the stack starts from src/ on PYTHONPATH, and the check passes', () => {
    const name = 'e2e-source-folder';
    const dir = writeProject(sourceFolder());
    started.push({ dir, project: name });
    const generated = cli(dir, ['--yes', '--project-name', name, '--port', '19731']);
    expect(generated.output).toMatch(/source folder +src\/ +\[manage\.py:6\]/);
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);

    const exec = (...args: string[]) => spawnSync('docker', ['compose', '--project-name', name, 'exec', '-T', 'app', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    const imported = exec('python', '-c', 'import mysite.settings_docker, sys; print(mysite.settings_docker.__file__)');
    expect(`${imported.stdout}${imported.stderr}`).toBe('/app/src/mysite/settings_docker.py\n');
  });
});
