/** Helpers for the end-to-end suite: run the built CLI for real, clean up every stack. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { packageRoot } from '../../lib/package-root.js';

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

/** Always run, even after a failure: no containers, networks or volumes are left behind. */
export function composeDown(dir: string, project: string): void {
  spawnSync('docker', ['compose', '--project-name', project, 'down', '-v', '--remove-orphans'], { cwd: dir, stdio: 'ignore', timeout: 120_000 });
}
