/** The demo's sample project: written only into a new or empty folder, and generated without a question. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DemoTargetError, SAMPLE_PROJECT_FILES, writeSampleProject } from '../../lib/demo/sample-project.js';
import { generate } from './run.js';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-demo-'));

describe('demo sample project', () => {
  it('is written into a new folder, and into an empty one', () => {
    const base = tempDir();
    const fresh = writeSampleProject(path.join(base, 'new', 'demo'));
    expect(fs.readdirSync(fresh).sort()).toEqual(['demosite', 'manage.py', 'requirements.txt', 'static', 'templates']);
    const empty = path.join(base, 'empty');
    fs.mkdirSync(empty);
    writeSampleProject(empty);
    for (const [file, content] of Object.entries(SAMPLE_PROJECT_FILES)) expect(fs.readFileSync(path.join(empty, file), 'utf8')).toBe(content);
  });

  it('refuses a folder that holds anything, and a file, writing nothing', () => {
    const base = tempDir();
    fs.writeFileSync(path.join(base, 'notes.txt'), 'mine\n');
    expect(() => writeSampleProject(base)).toThrow(DemoTargetError);
    expect(() => writeSampleProject(base)).toThrow(/is not empty.*nothing written/);
    expect(fs.readdirSync(base)).toEqual(['notes.txt']);
    expect(() => writeSampleProject(path.join(base, 'notes.txt'))).toThrow(/is not a folder/);
    expect(fs.readFileSync(path.join(base, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('generates under --yes with nothing asked: its page and stylesheet are what the check will fetch', async () => {
    const dir = writeSampleProject(path.join(tempDir(), 'demo'));
    await generate(dir);
    const compose = fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8');
    expect(compose).toMatch(/collectstatic/);
    expect(fs.readFileSync(path.join(dir, 'demosite', 'settings_docker.py'), 'utf8')).toMatch(/from demosite\.settings import \*/);
    expect(fs.readFileSync(path.join(dir, 'nginx', 'default.conf'), 'utf8')).toMatch(/location \/static\//);
    expect(SAMPLE_PROJECT_FILES['templates/index.html']).toContain("{% static 'demo/site.css' %}");
    expect(Buffer.byteLength(SAMPLE_PROJECT_FILES['static/demo/site.css']!)).toBeGreaterThanOrEqual(1024); // precompressed, so the check sees gzip
  });
});
