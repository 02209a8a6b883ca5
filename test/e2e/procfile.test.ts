/**
 * A Procfile project end to end: one service per Procfile process (web is the app), and its
 * release command run as the one-shot step after migrate, which the app waits for. On both
 * Compose versions; then a release that fails, on Compose v2: the app is not started and the
 * check names the release command and its line.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { procfileProject } from '../fixtures/processes.js';
import { cli, stacksFrom } from './stack.js';

const project = stacksFrom(19_630);

/** The last container of a compose service, stopped ones too. */
function containerOf(projectName: string, service: string): string | undefined {
  const filters = ['--filter', `label=com.docker.compose.project=${projectName}`, '--filter', `label=com.docker.compose.service=${service}`];
  return execFileSync('docker', ['ps', '-aq', ...filters], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter(Boolean)[0];
}

interface Inspected {
  State: { Status: string; ExitCode: number; StartedAt: string; FinishedAt: string };
  Config: { Cmd: string[] };
}
const inspect = (id: string) => (JSON.parse(execFileSync('docker', ['inspect', id], { encoding: 'utf8' })) as Inspected[])[0]!;

const CLOCK = 'python manage.py shell -c "import time; time.sleep(10**9)"';

for (const compose of ['v2', 'v1'] as const) {
  describe(`Procfile, Compose ${compose}`, () => {
    it('one service per process, and release runs once, after migrate, before the app starts', () => {
      const name = `e2e-${compose}-procfile`;
      const { dir, base } = project(procfileProject(), name);
      const run = cli(dir, base, { DJANGO_STATIC_COMPOSE: compose });
      expect(run.status, run.output).toBe(0);
      const services = Object.keys((YAML.parse(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')) as { services: object }).services);
      expect(services).toContain('clock');
      expect(services).toContain('release');
      expect(services).not.toContain('web'); // web is the app

      const clock = inspect(containerOf(name, 'clock')!);
      expect(clock.State.Status).toBe('running');
      expect(clock.Config.Cmd).toEqual(['sh', '-c', CLOCK]);

      const releaseId = containerOf(name, 'release')!;
      const release = inspect(releaseId);
      expect(release.State).toMatchObject({ Status: 'exited', ExitCode: 0 });
      // Both of its commands ran: migrate (after the migrate step, nothing left to apply), then check --deploy.
      const logs = spawnSync('docker', ['logs', releaseId], { encoding: 'utf8' });
      const said = `${logs.stdout}${logs.stderr}`;
      expect(said).toMatch(/No migrations to apply/);
      expect(said).toMatch(/System check identified/);
      const migrate = inspect(containerOf(name, 'migrate')!);
      const app = inspect(containerOf(name, 'app')!);
      // The order Docker recorded: migrate ended before release started, release ended before the app started.
      expect(Date.parse(release.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(migrate.State.FinishedAt));
      expect(Date.parse(app.State.StartedAt)).toBeGreaterThanOrEqual(Date.parse(release.State.FinishedAt));
    });
  });
}

describe('Procfile, a release that fails', () => {
  it('the app is not started, and the check names the release command and its line', () => {
    const name = 'e2e-procfile-badrelease';
    const files = procfileProject();
    files['Procfile'] = files['Procfile']!.replace(/^release: .*$/m, 'release: python -c "import sys; sys.exit(\'release refused: the deploy key is missing\')"');
    const { dir, base } = project(files, name);
    const run = cli(dir, [...base, '--down']);
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toMatch(/The Procfile's release command \(Procfile:2\) failed: release exited with 1, so the app and the workers, which start after it, were not started/);
    expect(run.output).toMatch(/release refused: the deploy key is missing/);
    // The way out it names: generated without the release step, there is no release service.
    expect(cli(dir, [...base, '--no-procfile-release', '--skip-health-check']).status).toBe(0);
    expect(Object.keys((YAML.parse(fs.readFileSync(path.join(dir, 'compose.yaml'), 'utf8')) as { services: object }).services)).not.toContain('release');
  });
});
