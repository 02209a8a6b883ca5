/** migrate: the schema is current before the app serves its first request. */
import { SERVICES } from '../../config/names.js';
import type { Feature, Service } from '../service.js';
import { appBase } from './app.js';
import { sqliteMounts } from './sqlite.js';

/** Seconds migrate waits for the database where nothing orders the start: a first start of PostgreSQL (initdb) takes a while. */
const DATABASE_WAIT_SECONDS = 120;

/**
 * Where nothing orders the start, migrate starts beside the database, not after it, so it
 * waits until a connection works (bounded), then migrates once: a broken migration fails at
 * once, not after every retry. Python, not sh, so stack deploy's $-interpolation has nothing to touch.
 */
export function migrateScript(): string {
  return [
    'import sys, time, django',
    'django.setup()',
    'from django.core.management import call_command',
    'from django.db import connection',
    'from django.db.utils import OperationalError',
    `for attempt in range(${DATABASE_WAIT_SECONDS / 2}):`,
    '    try:',
    '        connection.ensure_connection()',
    '        break',
    '    except OperationalError as error:',
    '        print("waiting for the database: %s" % (str(error).strip().splitlines() or ["no answer"])[-1], flush=True)',
    '        time.sleep(2)',
    'else:',
    `    sys.exit("the database did not answer within ${DATABASE_WAIT_SECONDS} s")`,
    'call_command("migrate", interactive=False)',
  ].join('\n');
}

export const migrate: Feature = {
  name: 'migrate',
  services(context): Record<string, Service> {
    const { config, traits } = context;
    return {
      [SERVICES.migrate]: {
        ...appBase(context),
        // One-shot, before the app.
        command: traits.ordersStartup ? ['python', 'manage.py', 'migrate', '--noinput'] : ['python', '-c', migrateScript()],
        ...(config.database.kind === 'postgres' ? { dependsOn: { [SERVICES.db]: 'healthy' } } : {}),
        mounts: sqliteMounts(config),
        lifecycle: 'one-shot',
        schedule: { kind: 'job' },
      },
    };
  },
};
