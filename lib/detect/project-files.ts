/**
 * The one walk of a project's source tree that detection's searches share: the files up to
 * `maxDepth` folders below the root, depth first in name order, never entering dot-folders or
 * SKIPPED_DIRS (installed packages, build output, collected or uploaded files).
 */
import fs from 'node:fs';
import path from 'node:path';
import { SKIPPED_DIRS } from './skipped-dirs.js';

export interface ProjectFile {
  /** '/'-separated, relative to the root. */
  relative: string;
  name: string;
  /** The names of the folders it sits in, outermost first. */
  folders: readonly string[];
}

export function projectFiles(root: string, maxDepth: number): ProjectFile[] {
  const found: ProjectFile[] = [];
  const visit = (dir: string, folders: string[]) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isFile()) found.push({ relative, name: entry.name, folders });
      else if (entry.isDirectory() && folders.length < maxDepth && !entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) visit(relative, [...folders, entry.name]);
    }
  };
  visit('', []);
  return found;
}
