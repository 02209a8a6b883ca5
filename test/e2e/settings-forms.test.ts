/**
 * Settings forms from real projects (issue 22), end to end on the stand-ins: a DATABASE_URL
 * project gets PostgreSQL and logs in through nginx; a project that requires a variable only on
 * its PostgreSQL branch lists it and stops before building until .env sets it; an offline
 * django-compressor project serves a compressed page whose CSS answers 200 through nginx.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as fixtures from '../fixtures/projects.js';
import * as forms from '../fixtures/settings-forms.js';
import { cli, composeDown } from './stack.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

let nextPort = 18_700;
function project(files: fixtures.Files, name: string) {
  const dir = fixtures.writeProject(files);
  const port = nextPort++;
  cleanups.push(() => composeDown(dir, name));
  return { dir, port, base: ['--yes', '--project-name', name, '--port', String(port)] };
}

const passedWithLogin = (output: string) => {
  expect(output).not.toMatch(/^\s+FAIL /m);
  expect(output).toMatch(/PASS {2}least privilege/);
  expect(output).toMatch(/PASS {2}admin login through nginx\s+GET \/admin\/login\/ 200 → POST 302 → GET \/admin\/ 200/);
};

const imageExists = (image: string) => spawnSync('docker', ['image', 'inspect', image], { stdio: 'ignore' }).status === 0;

describe('settings forms on the stand-ins', () => {
  it('dj-database-url with a PostgreSQL default: --database postgres by default, said why, the admin login passes through nginx', () => {
    const files = forms.urlWithPostgresDefault();
    // plain HTTP here: the project's own HTTPS redirect would send the login elsewhere
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace('SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "True")\n', '');
    const { dir, base } = project(files, 's22-url-postgres');
    const run = cli(dir, base);
    expect(run.output).toContain("database choice    postgres: the settings' default database URL is PostgreSQL on localhost");
    expect(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')).toMatch(/image: postgres:17/);
    passedWithLogin(run.output);
    expect(run.status, run.output).toBe(0);
  });

  it('a variable required only on the PostgreSQL branch: listed in .env.example, the run stops before building until .env sets it', () => {
    const name = 's22-branch-required';
    const { dir, base } = project(forms.postgresOnOneBranch(), name);
    // This test's own image (a name no other test uses), so "nothing was built" is measured from nothing.
    const image = `${name}-app:latest`;
    const removeImage = () => spawnSync('docker', ['image', 'rm', '-f', image], { stdio: 'ignore' });
    removeImage();
    cleanups.push(removeImage);
    const first = cli(dir, base);
    expect(first.status).toBe(1);
    expect(first.output).toMatch(/SITE_DOMAIN \(read at mysite\/settings\.py:\d+\)/);
    expect(first.output).toMatch(/POSTGRES_HOST \(read at mysite\/settings\.py:\d+, when DATABASE_URL is not set\)/);
    expect(fs.readFileSync(path.join(dir, '.env.example'), 'utf8')).toMatch(/required only when DATABASE_URL is not set\nPOSTGRES_HOST=\n/);
    expect(imageExists(image)).toBe(false); // nothing was built
    fs.appendFileSync(path.join(dir, '.env'), 'SITE_DOMAIN=localhost\nPOSTGRES_HOST=db\n');
    const second = cli(dir, ['check']);
    passedWithLogin(second.output);
    expect(second.status, second.output).toBe(0);
  });

  it('django-compressor offline: compress runs after collectstatic, the compressed page links CSS that answers 200 through nginx', async () => {
    const files = forms.offlineCompressor();
    // The stand-in image has Debian's django-compressor, whose metadata pins an rjsmin Debian does not
    // ship, so pip cannot "install" it offline; the package itself imports fine (PyPI resolves both).
    files['requirements.txt'] = files['requirements.txt']!.replace('django-compressor\n', '');
    const { dir, port, base } = project(files, 's22-compressor');
    const run = cli(dir, base);
    expect(run.output).toMatch(/django-compressor is offline \(COMPRESS_OFFLINE at mysite\/settings\.py:\d+\)/);
    expect(run.output).toMatch(/the settings create \/app\/logs at import/);
    expect(run.status, run.output).toBe(0);
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { Host: 'localhost' } });
    const html = await page.text();
    expect(page.status, html).toBe(200);
    const href = /href="(\/static\/CACHE\/css\/[^"]+\.css)"/.exec(html)?.[1];
    expect(href, html).toBeDefined();
    const css = await fetch(`http://127.0.0.1:${port}${href}`, { headers: { Host: 'localhost' } });
    expect(css.status).toBe(200);
    expect(await css.text()).toContain('.page');
  });
});
