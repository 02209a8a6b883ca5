/**
 * Rollback on one host, for real: three releases checked in turn (a changed stylesheet, then a
 * new app with a migration), a rollback across that migration refused with its name, then with
 * --across-migrations to release 2 and plainly on to release 1, whose page and stylesheet are
 * served again. The data volume is the same one throughout. On Compose v2 and docker-compose 1.x.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RELEASES_FILE } from '../../lib/config/names.js';
import { probe } from '../../lib/probe/http-probe.js';
import { parseReleaseLog } from '../../lib/release/record.js';
import * as fixtures from '../fixtures/projects.js';
import { cli as run, stacksFrom } from './stack.js';

const project = stacksFrom(19_745);
const VERSIONS = [
  { compose: 'v2', name: 'e2e-rollback', exec: ['docker', 'compose'] },
  { compose: 'v1', name: 'e2e-v1-rollback', exec: ['docker-compose'] },
] as const;

/** The tags this test gave its releases' images: removed afterwards (the stack itself goes with stacksFrom). */
afterAll(() => {
  for (const { name } of VERSIONS) {
    const images = execFileSync('docker', ['images', '--format', '{{.Repository}}:{{.Tag}}', `${name}-app`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
    if (images.length) execFileSync('docker', ['image', 'rm', ...images], { stdio: 'ignore' });
  }
});

/** The SQLite file of the generated stack (its data volume), asked in the app container. */
const NOTES_APPLIED = `import sqlite3; print(sqlite3.connect("/srv/django/data/db.sqlite3").execute("select count(*) from django_migrations where app = 'notes'").fetchone()[0])`;

for (const { compose, name, exec } of VERSIONS) {
  describe(`rollback on Compose ${compose}`, () => {
    it('returns to release 1 (page and stylesheet), refusing first across a migration release 2 does not know', async () => {
      const { dir, base, port } = project(fixtures.settingsPackage(), name);
      const env = { DJANGO_STATIC_COMPOSE: compose };
      const cli = (cwd: string, args: string[]) => run(cwd, args, env);
      const host = { Host: `localhost:${port}` };
      const stylesheet = async () => /href="([^"]+)"/.exec((await probe(port, '/', host)).body)![1]!;
      // The database's rows: release 3's migration stays recorded through every rollback (no volume is recreated).
      const notesRows = () => execFileSync(exec[0], [...exec.slice(1), '--project-name', name, 'exec', '-T', 'app', 'python', '-c', NOTES_APPLIED], { cwd: dir, encoding: 'utf8' }).trim();
      const releases = () => parseReleaseLog(fs.readFileSync(path.join(dir, RELEASES_FILE), 'utf8'), RELEASES_FILE);

      const first = cli(dir, base);
      expect(first.status, first.output).toBe(0);
      expect(first.output).toMatch(/Release recorded in releases\.json and running: /);
      const release1Css = await stylesheet();

      fs.writeFileSync(path.join(dir, 'frontend/static/css/site.css'), fixtures.css('v2'));
      const second = cli(dir, ['check']);
      expect(second.status, second.output).toBe(0);
      expect(await stylesheet()).not.toBe(release1Css);

      const settings = path.join(dir, 'config/settings/base.py');
      fs.writeFileSync(settings, fixtures.withNotesApp(fs.readFileSync(settings, 'utf8')));
      fixtures.writeProject(fixtures.NOTES_APP, dir);
      const third = cli(dir, ['check']);
      expect(third.status, third.output).toBe(0);
      const [one, two, three] = releases();
      expect(releases()).toHaveLength(3);
      expect(three!.migrations).toContain('notes.0001_initial');
      expect(two!.migrations).not.toContain('notes.0001_initial');
      expect(one!.manifest).not.toBe(two!.manifest);

      expect(notesRows()).toBe('1');
      const refused = cli(dir, ['rollback']);
      expect(refused.status).not.toBe(0);
      expect(refused.output).toContain(`refusing to roll back to ${two!.tag}`);
      expect(refused.output).toMatch(/^\s+notes\.0001_initial$/m);
      expect(refused.output).toContain('--across-migrations');

      const toTwo = cli(dir, ['rollback', '--across-migrations']);
      expect(toTwo.status, toTwo.output).toBe(0);
      expect(toTwo.output).toContain(`Release running: ${two!.tag}`);

      const toOne = cli(dir, ['rollback']);
      expect(toOne.status, toOne.output).toBe(0);
      expect(toOne.output).toContain(`Release running: ${one!.tag}`);
      expect(await stylesheet()).toBe(release1Css);
      expect(notesRows()).toBe('1');
      const css = await probe(port, release1Css, host);
      expect(css.status).toBe(200);
      expect(css.body).toContain('rule-v1');

      const beforeOne = cli(dir, ['rollback']);
      expect(beforeOne.status).not.toBe(0);
      expect(beforeOne.output).toContain(`no release is recorded before the running one, ${one!.tag}`);
    });
  });
}
