/**
 * Private uploads, for real: the project's own nginx makes MEDIA_URL internal, so the stack's
 * nginx does too. The check passes (a direct request for an upload is refused), and a view's
 * X-Accel-Redirect answer gets the file from the media volume.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { privateUploads, writeProject } from '../fixtures/projects.js';
import { cli, composeDown } from './stack.js';

const started: { dir: string; project: string }[] = [];
afterEach(() => {
  for (const stack of started.splice(0)) composeDown(stack.dir, stack.project);
});

describe('private uploads', () => {
  it('MEDIA_URL internal: the check passes, a direct request gets 404, the X-Accel-Redirect answer gets the file', async () => {
    const name = 'e2e-private-media';
    const port = 18972;
    const dir = writeProject(privateUploads());
    started.push({ dir, project: name });
    const generated = cli(dir, ['--yes', '--project-name', name, '--port', String(port)]);
    expect(generated.output).toMatch(/private uploads +internal/);
    expect(generated.output).toMatch(/PASS {2}media file from nginx.*: 404 \(internal/);
    expect(generated.status, generated.output).toBe(0);

    const written = spawnSync('docker', ['compose', '--project-name', name, 'exec', '-T', 'app', 'sh', '-c', 'echo private-ok > /srv/django/media/report.txt'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(written.status, written.stderr).toBe(0);
    const get = (url: string) => fetch(`http://127.0.0.1:${port}${url}`, { signal: AbortSignal.timeout(15_000) });
    const direct = await get('/uploads/report.txt');
    expect(direct.status).toBe(404);
    const handedOut = await get('/download/report.txt');
    expect(handedOut.status).toBe(200);
    expect((await handedOut.text()).trim()).toBe('private-ok');
  });
});
