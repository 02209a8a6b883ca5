/** Secrets as files (where the target has them): which files, who reads them, and the <VARIABLE>_FILE that names each. */
import { FILE_VARIABLE_SUFFIX } from '../config/names.js';
import type { StackConfig } from '../config/stack-config.js';
import type { SecretFile } from './service.js';

const chosen = (config: StackConfig, variables: readonly string[] | 'all') => (config.swarm?.secrets ?? []).filter((secret) => variables === 'all' || variables.includes(secret.variable));

/** Each secret as a file the given user reads. */
export function secretFiles(config: StackConfig, variables: readonly string[] | 'all', owner: { uid: number; gid: number }): SecretFile[] {
  return chosen(config, variables).map((secret) => ({ name: secret.name, file: secret.file, ...owner }));
}

/** <VARIABLE>_FILE for each secret: the overlay (and postgres's entrypoint) read the secret from that file. */
export function fileVariables(config: StackConfig, variables: readonly string[] | 'all'): Record<string, string> {
  return Object.fromEntries(chosen(config, variables).map((secret) => [`${secret.variable}${FILE_VARIABLE_SUFFIX}`, secret.file]));
}
