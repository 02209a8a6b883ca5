/**
 * A project with files of its own: a compose file, a Dockerfile, a .env.example, all
 * group-writable (umask 002, the Debian/Ubuntu default). --yes asks nothing, writes ours beside
 * theirs, and changes none of theirs, byte or mode, with or without --force.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { BESIDE_PROJECT_FILES } from '../../lib/config/names.js';
import { coexistingProject, PROJECT_OWN_FILES } from '../fixtures/coexistence.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

/** Every file of the fixture: content and mode. */
const snapshot = (dir: string, files: string[]) =>
  Object.fromEntries(files.map((file) => [file, { content: fs.readFileSync(path.join(dir, file), 'utf8'), mode: fs.statSync(path.join(dir, file)).mode }]));

function groupWritableProject(): { dir: string; own: string[] } {
  const project = coexistingProject();
  const dir = fixtures.writeProject(project);
  for (const file of Object.keys(project)) fs.chmodSync(path.join(dir, file), 0o664);
  return { dir, own: Object.keys(project) };
}

describe('a project with its own compose file, Dockerfile and .env.example', () => {
  for (const force of [false, true]) {
    it(`--yes${force ? ' --force' : ''}: no prompt, none of its files changed, ours beside them`, async () => {
      const { dir, own } = groupWritableProject();
      const before = snapshot(dir, own);
      const result = await generate(dir, { force });
      expect(result.askedQuestions).toEqual([]);
      expect(snapshot(dir, own)).toEqual(before);
      for (const file of Object.values(BESIDE_PROJECT_FILES)) expect(fs.existsSync(path.join(dir, file))).toBe(true);
      expect(fs.existsSync(path.join(dir, 'compose.yaml'))).toBe(false); // Compose v2 would read it before theirs
      const compose = parse(fs.readFileSync(path.join(dir, BESIDE_PROJECT_FILES.compose), 'utf8')) as { services: Record<string, { build?: { dockerfile: string } }> };
      expect(compose.services['app']!.build!.dockerfile).toBe(BESIDE_PROJECT_FILES.dockerfile);
      const name = `${path.basename(dir).toLowerCase()}-static`;
      expect(fs.readFileSync(path.join(dir, BESIDE_PROJECT_FILES.compose), 'utf8')).toContain(`# Start: docker compose -p ${name} -f ${BESIDE_PROJECT_FILES.compose} up -d --build --wait`);
      // Their `docker compose` reads .env too: it must not be renamed by ours.
      expect(fs.readFileSync(path.join(dir, '.env'), 'utf8')).not.toContain('COMPOSE_PROJECT_NAME');
      expect(fs.readFileSync(path.join(dir, '.dockerignore'), 'utf8')).toContain(`\n${BESIDE_PROJECT_FILES.compose}\n`);
    });
  }

  it('a re-run keeps the names and changes nothing', async () => {
    const { dir } = groupWritableProject();
    await generate(dir);
    const all = fs
      .readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)));
    const first = snapshot(dir, all);
    const again = await generate(dir);
    expect(again.askedQuestions).toEqual([]);
    expect(snapshot(dir, all)).toEqual(first);
  });

  it('the project files it owns are listed in the fixture', () => {
    expect(PROJECT_OWN_FILES).toEqual(['docker-compose.yml', 'Dockerfile', '.env.example']);
  });
});

describe('group-writable files of ours (umask 002)', () => {
  it('a re-run under --yes asks nothing and keeps their mode', async () => {
    const dir = fixtures.writeProject(fixtures.startproject());
    await generate(dir);
    const ours = ['Dockerfile', 'compose.yaml', 'gunicorn.conf.py', 'nginx/default.conf', '.env.example', '.dockerignore'];
    for (const file of ours) fs.chmodSync(path.join(dir, file), 0o664);
    const result = await generate(dir, { staticUrl: '/assets/' });
    expect(result.askedQuestions).toEqual([]);
    for (const file of ours) expect(fs.statSync(path.join(dir, file)).mode & 0o777).toBe(0o664);
    expect(fs.readFileSync(path.join(dir, 'nginx/default.conf'), 'utf8')).toContain('location /assets/ {');
  });
});
