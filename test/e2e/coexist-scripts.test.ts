/**
 * A project with its own docker/entrypoint.sh, gunicorn.conf.py, nginx/default.conf and compose
 * file, for real: ours run under their other names (the image's ENTRYPOINT, gunicorn's --config,
 * nginx's mounted server) and the check passes; theirs are left as they were.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BESIDE_PROJECT_FILES } from '../../lib/config/names.js';
import { coexistingProject, PROJECT_OWN_SCRIPTS } from '../fixtures/coexistence.js';
import { writeProject } from '../fixtures/projects.js';
import { cli } from './stack.js';

const started: { dir: string; project: string }[] = [];
afterEach(() => {
  // Ours by -f: without it, compose would read their docker-compose.yml and leave our volumes.
  for (const { dir, project } of started.splice(0))
    spawnSync('docker', ['compose', '--project-name', project, '-f', BESIDE_PROJECT_FILES.compose, 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
});

describe("a project's own scripts at our paths", () => {
  it('the stack runs from ours under the other names, and the check passes', () => {
    const name = 'e2e-coexist-scripts';
    const dir = writeProject({ ...coexistingProject(), ...PROJECT_OWN_SCRIPTS });
    started.push({ dir, project: name });
    const generated = cli(dir, ['--yes', '--project-name', name, '--port', '19731']);
    expect(generated.output).not.toMatch(/^\s+FAIL /m);
    expect(generated.output).toMatch(/PASS {2}static file from nginx/);
    expect(generated.status, generated.output).toBe(0);
    for (const [file, content] of Object.entries(PROJECT_OWN_SCRIPTS)) expect(fs.readFileSync(path.join(dir, file), 'utf8'), file).toBe(content);
  });
});
