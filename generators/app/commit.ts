/**
 * The commit step, replacing Yeoman's file-by-file one: the same conflicter (prompts, diffs,
 * --force, --dry-run, .yo-resolve) decides what goes to disk, then everything accepted is
 * written all-or-nothing (lib/regen/atomic-write.ts).
 */
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform, forceYoFiles, setConflicterStatus } from '@yeoman/conflicter';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { clearFileState, isFilePending, setCommittedFile } from 'mem-fs-editor/state';
import fs from 'node:fs';
import { writeAllOrNothing } from '../../lib/regen/atomic-write.js';
import { modeToWrite } from '../../lib/regen/file-mode.js';

/** The parts of yeoman-environment the commit uses (they are public on the instance, untyped). */
export interface CommitEnvironment {
  sharedFs: { pipeline: (...args: unknown[]) => Promise<void> };
  adapter: unknown;
  conflicterOptions: object;
}

/** A mode the generator asks for (scripts, a new .env); every other file keeps its mode on disk. */
const WANTED_MODE = Symbol('wantedMode');
type WithMode = { [WANTED_MODE]?: number; stat?: { mode?: number } | null };

export function wantMode(file: unknown, mode: number): void {
  (file as WithMode)[WANTED_MODE] = mode;
}

/**
 * Before the conflicter: each file's stat says the mode it will have on disk. mem-fs gives a
 * templated file its template's mode (0644), which the conflicter compares with the disk's:
 * a group-writable file (umask 002) then looked changed and was prompted for, even under --yes.
 */
// Kept on purpose, with its reason, in docs/yeoman-internals.md.
const settleModes = () =>
  new Transform({
    objectMode: true,
    transform(file: MemFsEditorFile & WithMode, _encoding, callback) {
      const onDisk = fs.statSync(file.path, { throwIfNoEntry: false });
      const mode = modeToWrite(onDisk?.isFile() ? onDisk.mode : undefined, file[WANTED_MODE]);
      // The conflicter compares the whole mode (file type included) when the stat has one.
      file.stat = (mode === undefined ? null : { mode: onDisk && mode === (onDisk.mode & 0o7777) ? onDisk.mode : mode }) as never;
      callback(null, file);
    },
  });

/**
 * A file marked to be written without a question (.yo-rc.json by forceYoFiles, ours by
 * _markForce) that is not on disk yet is new: logged `create`, not `force`, which reads as if
 * something had been overwritten.
 */
const newIsCreated = () =>
  new Transform({
    objectMode: true,
    transform(file: MemFsEditorFile & { conflicter?: string }, _encoding, callback) {
      if (file.conflicter === 'force' && !fs.existsSync(file.path)) setConflicterStatus(file as never, 'create');
      callback(null, file);
    },
  });

/**
 * Runs the conflicter, lets `beforeWrite` adjust what was accepted (e.g. the manifest),
 * writes, removes `remove` (absolute paths) with the same swap, and returns a signal that
 * arrived during the write, for the caller to re-raise.
 */
export async function commitAllOrNothing(env: CommitEnvironment, beforeWrite: (accepted: MemFsEditorFile[]) => void, remove: string[] = []): Promise<NodeJS.Signals | undefined> {
  const accepted: MemFsEditorFile[] = [];
  const collect = new Transform({
    objectMode: true,
    transform(file: MemFsEditorFile, _encoding, callback) {
      if (isFilePending(file)) accepted.push(file); // the conflicter clears the state of skipped files
      callback(null, file);
    },
  });
  await env.sharedFs.pipeline(
    { filter: (file: MemFsEditorFile) => isFilePending(file) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform(),
    forceYoFiles(),
    newIsCreated(),
    settleModes(),
    createConflicterTransform(env.adapter as never, env.conflicterOptions),
    collect,
  );
  beforeWrite(accepted);
  const { heldSignal } = await writeAllOrNothing(
    accepted.filter((file) => file.contents).map((file) => ({ path: file.path, contents: file.contents!, mode: file.stat?.mode === undefined ? undefined : file.stat.mode & 0o7777 })),
    {},
    remove,
  );
  for (const file of accepted) {
    setCommittedFile(file);
    clearFileState(file);
  }
  return heldSignal;
}
