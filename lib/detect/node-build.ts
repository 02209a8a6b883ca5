/**
 * A front end built by npm (linkding's bundle, pretalx's Vite manifest, docs' mail templates):
 * the stack runs no Node build, so what the build makes is missing from the image unless it is
 * committed. Said once, where the project's package.json has a build script, instead of a page
 * that loads without its scripts and styles.
 */
import fs from 'node:fs';
import path from 'node:path';
import { manifestFolders } from './dependencies/manifests.js';

/** The warning, or undefined when no package.json from the Django folder up to the repository root has a build script. */
export function nodeBuildWarning(root: string, startedIn?: string): string | undefined {
  for (const folder of manifestFolders(root, startedIn)) {
    const file = path.join(folder, 'package.json');
    let scripts: unknown;
    try {
      scripts = (JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts?: unknown }).scripts;
    } catch {
      continue; // none here, or not JSON: npm could not run it either
    }
    if (typeof scripts !== 'object' || scripts === null || !('build' in scripts)) continue;
    const named = path.relative(path.resolve(root), file).split(path.sep).join('/');
    return `${named} has a build script: the stack runs no Node build (docs/known-limits.md), so what \`npm run build\` makes (bundled scripts, styles) is in the image only if it is committed`;
  }
  return undefined;
}
