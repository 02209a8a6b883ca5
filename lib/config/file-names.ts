/**
 * Which names the stack's files get in this project, decided once per run and carried in the
 * StackConfig: rendering, validation, the health check and every printed command read them
 * from there. A project that has its own compose file, Dockerfile or .env.example keeps it;
 * ours goes beside it under BESIDE_PROJECT_FILES' name. The choice sticks: a name the last
 * generation wrote (the manifest's files) is used again.
 */
import type { Found } from '../detect/found.js';
import { BESIDE_PROJECT_FILES, DEFAULT_COMPOSE_FILES, GENERATED_FILES } from './names.js';

export type StackFiles = { -readonly [K in keyof typeof GENERATED_FILES]: string } & {
  /** The project's own compose file, when it has one: ours is then named with -f, the stack with -p. */
  projectCompose?: string;
};

type Movable = keyof typeof BESIDE_PROJECT_FILES;

/** The files a project may own, per name of ours: its own file under any of these names means ours moves. */
const OWNED_NAMES: Record<Movable, readonly string[]> = {
  compose: DEFAULT_COMPOSE_FILES,
  dockerfile: [GENERATED_FILES.dockerfile],
  envExample: [GENERATED_FILES.envExample],
};

export const STANDARD_FILES: StackFiles = { ...GENERATED_FILES };

/**
 * `exists`: whether the project has a file at this path; `written`: the files the last
 * generation wrote (its manifest), so our own earlier compose.yaml is not mistaken for theirs.
 */
export function stackFiles(exists: (file: string) => boolean, written: readonly string[] = []): StackFiles {
  const files: StackFiles = { ...GENERATED_FILES };
  const ours = new Set(written);
  for (const kind of Object.keys(BESIDE_PROJECT_FILES) as Movable[]) {
    const theirs = OWNED_NAMES[kind].filter((name) => exists(name) && !ours.has(name));
    const movedBefore = ours.has(BESIDE_PROJECT_FILES[kind]);
    const oursBefore = ours.has(GENERATED_FILES[kind]);
    if (movedBefore || (!oursBefore && theirs.length > 0)) files[kind] = BESIDE_PROJECT_FILES[kind];
    if (kind === 'compose' && files.compose !== GENERATED_FILES.compose) files.projectCompose = theirs[0] ?? DEFAULT_COMPOSE_FILES.find(exists);
  }
  return files;
}

/**
 * The compose command as printed to the user. Beside a project's own compose file it names ours
 * (-f) and our stack (-p): their `docker compose` keeps its file and its project name.
 */
export function composeCommand(files: StackFiles, projectName: string): string {
  return files.compose === GENERATED_FILES.compose ? 'docker compose' : `docker compose -p ${projectName} -f ${files.compose}`;
}

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

/** What the run says when ours went beside the project's own files: theirs are untouched, and how to run ours. */
export function besideNotices(config: { files: StackFiles; composeCommand: string }): string[] {
  const moved = (Object.keys(BESIDE_PROJECT_FILES) as Movable[]).filter((kind) => config.files[kind] !== GENERATED_FILES[kind]);
  if (moved.length === 0) return [];
  const theirs = (kind: Movable) => (kind === 'compose' ? config.files.projectCompose : GENERATED_FILES[kind]);
  const lines = moved.map((kind) => `your ${theirs(kind) ?? 'compose file'} stays as it is; ours is ${config.files[kind]}`);
  if (config.files.projectCompose) lines.push(`run this stack with \`${config.composeCommand} …\` (your own \`docker compose\` still runs ${config.files.projectCompose})`);
  return lines;
}
