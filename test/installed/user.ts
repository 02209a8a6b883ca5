/** Running the installed package as the non-root user `djstatic` (scripts/test-env.sh creates it). */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import { writeProject, type Files } from '../fixtures/projects.js';

export const USER = 'djstatic';
export const HOME = `/home/${USER}`;

/** How this machine reaches the registry (a proxy, an extra CA): without them npm can stall on TLS. */
const NETWORK = ['NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR', 'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'];

/**
 * The folder whose `node` the user's commands run on (yo, npx, the bin: `#!/usr/bin/env node`),
 * beside the prefix: a supported Node (global-setup.ts links it), or the old Node of the test of
 * the message an unsupported one gets.
 */
export type UserNode = 'supported' | 'old';
export const nodeDir = (prefix: string, node: UserNode = 'supported') => path.join(path.dirname(prefix), `node-${node}`);

/** A clean environment: the prefix's bin first, then the Node, nothing else inherited from root's shell. */
export function userEnv(prefix: string, node: UserNode = 'supported'): string[] {
  const network = NETWORK.filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  const PATH = [path.join(prefix, 'node_modules', '.bin'), nodeDir(prefix, node), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
  return [`HOME=${HOME}`, `USER=${USER}`, `PATH=${PATH}`, 'LANG=C.UTF-8', 'NO_UPDATE_NOTIFIER=1', 'FORCE_COLOR=0', ...network];
}

export function asUserArgs(command: string[], prefix: string, node: UserNode = 'supported'): string[] {
  return ['runuser', '-u', USER, '--', 'env', '-i', ...userEnv(prefix, node), ...command];
}

/**
 * Links a Node for the user's commands (see nodeDir): scripts/node-for.sh, read from standard input
 * by the user (who may not enter the checkout), finds or installs it in the user's cache.
 */
export function linkUserNode(prefix: string, node: UserNode, major: string): string {
  const script = fs.readFileSync(path.join(packageRoot(), 'scripts', 'node-for.sh'), 'utf8');
  const flags = node === 'old' ? ['--unsupported'] : [];
  const [program, ...args] = asUserArgs(['env', `NODE_FOR_ROOT=${path.join(prefix, 'node_modules', 'generator-django-static')}`, 'bash', '-s', '--', ...flags, major], prefix, node);
  const bin = execFileSync(program!, args, { cwd: prefix, input: script, encoding: 'utf8', stdio: ['pipe', 'pipe', 'inherit'], timeout: 300_000 }).trim();
  fs.mkdirSync(nodeDir(prefix, node), { recursive: true });
  fs.symlinkSync(bin, path.join(nodeDir(prefix, node), 'node'));
  return bin;
}

export interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a command as the user, stdin not a terminal (as in a script or CI). */
export function runAsUser(command: string[], options: { cwd: string; prefix: string; timeoutMs?: number; node?: UserNode }): Run {
  const [program, ...args] = asUserArgs(command, options.prefix, options.node);
  const result = spawnSync(program!, args, { cwd: options.cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: options.timeoutMs ?? 120_000 });
  return { status: result.status ?? 1, stdout: result.stdout, stderr: result.stderr };
}

/** A project directory the user owns, under `base`. */
/** A command as the user in `cwd`, without blocking this process (a load loop may run meanwhile). */
export function runAsUserAsync(command: string[], options: { cwd: string; prefix: string }): Promise<{ status: number; output: string; seconds: number }> {
  const started = Date.now();
  const [program, ...args] = asUserArgs(command, options.prefix);
  return new Promise((resolve) => {
    const child = spawn(program!, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolve({ status: status ?? 1, output, seconds: (Date.now() - started) / 1000 }));
  });
}

export function userProject(base: string, name: string, files: Files): string {
  const dir = writeProject(files, path.join(base, 'projects', name));
  execFileSync('chown', ['-R', `${USER}:`, path.join(base, 'projects')]);
  return dir;
}

/** The marker files global-setup.ts writes in `base` once the pack and install are done or failed (ready.ts waits for them). */
export const installState = (base: string) => ({ ready: path.join(base, 'install-ready'), failed: path.join(base, 'install-failed') });

export const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');
export const exists = (dir: string, file: string) => fs.existsSync(path.join(dir, file));
