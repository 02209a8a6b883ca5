/**
 * Whether a rollback is safe for the database: the previous release's code must know every
 * migration the running release applied. A migration it does not know has changed the schema
 * under it (a new column its INSERTs leave out, a renamed table), and migrate does not undo it.
 */
import type { ReleaseRecord } from './record.js';

/** The option that takes a rollback across migrations the previous release does not know (the generator's and swarm.sh's). */
export const ACROSS_MIGRATIONS_FLAG = '--across-migrations';

/** The running release's migrations that the previous release does not know, sorted. */
export function unknownMigrations(running: Pick<ReleaseRecord, 'migrations'>, previous: Pick<ReleaseRecord, 'migrations'>): string[] {
  const known = new Set(previous.migrations);
  return running.migrations.filter((name) => !known.has(name)).sort();
}

/** Why the rollback stops, naming each migration, and how to go ahead anyway. */
export function refusal(unknown: string[], previousTag: string, flag: string): string {
  return [
    `refusing to roll back to ${previousTag}: the database has ${unknown.length === 1 ? 'a migration' : 'migrations'} that release does not know:`,
    ...unknown.map((name) => `  ${name}`),
    `Its code may fail on the schema these left (migrate does not undo them). To undo them first, run the current release's`,
    `\`manage.py migrate <app_label> <migration before>\`; to roll back anyway, add ${flag}.`,
  ].join('\n');
}
