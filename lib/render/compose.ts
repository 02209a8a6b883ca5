/**
 * compose.yaml as data. Works with Compose v2 and docker-compose 1.29, so it avoids keys
 * v1 rejects (start_interval, depends_on.restart, top-level name).
 */
import { inContext } from '../config/build-context.js';
import { Document } from 'yaml';
import type { StackConfig } from '../config/stack-config.js';
import { commentGrants, harden } from './hardening.js';
import { BACKUP_PROFILE, GENERATED_FILES, POSTGRES_DB_VARIABLE, POSTGRES_PASSWORD_VARIABLE, POSTGRES_USER_VARIABLE, SERVICES } from '../config/names.js';
import { acmeServices, nginxTlsParts } from './tls-services.js';

/**
 * Healthcheck timing. Docker runs the first check one interval after start (start_interval
 * would help, but docker-compose 1.x rejects it), so the interval bounds how soon `up --wait`
 * returns. The app's check starts a Python process (~30 ms of CPU): every 2 s. nginx's is a
 * wget: every second. Failures in the first 30 s do not count; after that, 5 in a row do.
 */
const APP_HEALTH_TIMING = { interval: '2s', timeout: '3s', retries: 5, start_period: '30s' };
const NGINX_HEALTH_TIMING = { interval: '1s', timeout: '3s', retries: 5, start_period: '30s' };
/** pg_isready is cheap: every second. A first start (initdb) takes a few seconds, inside start_period. */
const DB_HEALTH_TIMING = { interval: '1s', timeout: '3s', retries: 5, start_period: '60s' };

export type ComposeFile = {
  services: Record<string, Record<string, unknown>>;
  volumes: Record<string, Record<string, unknown>>;
};

/** The Dockerfile's image, local: compose tags it latest, swarm.sh with the release tag. */
export const appRepository = (config: StackConfig) => `${config.projectName}-app`;

export function appImage(config: StackConfig): string {
  return `${appRepository(config)}:latest`;
}

/**
 * The app's healthcheck needs no curl: Python's urllib, with a Host header Django accepts.
 * Redirects are not followed (SECURE_SSL_REDIRECT would lead to an https:// URL nobody serves
 * here): any answer below 500 means Django is serving, except 400, which is DisallowedHost.
 */
export function appHealthcheckScript(config: StackConfig): string {
  return [
    'import sys, urllib.request as r, urllib.error as e',
    'class Stay(r.HTTPRedirectHandler):',
    '    def redirect_request(self, *args): return None',
    // With HTTPS on, as nginx sends it: the project's own SECURE_SSL_REDIRECT then answers the page, not a redirect.
    `req = r.Request("http://127.0.0.1:${config.gunicorn.port}/", headers={"Host": "${config.http.probeHost}"${config.tls.mode === 'off' ? '' : ', "X-Forwarded-Proto": "https"'}})`,
    'try: status = r.build_opener(Stay).open(req, timeout=3).status',
    'except e.HTTPError as error: status = error.code',
    'except OSError as error: sys.exit("gunicorn is not answering: %s" % error)',
    // Printed into the container's health log, where the health check's diagnosis reads it.
    `print("HTTP %d from Django for Host ${config.http.probeHost}" % status)`,
    'sys.exit(0 if status < 500 and status != 400 else 1)',
  ].join('\n');
}

export const appHealthcheck = (config: StackConfig) => ({ test: ['CMD', 'python', '-c', appHealthcheckScript(config)], ...APP_HEALTH_TIMING });

/** A Host the site's server block answers (the catch-all server closes every other request). */
export const nginxHealthcheck = (config: StackConfig) => ({
  test: ['CMD', 'wget', '-q', '-O', '/dev/null', '--header', `Host: ${config.http.probeHost}`, 'http://127.0.0.1/nginx-health'],
  ...NGINX_HEALTH_TIMING,
});

/**
 * No ports: only the stack's own network reaches it. -h 127.0.0.1: during initdb the server
 * listens on its socket only, so TCP answers once it is really ready.
 */
export const dbHealthcheck = (postgres: { user: string; name: string }) => ({
  test: ['CMD', 'pg_isready', '-U', postgres.user, '-d', postgres.name, '-h', '127.0.0.1'],
  ...DB_HEALTH_TIMING,
});

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

/**
 * collectstatic, then the build steps the project declares: django-compressor offline needs
 * `compress` to write the files its {% compress %} tags name (and the manifest they are read from).
 */
export function collectCommand(config: StackConfig): string {
  return ['python manage.py collectstatic --noinput', ...(config.compress ? ['python manage.py compress --force'] : [])].join(' && ');
}

