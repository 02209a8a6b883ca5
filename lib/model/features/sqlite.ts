/** SQLite: the database file in a volume, mounted wherever Django opens it (migrate, the app, the backup). */
import type { StackConfig } from '../../config/stack-config.js';
import type { Feature, Mount } from '../service.js';

export function sqliteMounts(config: StackConfig): Mount[] {
  const database = config.database;
  return database.kind === 'sqlite' ? [{ type: 'volume', source: database.volume, target: database.dir }] : [];
}

/**
 * The SQLite backup: Python's sqlite3 online backup API copies a consistent snapshot while the
 * app keeps writing. The dump takes the owner of ./backups (the user who created it), so it
 * can be read and deleted without root.
 */
export function sqliteBackupScript(file: string): string {
  return [
    'import os, sqlite3, sys, time',
    // Connecting would create an empty file, owned by root, where migrate has not run yet.
    `if not os.path.exists("${file}"): sys.exit("no database yet at ${file}: start the stack first")`,
    `target = "/backups/db-%s.sqlite3" % time.strftime("%Y%m%d-%H%M%S")`,
    `source = sqlite3.connect("${file}")`,
    'copy = sqlite3.connect(target)',
    'source.backup(copy)',
    'copy.close(); source.close()',
    'owner = os.stat("/backups")',
    'os.chown(target, owner.st_uid, owner.st_gid)',
    'print("backup written: backups/%s" % os.path.basename(target))',
  ].join('\n');
}

export const sqlite: Feature = {
  name: 'sqlite',
  volumes: ({ config }) => (config.database.kind === 'sqlite' ? [config.database.volume] : []),
};
