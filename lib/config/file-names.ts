/**
 * Which names the stack's files get in this project, decided once per run and carried in the
 * StackConfig: rendering, validation, the health check and every printed command read them
 * from there. A project that has its own file at one of our paths (a compose file, Dockerfile,
 * .env.example, docker/entrypoint.sh, gunicorn.conf.py, nginx/default.conf, ...) keeps it, with
 * or without --force: ours goes beside it under BESIDE_PROJECT_FILES' name. A file is theirs
 * when the last generation did not write it (it is not in the manifest). The choice sticks: a
 * name the last generation wrote is used again.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Found } from '../detect/found.js';
import { BESIDE_PROJECT_FILES, DEFAULT_COMPOSE_FILES, GENERATED_FILES, type MovableFile } from './names.js';

export type StackFiles = { -readonly [K in keyof typeof GENERATED_FILES]: string } & {
  /** The project's own compose file, when it has one: ours is then named with -f, the stack with -p. */
  projectCompose?: string;
};

type Movable = MovableFile;

/** The files a project may own, per name of ours: its own file under any of these names means ours moves. */
const ownedNames = (kind: Movable): readonly string[] => (kind === 'compose' ? DEFAULT_COMPOSE_FILES : [GENERATED_FILES[kind]]);

export const STANDARD_FILES: StackFiles = { ...GENERATED_FILES };

/**
 * `exists`: whether the project has a file at this path; `written`: the files the last
 * generation wrote (its manifest), so our own earlier compose.yaml is not mistaken for theirs.
 */
export function stackFiles(exists: (file: string) => boolean, written: readonly string[] = []): StackFiles {
  const files: StackFiles = { ...GENERATED_FILES };
  const ours = new Set(written);
  for (const kind of Object.keys(BESIDE_PROJECT_FILES) as Movable[]) {
    const theirs = ownedNames(kind).filter((name) => exists(name) && !ours.has(name));
    const movedBefore = ours.has(BESIDE_PROJECT_FILES[kind]);
    const oursBefore = ours.has(GENERATED_FILES[kind]);
    if (movedBefore || (!oursBefore && theirs.length > 0)) files[kind] = BESIDE_PROJECT_FILES[kind];
    if (kind === 'compose' && files.compose !== GENERATED_FILES.compose) files.projectCompose = theirs[0] ?? DEFAULT_COMPOSE_FILES.find(exists);
  }
  return files;
}

/** stackFiles' `exists` for a project folder: a file of theirs (a folder in the way is no file to keep: the write stops, writing nothing). */
export const isProjectFile =
  (root: string) =>
  (file: string): boolean =>
    fs.statSync(path.join(root, file), { throwIfNoEntry: false })?.isFile() ?? false;

/**
 * The compose command as printed to the user. Beside a project's own compose file it names ours
 * (-f) and our stack (-p): their `docker compose` keeps its file and its project name.
 */
export function composeCommand(files: StackFiles, projectName: string): string {
  return files.compose === GENERATED_FILES.compose ? 'docker compose' : `docker compose -p ${projectName} -f ${files.compose}`;
}

/**
 * Whether .env (and .env.example, which says to copy it to .env) names the compose project.
 * Not beside a project's own compose file: their `docker compose` reads the same .env and would
 * run under our project name; ours is named with -p instead (composeCommand).
 */
export const envNamesProject = (files: StackFiles): boolean => !files.projectCompose;

/** Compose's -f list for the health check: none for the default compose.yaml. */
export const composeFileArgs = (files: StackFiles): string[] => (files.compose === GENERATED_FILES.compose ? [] : [files.compose]);

/**
 * The default project name. Beside a project's own compose file it is not the folder's name,
 * which is their stack's: the same name would share their containers and volumes (their db volume).
 */
export function defaultProjectName(folderName: Found<string>, files: StackFiles): Found<string> {
  if (!files.projectCompose) return folderName;
  return { ...folderName, value: `${folderName.value}-static`, note: `not ${folderName.value}: that is the project name your own ${files.projectCompose} runs under` };
}

/**
 * What the run says when ours went beside the project's own files: theirs are untouched, and how
 * to run ours. `written`: the paths this run writes (a moved name for a file it does not write,
 * gunicorn.conf.py under daphne, is not worth a line).
 */
export function besideNotices(config: { files: StackFiles; composeCommand: string }, written: readonly string[]): string[] {
  const moved = (Object.keys(BESIDE_PROJECT_FILES) as Movable[]).filter((kind) => config.files[kind] !== GENERATED_FILES[kind] && written.includes(config.files[kind]));
  if (moved.length === 0) return [];
  const theirs = (kind: Movable) => (kind === 'compose' ? config.files.projectCompose : GENERATED_FILES[kind]);
  const lines = moved.map((kind) => `your ${theirs(kind) ?? 'compose file'} was there before and stays as it is (also with --force); ours is ${config.files[kind]}, and the stack uses that one`);
  if (config.files.projectCompose) lines.push(`run this stack with \`${config.composeCommand} …\` (your own \`docker compose\` still runs ${config.files.projectCompose})`);
  return lines;
}
