/**
 * What the project's settings declare beyond the usual steps, said in the run's output: an
 * offline django-compressor (compress runs after collectstatic) and folders created at import
 * (each given a tmpfs on the read-only root), or why the run stops when such a folder cannot be placed.
 */
import type { ProjectFacts } from '../detect/project.js';
import { SERVICES } from './names.js';
import { importWriteInContainer, type StackConfig } from './stack-config.js';

export function buildStepNotices(config: StackConfig): string[] {
  return [
    ...(config.compress ? [`django-compressor is offline (COMPRESS_OFFLINE at ${config.compress.source}): the ${SERVICES.collectstatic} service runs \`manage.py compress\` after collectstatic`] : []),
    ...config.importWrites.map(
      (write) =>
        `the settings create ${write.path} at import (${write.source}): ${SERVICES.app}, ${SERVICES.collectstatic} and ${SERVICES.migrate} get a tmpfs there on their read-only root (its contents last as long as the container)`,
    ),
  ];
}

/** A folder created at import whose path cannot be read (or lies above the project): it would fail on the read-only root. */
export function importWriteProblems(facts: ProjectFacts, config: StackConfig): string[] {
  return facts.importWrites
    .filter((write) => importWriteInContainer(write, config.appDir) === undefined)
    .map(
      (write) =>
        `${write.file}:${write.line}: ${write.what}${write.path ? ` at ${write.path}` : ' whose path is not read'} when the settings are imported; ` +
        'the app\'s root file system is read-only, so Django would fail to start. Give it a path the reader can follow (a literal, BASE_DIR / "...", or an environment variable with a default), or create the folder only when it is missing and writable',
    );
}
