/** Running the installed package as the non-root user `djstatic` (scripts/test-env.sh creates it). */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { writeProject, type Files } from '../fixtures/projects.js';

export const USER = 'djstatic';
export const HOME = `/home/${USER}`;

/** How this machine reaches the registry (a proxy, an extra CA): without them npm can stall on TLS. */
const NETWORK = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

/** A clean environment: the prefix's bin first, nothing else inherited from root's shell. */
export function userEnv(prefix: string): string[] {
  const network = NETWORK.filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  return [`HOME=${HOME}`, `USER=${USER}`, `PATH=${path.join(prefix, 'node_modules', '.bin')}:/usr/local/bin:/usr/bin:/bin`, 'LANG=C.UTF-8', 'NO_UPDATE_NOTIFIER=1', 'FORCE_COLOR=0', ...network];
}

export function asUserArgs(command: string[], prefix: string): string[] {
  return ['runuser', '-u', USER, '--', 'env', '-i', ...userEnv(prefix), ...command];
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command as the user, stdin not a terminal (as in a script or CI). */
export function runAsUser(command: string[], options: { cwd: string; prefix: string; timeoutMs?: number }): Run {
  const [program, ...args] = asUserArgs(command, options.prefix);
  const result = spawnSync(program!, args, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** A project directory the user owns, under `base`. */
export function userProject(base: string, name: string, files: Files): string {
  const dir = writeProject(files, path.join(base, 'projects', name));
  execFileSync('chown', ['-R', `${USER}:`, path.join(base, 'projects')]);
  return dir;
}

export const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
export const exists = (dir: string, file: string) => fs.existsSync(path.join(dir, file));
