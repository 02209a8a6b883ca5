/**
 * Regeneration over the whole fixture corpus: byte-identical re-runs, only affected files
 * change after a scripted settings change, and edits survive in both modes.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { packageRoot } from '../../lib/package-root.js';
import { channelsEcho } from '../fixtures/asgi.js';
import * as fixtures from '../fixtures/projects.js';
import { generate, generateInteractively } from './run.js';

const CORPUS = {
  startproject: fixtures.startproject,
  'settings package': fixtures.settingsPackage,
  'assets + media': fixtures.assetsAndMedia,
  'cookiecutter-like (django-environ)': fixtures.cookiecutterLike,
  'python-decouple': fixtures.decoupleProject,
  uv: fixtures.uvProject,
  poetry: fixtures.poetryProject,
};

function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), { withFileTypes: true })) {
      const file = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(file);
      else files[file] = fs.readFileSync(path.join(dir, file), 'utf8');
    }
  };
  walk('');
  return files;
}

const changedFiles = (before: Record<string, string>, after: Record<string, string>) =>
  Object.keys({ ...before, ...after })
    .filter((file) => before[file] !== after[file])
    .sort();

describe.each(Object.entries(CORPUS))('%s', (_name, files) => {
  it('re-runs byte-identically; a STATIC_URL change touches only nginx, compose, the overlay and .yo-rc.json', async () => {
    const dir = fixtures.writeProject(files());
    await generate(dir);
    const first = tree(dir);
    await generate(dir);
    expect(tree(dir)).toEqual(first);

    // The scripted settings change, in the settings file the stack builds on.
    const facts = detectProject(dir);
    const settingsFile = path.join(dir, facts.settingsFiles.at(-1)!);
    fs.appendFileSync(settingsFile, '\nSTATIC_URL = "/changed/"\n');
    await generate(dir);
    const after = tree(dir);
    const overlay = facts.settingsModule.value.includes('.settings.') ? 'config/settings_docker.py' : 'mysite/settings_docker.py';
    expect(changedFiles(first, after)).toEqual(['.yo-rc.json', 'compose.yaml', facts.settingsFiles.at(-1)!, 'nginx/default.conf', overlay].sort());
    expect(after['nginx/default.conf']).toContain('location /changed/ {');
    expect(after[overlay]).toContain('STATIC_URL = "/changed/"');
    expect(JSON.parse(after['.yo-rc.json']!)['*'].manifest.detected.staticUrl).toBe('/changed/');
  });

  it('keeps edits: --yes writes <file>.new and fails; interactive asks; unchanged output keeps the edit silently', async () => {
    const dir = fixtures.writeProject(files());
    await generate(dir);
    const conf = path.join(dir, 'nginx/default.conf');
    fs.appendFileSync(conf, '# hand edit\n');
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.appendFileSync(dockerfile, '# hand edit\n');

    await expect(generate(dir, { staticUrl: '/other/' })).rejects.toThrow(/nginx\/default\.conf -> nginx\/default\.conf\.new/);
    expect(fs.readFileSync(conf, 'utf8')).toMatch(/# hand edit\n$/);
    expect(fs.readFileSync(`${conf}.new`, 'utf8')).toContain('location /other/ {');
    // The Dockerfile does not depend on STATIC_URL: the edit stays, and no .new is written for it.
    expect(fs.readFileSync(dockerfile, 'utf8')).toMatch(/# hand edit\n$/);
    expect(fs.existsSync(`${dockerfile}.new`)).toBe(false);

    fs.rmSync(`${conf}.new`);
    await generateInteractively(dir, 'write', { staticUrl: '/other/' });
    expect(fs.readFileSync(conf, 'utf8')).toContain('location /other/ {');
    expect(fs.readFileSync(dockerfile, 'utf8')).toMatch(/# hand edit\n$/);
  });
});

describe('a file the stack no longer uses', () => {
  // The CLI as installed (dist/), for what the run says.
  const run = (dir: string, ...args: string[]) => {
    const result = spawnSync(process.execPath, [path.join(packageRoot(), 'dist', 'bin', 'cli.js'), '--yes', '--skip-health-check', ...args], { cwd: dir, encoding: 'utf8' });
    return { status: result.status, output: result.stdout + result.stderr };
  };
  const recorded = (dir: string) => Object.keys(JSON.parse(fs.readFileSync(path.join(dir, '.yo-rc.json'), 'utf8'))['generator-django-static'].manifest.files as object);

  it('is removed when it is as generated (gunicorn.conf.py after a switch to daphne), and kept and named when edited', () => {
    const dir = fixtures.writeProject(channelsEcho());
    const conf = path.join(dir, 'gunicorn.conf.py');
    expect(run(dir, '--app-server', 'uvicorn').status).toBe(0);
    expect(fs.existsSync(conf)).toBe(true);

    const dry = run(dir, '--app-server', 'daphne', '--dry-run');
    expect(dry.output).toContain('would remove gunicorn.conf.py');
    expect(fs.existsSync(conf)).toBe(true);

    const daphne = run(dir, '--app-server', 'daphne');
    expect(daphne.status, daphne.output).toBe(0);
    expect(daphne.output).toContain('removed gunicorn.conf.py: no longer part of the stack, and unchanged since it was generated');
    expect(fs.existsSync(conf)).toBe(false);
    expect(recorded(dir)).not.toContain('gunicorn.conf.py');

    // Back to uvicorn, then an edit: the next switch keeps the file, says so, and forgets it.
    expect(run(dir, '--app-server', 'uvicorn').status).toBe(0);
    fs.appendFileSync(conf, '# hand edit\n');
    const kept = run(dir, '--app-server', 'daphne');
    expect(kept.status, kept.output).toBe(0);
    expect(kept.output).toContain('gunicorn.conf.py is no longer part of the stack (nothing reads it now); kept, as you edited it');
    expect(fs.readFileSync(conf, 'utf8')).toMatch(/# hand edit\n$/);
    expect(recorded(dir)).not.toContain('gunicorn.conf.py');
    // Now the user's file: a later run leaves it alone and says nothing more of it.
    const again = run(dir, '--app-server', 'daphne');
    expect(again.output).not.toContain('gunicorn.conf.py');
    expect(fs.readFileSync(conf, 'utf8')).toMatch(/# hand edit\n$/);
  });
});

describe('built on another settings module than last time', () => {
  it('what was read from the old settings (the WSGI application) is read again from the new ones, not kept from the store', async () => {
    const files = fixtures.startproject();
    // A second settings module, as bookwyrm's celerywyrm: it imports the first and names its own entry point.
    files['worker/__init__.py'] = '';
    files['worker/settings.py'] = 'from mysite.settings import *\n\nWSGI_APPLICATION = "worker.wsgi.application"\n';
    files['worker/wsgi.py'] = files['mysite/wsgi.py']!.replace('mysite.settings', 'worker.settings');
    const dir = fixtures.writeProject(files);
    await generate(dir, { settingsModule: 'worker.settings' });
    // yeoman-test stores under '*' (no package name); the bin under the package's name.
    const stored = () => (Object.values(JSON.parse(fs.readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')))[0] as { manifest: { answers: Record<string, unknown> } }).manifest.answers;
    expect(stored()['wsgiApplication']).toBe('worker.wsgi.application');
    await generate(dir, { settingsModule: 'mysite.settings' });
    expect(stored()['wsgiApplication']).toBe('mysite.wsgi.application');
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('mysite.wsgi:application');
    // The same settings again: stored answers stand (an answer given once is kept).
    await generate(dir, { wsgiApplication: 'mysite.wsgi.application' });
    expect(stored()['wsgiApplication']).toBe('mysite.wsgi.application');
  });
});
