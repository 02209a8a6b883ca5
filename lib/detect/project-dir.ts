/**
 * Where the Django project is, when the run starts above it (a repository whose manage.py is in
 * src/, app/, apps/api/ or <name>/): a bounded search down from the starting folder.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SKIPPED_DIRS } from './skipped-dirs.js';

/** apps/api/manage.py is two folders down; one more covers <name>/src/. */
const MAX_DEPTH = 3;

/** Folders (relative, '/'-separated) below `root` that hold a manage.py, nearest first. */
export function djangoFoldersBelow(root: string): string[] {
  const found: string[] = [];
  let level = [''];
  for (let depth = 1; depth <= MAX_DEPTH && level.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of level) {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(root, dir), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isDirectory() || entry.name.startsWith('.') || SKIPPED_DIRS.has(entry.name)) continue;
        const relative = dir ? `${dir}/${entry.name}` : entry.name;
        if (fs.existsSync(path.join(root, relative, 'manage.py'))) found.push(relative);
        else next.push(relative);
      }
    }
    level = next;
  }
  return found;
}

export type ProjectDirChoice = { dir: string; found?: string } | { problem: string; candidates: string[] };

/**
 * The folder to generate in: --project-dir when given; the starting folder when it has manage.py;
 * else the one folder below that has one. Several: a problem listing them (interactive runs ask).
 */
export function chooseProjectDir(root: string, option: string | undefined): ProjectDirChoice {
  if (option !== undefined) {
    const dir = path.resolve(root, option);
    return fs.existsSync(path.join(dir, 'manage.py')) ? { dir } : { problem: `--project-dir: ${option} has no manage.py`, candidates: [] };
  }
  if (fs.existsSync(path.join(root, 'manage.py'))) return { dir: root };
  const candidates = djangoFoldersBelow(root);
  if (candidates.length === 0) return { dir: root };
  if (candidates.length === 1) return { dir: path.join(root, candidates[0]!), found: candidates[0]! };
  return { problem: `--project-dir: several Django projects below this folder (${candidates.map((c) => `${c}/`).join(', ')}); pass --project-dir with one of them`, candidates };
}
