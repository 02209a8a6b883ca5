/**
 * The Node versions this package runs on: the `engines.node` range of its package.json, which
 * is what yeoman-generator and yeoman-environment need. On an older Node their code does not
 * load (the bundled bin stops on a missing Set method, with a page of minified code), so the bin
 * and each generator check first and say in one line what is needed.
 */
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { packageRoot } from './package-root.js';

/** The `engines.node` range this package declares. */
export function supportedNodeRange(): string {
  const { engines } = JSON.parse(fs.readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { engines: { node: string } };
  return engines.node;
}

/** The one `error:` line for a Node outside the range, or undefined when this Node is supported. */
export function unsupportedNodeMessage(version: string, range = supportedNodeRange()): string | undefined {
  if (semver.satisfies(version, range)) return undefined;
  return `error: generator-django-static needs Node ${range
    .split('||')
    .map((part) => part.trim())
    .join(' or ')}; this is Node ${version}. Install a current Node LTS and run again.`;
}

/** Stops the process with that line (exit status 1) when this Node is not supported. */
export function exitOnUnsupportedNode(): void {
  const message = unsupportedNodeMessage(process.versions.node);
  if (message === undefined) return;
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
