/**
 * Where the image is built from, when the manifests are in a parent folder of the Django project
 * (manage.py in src/, requirements.txt at the repository root). The stack's files stay beside
 * manage.py; the build context is the folder that holds both the Django folder and every file the
 * Dockerfile copies, so nothing is ever copied from outside it. Decided once here, read by the
 * Dockerfile, compose, the swarm script and the .dockerignore's placement.
 */
import path from 'node:path';

export interface BuildContext {
  /** The context, from the Django folder: '.', or '..' when the manifests are one folder up. */
  context: string;
  /** The Django folder inside the context ('' when they are one). */
  appPath: string;
  /** Where the context lands in the image; the Django folder is `${root}/${appPath}` (WORKDIR). */
  root: string;
  /** Where .dockerignore goes, from the Django folder: Docker reads it at the context's root only. */
  dockerignore: string;
}

/** The image's folder for the build context. */
export const IMAGE_ROOT = '/app';

/**
 * `djangoDir`: the Django folder's absolute path; `files`: what the Dockerfile copies, relative to
 * it (`../uv.lock`). The context climbs as far as the highest of them.
 */
export function buildContext(djangoDir: string, files: string[]): BuildContext {
  const ups = Math.max(0, ...files.map((file) => leadingParents(path.posix.normalize(file))));
  const appPath = ups === 0 ? '' : path.resolve(djangoDir).split(path.sep).slice(-ups).join('/');
  const context = ups === 0 ? '.' : Array(ups).fill('..').join('/');
  return { context, appPath, root: IMAGE_ROOT, dockerignore: path.posix.join(context, '.dockerignore') };
}

/** A path relative to the Django folder, as named from the context's root. */
export function inContext(build: BuildContext, file: string): string {
  return path.posix.normalize(path.posix.join(build.appPath, file));
}

/** The Django folder inside the image. */
export const appDirOf = (build: BuildContext): string => (build.appPath ? `${build.root}/${build.appPath}` : build.root);

function leadingParents(file: string): number {
  let count = 0;
  for (const part of file.split('/')) {
    if (part !== '..') break;
    count++;
  }
  return count;
}
