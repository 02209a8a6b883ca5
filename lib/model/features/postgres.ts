/** PostgreSQL: the db service, its data volume, and the user and database the app connects as. */
import { CONTAINER, POSTGRES_DB_VARIABLE, POSTGRES_PASSWORD_VARIABLE, POSTGRES_USER_VARIABLE, SERVICES } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import type { Feature, Healthcheck, Service } from '../service.js';
import { fileVariables, secretFiles } from '../secrets.js';

/** pg_isready is cheap: every second. A first start (initdb) takes a few seconds, inside start_period. */
const DB_HEALTH_TIMING = { interval: '1s', timeout: '3s', retries: 5, start_period: '60s' };

/**
 * No ports: only the stack's own network reaches it. -h 127.0.0.1: during initdb the server
 * listens on its socket only, so TCP answers once it is really ready.
 */
export const dbHealthcheck = (postgres: { user: string; name: string }): Healthcheck => ({
  test: ['CMD', 'pg_isready', '-U', postgres.user, '-d', postgres.name, '-h', '127.0.0.1'],
  ...DB_HEALTH_TIMING,
});

/** The app's settings and the db service agree on user and database; the password is .env's (or a secret's). */
export function postgresEnvironment(config: StackConfig): Record<string, string> {
  const database = config.database;
  return database.kind === 'postgres' ? { [POSTGRES_USER_VARIABLE]: database.user, [POSTGRES_DB_VARIABLE]: database.name } : {};
}

export const postgres: Feature = {
  name: 'postgres',
  services({ config, traits }): Record<string, Service> {
    const database = config.database;
    if (database.kind !== 'postgres') return {};
    const password = [POSTGRES_PASSWORD_VARIABLE];
    return {
      [SERVICES.db]: {
        image: { kind: 'stock', ref: database.image },
        ...(traits.secretsAsFiles ? {} : { envFile: true }), // POSTGRES_PASSWORD, the same one the app reads
        environment: { ...postgresEnvironment(config), ...(traits.secretsAsFiles ? fileVariables(config, password) : {}) },
        // The entrypoint reads it as root, before it becomes postgres.
        ...(traits.secretsAsFiles ? { secrets: secretFiles(config, password, { uid: 0, gid: 0 }) } : {}),
        mounts: [{ type: 'volume', source: database.volume, target: CONTAINER.postgresData }],
        healthcheck: dbHealthcheck(database),
        lifecycle: 'service',
        stopGracePeriodSeconds: 30, // a clean shutdown checkpoint instead of crash recovery on the next start
        // The data volume is on one node: one task, stopped before its replacement starts.
        schedule: { kind: 'single' },
      },
    };
  },
  volumes: ({ config }) => (config.database.kind === 'postgres' ? [config.database.volume] : []),
};