export function buildCompose(config: StackConfig): ComposeFile {
  const database = config.database;
  const postgres = database.kind === 'postgres' ? database : undefined;
  const sqlite = database.kind === 'sqlite' ? database : undefined;
  // The app's settings and the db service agree on user and database; the password is .env's.
  const postgresEnvironment = postgres ? { [POSTGRES_USER_VARIABLE]: postgres.user, [POSTGRES_DB_VARIABLE]: postgres.name } : {};
  const appBase = {
    build: { context: config.build.context, dockerfile: inContext(config.build, config.files.dockerfile) },
    image: appImage(config),
    env_file: [GENERATED_FILES.env],
    environment: { DJANGO_SETTINGS_MODULE: config.overlayModule, ...postgresEnvironment },
  };
  const dataMount = sqlite ? [`${sqlite.volume}:${sqlite.dir}`] : [];
  const dbHealthy = postgres ? { [SERVICES.db]: { condition: 'service_healthy' } } : {};
  const media = config.media;
  const staticMount = (dir: string, readOnly: boolean) => `${config.static.volume}:${dir}${readOnly ? ':ro' : ''}`;
  const tls = nginxTlsParts(config);

  const services: ComposeFile['services'] = {
    [SERVICES.collectstatic]: {
      ...appBase,
      // One-shot: fills the static volume, then precompresses for nginx's gzip_static.
      command: [
        'sh',
        '-c',
        `${collectCommand(config)} && python ${GENERATED_FILES.compressStatic} ${config.static.appDir}`,
      ],
      volumes: [staticMount(config.static.appDir, false)],
      restart: 'no',
    },
    [SERVICES.migrate]: {
      ...appBase,
      // One-shot, before the app: the schema is current before the first request.
      command: ['python', 'manage.py', 'migrate', '--noinput'],
      ...(postgres ? { depends_on: dbHealthy } : {}),
      ...(sqlite ? { volumes: dataMount } : {}),
      restart: 'no',
    },
    [SERVICES.app]: {
      ...appBase,
      depends_on: {
        [SERVICES.collectstatic]: { condition: 'service_completed_successfully' },
        [SERVICES.migrate]: { condition: 'service_completed_successfully' },
      },
      // Read-only: manifest storage reads staticfiles.json from STATIC_ROOT at run time.
      volumes: [staticMount(config.static.appDir, true), ...(media ? [`${media.volume}:${media.appDir}`] : []), ...dataMount],
      expose: [String(config.gunicorn.port)],
      healthcheck: appHealthcheck(config),
      restart: 'unless-stopped',
      // Longer than gunicorn's graceful_timeout, so in-flight requests finish before SIGKILL.
      stop_grace_period: `${config.gunicorn.stopGracePeriod}s`,
    },
    [SERVICES.nginx]: {
      image: config.nginxImage,
      depends_on: { [SERVICES.app]: { condition: 'service_healthy' }, ...tls.dependsOn },
      ports: [`${config.http.bind}:${config.http.port}:80`, ...tls.ports],
      volumes: [
        `./${GENERATED_FILES.nginxConf}:/etc/nginx/conf.d/default.conf:ro`,
        staticMount(config.static.nginxDir, true),
        ...(media ? [`${media.volume}:${media.nginxDir}:ro`] : []),
        ...tls.volumes,
      ],
      ...tls.extra,
      healthcheck: nginxHealthcheck(config),
      restart: 'unless-stopped',
      stop_signal: 'SIGQUIT', // nginx's graceful shutdown
    },
  };

  if (postgres) {
    services[SERVICES.db] = {
      image: postgres.image,
      env_file: [GENERATED_FILES.env], // POSTGRES_PASSWORD, the same one the app reads
      environment: postgresEnvironment,
      volumes: [`${postgres.volume}:/var/lib/postgresql/data`],
      healthcheck: dbHealthcheck(postgres),
      restart: 'unless-stopped',
      stop_grace_period: '30s', // a clean shutdown checkpoint instead of crash recovery on the next start
    };
  }
  if (postgres || sqlite) {
    const backupsMount = `./${config.backupsDir}:/backups`;
    services[SERVICES.backup] = postgres
      ? {
          image: postgres.image,
          profiles: [BACKUP_PROFILE],
          env_file: [GENERATED_FILES.env],
          depends_on: dbHealthy,
          command: ['sh', '-c', postgresBackupScript(postgres)],
          volumes: [backupsMount],
          restart: 'no',
        }
      : {
          image: appImage(config),
          profiles: [BACKUP_PROFILE],
          // root: the app user cannot write to a ./backups folder the host created; the file gets its owner.
          user: '0:0',
          command: ['python', '-c', sqliteBackupScript(sqlite!.file)],
          volumes: [...dataMount, backupsMount],
          restart: 'no',
        };
  }

  const acme = acmeServices(config, { build: appBase.build, image: appBase.image });
  Object.assign(services, acme.services);

  const volumes: ComposeFile['volumes'] = { [config.static.volume]: {} };
  if (media) volumes[media.volume] = {};
  if (sqlite) volumes[sqlite.volume] = {};
  if (postgres) volumes[postgres.volume] = {};
  Object.assign(volumes, acme.volumes);
  return harden({ services, volumes }, config);
}

function backupLine(config: StackConfig): string {
  if (config.database.kind === 'external') return '';
  return `# Back up: ${config.composeCommand} --profile ${BACKUP_PROFILE} run --rm ${SERVICES.backup}   (a timestamped dump in ./${config.backupsDir}/)\n`;
}

export function renderCompose(config: StackConfig): string {
  const header = `# Generated by generator-django-static. Change the answers and re-run \`yo django-static\`
# rather than editing by hand: a hand edit is kept, and the new version is written beside it.
# Start: ${config.composeCommand} up -d --build --wait     Stop: ${config.composeCommand} down
${backupLine(config)}`;
  // 1.1: compose v1 reads YAML 1.1, where a bare no is false.
  const document = new Document(buildCompose(config), { aliasDuplicateObjects: false, version: '1.1' });
  commentGrants(document, config); // why each tmpfs and capability is there, beside it
  return header + document.toString({ lineWidth: 0 });
}
