/**
 * The commit step, replacing Yeoman's file-by-file one: the same conflicter (prompts, diffs,
 * --force, --dry-run, .yo-resolve) decides what goes to disk, then everything accepted is
 * written all-or-nothing (lib/regen/atomic-write.ts).
 */
import { Transform } from 'node:stream';
import { createConflicterTransform, createYoResolveTransform, forceYoFiles } from '@yeoman/conflicter';
import type { MemFsEditorFile } from 'mem-fs-editor';
import { clearFileState, isFilePending, setCommittedFile } from 'mem-fs-editor/state';
import { writeAllOrNothing } from '../../lib/regen/atomic-write.js';

/** The parts of yeoman-environment the commit uses (they are public on the instance, untyped). */
export interface CommitEnvironment {
  sharedFs: { pipeline: (...args: unknown[]) => Promise<void> };
  adapter: unknown;
  conflicterOptions: object;
}

/**
 * Runs the conflicter, lets `beforeWrite` adjust what was accepted (e.g. the manifest),
 * writes, and returns a signal that arrived during the write, for the caller to re-raise.
 */
export async function commitAllOrNothing(
  env: CommitEnvironment,
  beforeWrite: (accepted: MemFsEditorFile[]) => void,
): Promise<NodeJS.Signals | undefined> {
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
    createConflicterTransform(env.adapter as never, env.conflicterOptions),
    collect,
  );
  beforeWrite(accepted);
  const { heldSignal } = await writeAllOrNothing(
    accepted.filter((file) => file.contents).map((file) => ({ path: file.path, contents: file.contents!, mode: file.stat?.mode ?? undefined })),
  );
  for (const file of accepted) {
    setCommittedFile(file);
    clearFileState(file);
  }
  return heldSignal;
}
