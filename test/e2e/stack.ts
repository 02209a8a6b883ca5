/** Helpers for the end-to-end suite: run the built CLI for real, clean up every stack. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';
import { packageRoot } from '../../lib/package-root.js';
import { writeProject, type Files } from '../fixtures/projects.js';

export const CLI = path.join(packageRoot(), 'dist', 'bin', 'cli.js');

export interface CliRun {
  status: number;
  output: string;
}

export function cli(dir: string, args: string[], env: Record<string, string> = {}): CliRun {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, ...env, FORCE_COLOR: '0' },
    timeout: 900_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status ?? 1, output: `${result.stdout}\n${result.stderr}` };
}

/** The same, without blocking this process (a test may be serving a port meanwhile). */
export function cliAsync(dir: string, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, ...env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

/** Always run, even after a failure: no containers, networks or volumes are left behind. */
export function composeDown(dir: string, project: string): void {
  spawnSync('docker', ['compose', '--project-name', project, 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
}

/**
 * Projects for one test file, each on the next host port from `firstPort`; every stack a test
 * started is taken down after it, even after a failure.
 */
export function stacksFrom(firstPort: number) {
  const started: { dir: string; project: string }[] = [];
  afterEach(() => {
    for (const stack of started.splice(0)) composeDown(stack.dir, stack.project);
  });
  let nextPort = firstPort;
  return (files: Files, name: string) => {
    const dir = writeProject(files);
    const port = nextPort++;
    started.push({ dir, project: name });
    return { dir, port, base: ['--yes', '--project-name', name, '--port', String(port)] };
  };
}

/**
 * A project for the Python 3.11 stand-in (bookworm, Django 3.2), with its arguments: for daphne,
 * whose trixie dependency autobahn 23.1 has metadata that current pip rejects (PyPI offers a
 * newer one). The project's Django floor drops to 3.2, the version there.
 */
export function onPython311(files: Record<string, string>): { files: Record<string, string>; args: string[] } {
  const requirements = files['requirements.txt'];
  if (!requirements?.includes('Django>=4.2,')) throw new Error('onPython311: the project has no requirements.txt with a Django>=4.2 floor');
  return { files: { ...files, 'requirements.txt': requirements.replace('Django>=4.2,', 'Django>=3.2,') }, args: ['--python-version', '3.11'] };
}
