/**
 * The "as installed" suite tests the package as users get it: `npm pack` (its own prepack
 * build, from a copy of the checkout so the checkout's dist/ is left alone for the other
 * suites), then `npm install --prefix <dir> <tarball> yo@7` as the non-root user `djstatic`
 * (real yo refuses root), on a supported Node (user.ts: nodeDir). The prefix is shared by every
 * test file of this project.
 *
 * Vitest runs every project's global setup before the first test of the run, so this one starts the
 * pack and install and returns at once: they take minutes, and the e2e files (which run first and
 * mostly wait on Docker) run meanwhile. Each installed test file waits for them (ready.ts, its setup file).
 */
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';
import { packageRoot } from '../../lib/package-root.js';
import e2eSetup from '../e2e/global-setup.js';
import { asUserArgs, installState, linkUserNode, USER } from './user.js';

declare module 'vitest' {
  export interface ProvidedContext {
    installed: { base: string; prefix: string; tarball: string };
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  e2eSetup(); // a Docker engine and Compose, for `check`
  try {
    execFileSync('id', ['-u', USER], { stdio: 'ignore' });
  } catch {
    throw new Error(`installed suite: user ${USER} is missing. Run \`bash scripts/test-env.sh\` (as root) or \`npm test\`, which creates it.`);
  }
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-installed-'));
  fs.chmodSync(base, 0o755);
  const prefix = path.join(base, 'prefix');
  fs.mkdirSync(prefix);
  execFileSync('chown', [`${USER}:`, prefix]);
  const install = (...packages: string[]) => {
    const [command, ...args] = asUserArgs(['npm', 'install', '--no-audit', '--no-fund', '--prefix', prefix, ...packages], prefix);
    return promisify(execFile)(command!, args, { cwd: prefix, timeout: 300_000 });
  };
  // yo first (network) while the package is built and packed (CPU); then the tarball joins it,
  // sharing yo's yeoman-environment as in any install of both.
  const tarball = path.join(base, packedName());
  const prepared = (async () => {
    await Promise.all([pack(base, tarball), install('yo@7')]);
    execFileSync('chown', [`${USER}:`, tarball]);
    await install(tarball, 'yo@7');
    // yo, npx and the bin run on Node 24 (the package's engines), whatever the machine's own node is.
    linkUserNode(prefix, 'supported', '24');
  })().then(
    () => fs.writeFileSync(installState(base).ready, ''),
    (error: unknown) => fs.writeFileSync(installState(base).failed, error instanceof Error ? (error.stack ?? error.message) : String(error)),
  );
  project.provide('installed', { base, prefix, tarball });
  return async () => {
    await prepared; // never remove the prefix under a running npm
    fs.rmSync(base, { recursive: true, force: true });
  };
}

/** `npm pack`'s file name for this package: <name>-<version>.tgz. */
function packedName(): string {
  const { name, version } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
  return `${name}-${version}.tgz`;
}

/** `npm pack` with its lifecycle scripts, in a copy of the checkout's files (not node_modules, not dist). */
async function pack(base: string, expected: string): Promise<void> {
  const root = packageRoot();
  const copy = path.join(base, 'checkout');
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  for (const file of files) {
    if (!fs.existsSync(path.join(root, file))) continue; // deleted in the working tree
    fs.mkdirSync(path.dirname(path.join(copy, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(copy, file));
  }
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'));
  await promisify(execFile)('npm', ['pack', '--pack-destination', base], { cwd: copy, timeout: 300_000 });
  fs.rmSync(copy, { recursive: true, force: true });
  const tarballs = fs.readdirSync(base).filter((name) => name.endsWith('.tgz'));
  if (tarballs.length !== 1 || path.join(base, tarballs[0]!) !== expected) {
    throw new Error(`installed suite: expected ${path.basename(expected)} from npm pack, found ${tarballs.join(', ') || 'none'}`);
  }
}
