/**
 * Writes a set of files so that an interruption or an unwritable path leaves either the old
 * set or the new one, never a mix:
 *   1. stage: every file is written to a temporary sibling (same folder, so the rename
 *      below is atomic). Any failure removes the staged files and nothing is replaced.
 *   2. swap: each staged file is renamed over its target, with SIGINT/SIGTERM held
 *      back until the last rename is done; the files to remove (generated before, no longer
 *      part of the stack) go in the same step, so an interruption cannot leave them half done.
 */
import fs from 'node:fs';
import path from 'node:path';
import { permissionBits } from './file-mode.js';

export interface FileToWrite {
  path: string;
  contents: Buffer | string;
  /** Permission bits. Unset: a file that exists keeps its mode, a new one gets the umask's default. */
  mode?: number;
}

export class WriteError extends Error {
  constructor(
    readonly file: string,
    cause: NodeJS.ErrnoException,
  ) {
    const reasons: Record<string, string> = {
      EACCES: 'permission denied',
      EPERM: 'not permitted',
      EROFS: 'the file system is read-only',
      EISDIR: 'a folder is in the way',
      ENOTDIR: 'a file is in the way of a folder',
      ENOSPC: 'the disk is full',
    };
    super(`cannot write ${file}: ${reasons[cause.code ?? ''] ?? cause.message}. Nothing was written.`);
    this.name = 'WriteError';
  }
}

export interface WriteResult {
  /** A signal that arrived during the swap and was held back; the caller re-raises it. */
  heldSignal?: NodeJS.Signals;
}

export async function writeAllOrNothing(files: FileToWrite[], hooks: { afterRename?: (file: string) => void } = {}, remove: string[] = []): Promise<WriteResult> {
  const staged: { temp: string; target: string }[] = [];
  const createdDirs: string[] = [];
  try {
    for (const file of files) {
      const dir = path.dirname(file.path);
      if (!fs.existsSync(dir)) {
        const first = fs.mkdirSync(dir, { recursive: true });
        if (first) createdDirs.push(first);
      }
      if (fs.existsSync(file.path) && fs.statSync(file.path).isDirectory()) {
        throw Object.assign(new Error('is a directory'), { code: 'EISDIR', path: file.path });
      }
      const temp = path.join(dir, `.${path.basename(file.path)}.${process.pid}.tmp`);
      const existing = fs.statSync(file.path, { throwIfNoEntry: false });
      fs.writeFileSync(temp, file.contents, { mode: file.mode });
      // The rename replaces the inode: without this, a file's mode would silently become the umask's default.
      if (existing) fs.chmodSync(temp, permissionBits(file.mode ?? existing.mode));
      staged.push({ temp, target: file.path });
    }
  } catch (error) {
    for (const { temp } of staged) fs.rmSync(temp, { force: true });
    for (const dir of createdDirs.reverse()) fs.rmSync(dir, { recursive: true, force: true });
    const failed = (error as NodeJS.ErrnoException).path ?? files[staged.length]?.path ?? '?';
    throw new WriteError(failed, error as NodeJS.ErrnoException);
  }

  let heldSignal: NodeJS.Signals | undefined;
  const hold = (signal: NodeJS.Signals) => {
    heldSignal = signal;
  };
  process.on('SIGINT', hold);
  process.on('SIGTERM', hold);
  try {
    for (const { temp, target } of staged) {
      fs.renameSync(temp, target);
      hooks.afterRename?.(target);
    }
    for (const file of remove) fs.rmSync(file, { force: true });
    // A signal that came during the (synchronous) renames is delivered on the next turn of the
    // event loop: let it reach `hold` before the default behaviour is back.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    process.off('SIGINT', hold);
    process.off('SIGTERM', hold);
  }
  return { heldSignal };
}
