/**
 * What the last generation wrote, stored in .yo-rc.json: the answers, a summary of what was
 * detected, and a hash per generated file. On a re-run this tells a file the user edited
 * apart from one that is still ours, and what changed in the project since.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { readText } from '../read-text.js';
import type { Answers } from '../config/questions.js';
import { showValue as show, type Detected, type Manifest } from '../config/stored-answers.js';

export { regenerationDefault, summarizeFacts, type Detected, type Manifest } from '../config/stored-answers.js';

/** Where the manifest lives in .yo-rc.json: this package's section, under this key. */
export const MANIFEST_KEY = 'manifest';
const YO_RC_SECTION = 'generator-django-static';

/** The manifest of a generated project, read from its .yo-rc.json without Yeoman (the benchmark does). */
export function readManifest(projectDir: string): Manifest | undefined {
  const text = readText(path.join(projectDir, '.yo-rc.json'));
  return text ? (JSON.parse(text) as Record<string, Record<string, Manifest | undefined>>)[YO_RC_SECTION]?.[MANIFEST_KEY] : undefined;
}

export const hashContent = (content: string | Buffer): string => createHash('sha256').update(content).digest('hex');

/** A file the user changed after we wrote it (or that existed before we ever wrote it). */
export function isUserEdited(onDisk: string | Buffer | undefined, storedHash: string | undefined): boolean {
  if (onDisk === undefined) return false;
  return storedHash === undefined || hashContent(onDisk) !== storedHash;
}

const DETECTED_LABELS: Record<keyof Detected, string> = {
  settingsModule: 'settings module',
  dependencies: 'dependency file',
  staticUrl: 'STATIC_URL',
  staticfilesDirs: 'STATICFILES_DIRS',
  mediaUrl: 'MEDIA_URL',
  mediaRoot: 'MEDIA_ROOT',
  djangoVersion: 'Django version',
};

/** Human lines: "STATIC_URL /static/ -> /assets/", "MEDIA_ROOT added", ... */
export function detectedChanges(before: Detected | undefined, now: Detected): string[] {
  if (!before) return [];
  const lines: string[] = [];
  for (const key of Object.keys(DETECTED_LABELS) as (keyof Detected)[]) {
    const [a, b] = [before[key], now[key]];
    if (show(a) === show(b)) continue;
    const label = DETECTED_LABELS[key];
    if (a === undefined || (Array.isArray(a) && a.length === 0)) lines.push(`${label} added: ${show(b)}`);
    else if (b === undefined || (Array.isArray(b) && b.length === 0)) lines.push(`${label} removed (was ${show(a)})`);
    else lines.push(`${label} ${show(a)} -> ${show(b)}`);
  }
  return lines;
}

/** "--static-url /static/ -> /assets/": named by the option that sets it. */
export function answerChanges(before: Partial<Answers> | undefined, now: Answers): string[] {
  if (!before) return [];
  const option = (key: keyof Answers) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return (Object.keys(now) as (keyof Answers)[])
    .filter((key) => before[key] !== undefined && show(before[key]) !== show(now[key]))
    .map((key) => `${option(key)} ${show(before[key])} -> ${show(now[key])}`);
}

/**
 * What to do with one generated file on a (re-)run:
 * - write: new, still ours, identical anyway, or an edit of ours under --force;
 * - keep-edit: the user edited it, but our output has not changed since: nothing to merge;
 * - beside: --yes and an edit to protect: write <file>.new instead;
 * - ask: interactive, an edit to protect: Yeoman's conflict prompt with the diff.
 * A file we never wrote (no stored hash) is the project's own: --force does not overwrite it.
 * stackFiles (lib/config/file-names.ts) names ours apart from it, so this is the rare file
 * that could not move (the settings overlay) or whose other name is taken too.
 */
export type RegenerationAction = 'write' | 'keep-edit' | 'beside' | 'ask';

export function regenerationAction(input: { onDisk: string | undefined; storedHash: string | undefined; generated: string; yes: boolean; force: boolean }): RegenerationAction {
  const { onDisk, storedHash, generated } = input;
  if (onDisk === undefined || onDisk === generated) return 'write';
  if (storedHash === undefined) return input.yes || input.force ? 'beside' : 'ask';
  if (!isUserEdited(onDisk, storedHash) || input.force) return 'write';
  if (hashContent(generated) === storedHash) return 'keep-edit';
  return input.yes ? 'beside' : 'ask';
}

/**
 * A file the last generation wrote that this one does not (gunicorn.conf.py after a switch to
 * daphne, stack.yaml after one back to compose):
 * - remove: still as we wrote it (its hash is the recorded one): nothing of the user's is lost;
 * - keep: edited since, so it is the user's now: left on disk, and the run says it is unused.
 */
export interface StaleFile {
  file: string;
  action: 'remove' | 'keep';
}

export function staleFiles(recorded: Record<string, string> | undefined, generatedNow: Iterable<string>, readDisk: (file: string) => string | Buffer | undefined): StaleFile[] {
  const now = new Set(generatedNow);
  return Object.entries(recorded ?? {}).flatMap(([file, hash]): StaleFile[] => {
    if (now.has(file)) return [];
    const onDisk = readDisk(file);
    if (onDisk === undefined) return []; // already gone
    return [{ file, action: isUserEdited(onDisk, hash) ? 'keep' : 'remove' }];
  });
}
