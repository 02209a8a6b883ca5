import type { StackConfig } from '../../config/stack-config.js';

/**
 * Volumes that hold data no command can rebuild: uploads, the SQLite file, PostgreSQL's files,
 * and the ACME account and certificates (re-issuing counts against the CA's rate limits).
 */
export function dataVolumes(config: StackConfig): string[] {
  const database = config.database.kind === 'sqlite' || config.database.kind === 'postgres' ? [config.database.volume] : [];
  return [...(config.media ? [config.media.volume] : []), ...database, ...(config.tls.mode === 'acme' ? [config.tls.certsVolume] : [])];
}
