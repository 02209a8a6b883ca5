/** The backup one-shot, run on demand: a timestamped dump of the database into ./backups. */
import { BACKUP_PROFILE, POSTGRES_PASSWORD_VARIABLE, SERVICES } from '../../config/names.js';
import type { Feature, Mount, Service } from '../service.js';
import { sqliteBackupScript, sqliteMounts } from './sqlite.js';

/** pg_dump's custom format (-Fc): compressed, and pg_restore can restore it selectively. */
export function postgresBackupScript(database: { host: string; user: string; name: string }): string {
  // $$: compose would otherwise interpolate these itself, from the host's environment.
  return [
    'set -e',
    'target=/backups/db-$$(date +%Y%m%d-%H%M%S).dump',
    `PGPASSWORD="$$${POSTGRES_PASSWORD_VARIABLE}" pg_dump -Fc -h ${database.host} -U ${database.user} -d ${database.name} -f "$$target"`,
    'chown "$$(stat -c %u:%g /backups)" "$$target"',
    'echo "backup written: backups/$${target#/backups/}"',
  ].join('\n');
}

export const backup: Feature = {
  name: 'backup',
  services({ config, traits }): Record<string, Service> {
    const database = config.database;
    if (!traits.onDemandServices || database.kind === 'external') return {};
    const backups: Mount = { type: 'bind', source: `./${config.backupsDir}`, target: '/backups' };
    if (database.kind === 'postgres') {
      return {
        [SERVICES.backup]: {
          image: { kind: 'stock', ref: database.image },
          profile: BACKUP_PROFILE,
          envFile: true,
          dependsOn: { [SERVICES.db]: 'healthy' },
          command: ['sh', '-c', postgresBackupScript(database)],
          mounts: [backups],
          lifecycle: 'one-shot',
        },
      };
    }
    return {
      [SERVICES.backup]: {
        image: { kind: 'app', reused: true },
        profile: BACKUP_PROFILE,
        // root: the app user cannot write to a ./backups folder the host created; the file gets its owner.
        user: '0:0',
        command: ['python', '-c', sqliteBackupScript(database.file)],
        mounts: [...sqliteMounts(config), backups],
        lifecycle: 'one-shot',
      },
    };
  },
};
