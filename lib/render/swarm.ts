/**
 * stack.yaml as data: the same StackConfig as compose.yaml, in `docker stack deploy`'s terms.
 * Swarm does not build (images come from swarm.sh, tagged, never only latest), has no
 * depends_on (migrate is a job; the app waits for the schema itself) and mounts secrets as
 * files (the overlay reads *_FILE). Static files are baked into the nginx image, so there is
 * no collectstatic service and no static volume. compose.yaml stays the local target.
 */
import { Document, Scalar } from 'yaml';
import { optionalVariables, type StackConfig, type SwarmSecret } from '../config/stack-config.js';
import { FILE_VARIABLE_SUFFIX, FRONT_CONF_HASH_VARIABLE, GENERATED_FILES, POSTGRES_PASSWORD_VARIABLE, SERVICES, TAG_VARIABLE } from '../config/names.js';
import { appHealthcheck, dbHealthcheck, nginxHealthcheck, type ComposeFile } from './compose.js';
import { commentGrants, swarmHardening } from './hardening.js';

export type StackFile = ComposeFile & { secrets: Record<string, Record<string, unknown>>; configs: Record<string, Record<string, unknown>> };

/** stack deploy fails with this message when TAG is unset (swarm.sh deploy sets it). */
const tag = `\${${TAG_VARIABLE}:?set ${TAG_VARIABLE} to the image tag: ./${GENERATED_FILES.swarmScript} deploy does}`;
export const swarmImage = (repository: string) => `${repository}:${tag}`;

/** The front's configuration, as a Swarm config: named by its content's hash, so only a changed file restarts the front. */
const FRONT_CONF = 'nginx_front_conf';
const frontConfName = (stackName: string) =>
  `${stackName}_${FRONT_CONF}_\${${FRONT_CONF_HASH_VARIABLE}:?set ${FRONT_CONF_HASH_VARIABLE} to the hash of ${GENERATED_FILES.nginxFrontConf}: ./${GENERATED_FILES.swarmScript} deploy does}`;

/** A rolling update without a gap: a new task is healthy before an old one stops; a failing one rolls back. */
const ROLLING = (replicas: number) => ({
  replicas,
  // nginx resolves the tasks itself (Docker's DNS, one address per task): no VIP, no IPVS.
  endpoint_mode: 'dnsrr',
  update_config: { ...UPDATE, order: 'start-first', failure_action: 'rollback' },
  rollback_config: { parallelism: 1, order: 'start-first' },
  restart_policy: { condition: 'any' },
});
/** Replicas of the static service: two, so one serves while the other is replaced. */
const STATIC_REPLICAS = 2;

/** Seconds between replicas in an update, and how long a new one must stay healthy before the next. */
const UPDATE = { parallelism: 1, delay: '5s', monitor: '15s' };
/** migrate waits for the database itself (migrateScript); a failed migration is tried again twice, then the deploy shows it failed. */
const MIGRATE_RESTART = { condition: 'on-failure', delay: '5s', max_attempts: 3 };
/** Seconds migrate waits for the database: a first start of PostgreSQL (initdb) takes a while. */
const DATABASE_WAIT_SECONDS = 120;
/**
 * The app's health failures do not count while it waits for migrate (the database's first
 * start, then the migrations), longer than compose's, where depends_on does the waiting.
 */
const APP_START_PERIOD = '180s';

/** Octal 0400 in the file (the docker CLI reads YAML 1.1): owner read-only. */
function mode0400(): Scalar {
  const scalar = new Scalar(0o400);
  scalar.format = 'OCT';
  return scalar;
}

/** Long syntax: the file belongs to the user that reads it, no one else can. */
function secretMount(secret: SwarmSecret, owner: { uid: number; gid: number }) {
  return { source: secret.name, target: secret.file.split('/').pop()!, uid: String(owner.uid), gid: String(owner.gid), mode: mode0400() };
}

const fileVariables = (secrets: SwarmSecret[]) => Object.fromEntries(secrets.map((secret) => [`${secret.variable}${FILE_VARIABLE_SUFFIX}`, secret.file]));

/**
 * The non-secret variables swarm.sh exports from .env and stack.yaml passes on, decided once
 * for both: those the settings require (the build's collectstatic reads them too), then the
 * optional ones of .env.example (passed only when swarm.sh exported them: unset, the default).
 */
export function swarmVariables(config: StackConfig): { settings: string[]; optional: string[] } {
  const secret = new Set(config.swarm!.secrets.map((s) => s.variable));
  const settings = config.settingsEnv.map((read) => read.variable).filter((variable) => !secret.has(variable));
  return { settings, optional: optionalVariables(config) };
}

function interpolated(config: StackConfig): Record<string, string | null> {
  const { settings, optional } = swarmVariables(config);
  // A variable with no value takes the deploying shell's, and is left out of the service when that is unset.
  return Object.fromEntries([...optional.map((name) => [name, null]), ...settings.map((name) => [name, `\${${name}}`])]);
}

/**
 * The migrate job: Swarm starts it beside the database, not after it, so it waits until a
 * connection works (bounded), then migrates once: a broken migration fails at once, not after
 * every retry. Python, not sh, so stack deploy's $-interpolation has nothing to touch.
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

/** The app's start: wait until the migrate job brought the schema up to date, then become gunicorn. */
export function appStartScript(config: StackConfig): string {
  return [
    'until python manage.py migrate --check >/dev/null 2>&1; do',
    '  echo "waiting for the migrate job: the schema is not up to date yet"; sleep 2',
    'done',
    `exec gunicorn --config ${GENERATED_FILES.gunicornConf} ${config.wsgiApp}`,
  ].join('\n');
}

export function buildSwarmStack(config: StackConfig): StackFile {
  const swarm = config.swarm!;
  const postgres = config.database.kind === 'postgres' ? config.database : undefined;
  const media = config.media;
  const appOwner = { uid: swarm.appUid, gid: swarm.appGid };
  const appSecrets = swarm.secrets;
  const harden = (service: string, spec: Record<string, unknown>, deploy: Record<string, unknown>, volumes: unknown[] = []) => {
    const hardening = swarmHardening(config, service);
    const mounts = [...volumes, ...hardening.tmpfsMounts];
    return { ...spec, ...(mounts.length ? { volumes: mounts } : {}), ...hardening.keys, deploy: { ...deploy, resources: { limits: hardening.limits } } };
  };
  const appBase = {
    image: swarmImage(swarm.images.app),
    environment: {
      DJANGO_SETTINGS_MODULE: config.overlayModule,
      ...(postgres ? { POSTGRES_USER: postgres.user, POSTGRES_DB: postgres.name } : {}),
      ...fileVariables(appSecrets),
      ...interpolated(config),
    },
    secrets: appSecrets.map((secret) => secretMount(secret, appOwner)),
  };
  const mediaMount = (dir: string, readOnly: boolean) => (media ? [`${media.volume}:${dir}${readOnly ? ':ro' : ''}`] : []);

  const services: StackFile['services'] = {
    [SERVICES.migrate]: harden(SERVICES.migrate, { ...appBase, command: ['python', '-c', migrateScript()] }, { mode: 'replicated-job', replicas: 1, restart_policy: MIGRATE_RESTART }),
    [SERVICES.app]: harden(
      SERVICES.app,
      {
        ...appBase,
        command: ['sh', '-c', appStartScript(config)],
        healthcheck: { ...appHealthcheck(config), start_period: APP_START_PERIOD },
        stop_grace_period: `${config.gunicorn.stopGracePeriod}s`,
      },
      ROLLING(swarm.replicas),
      mediaMount(media?.appDir ?? '', false),
    ),
    [SERVICES.static]: harden(
      SERVICES.static,
      { image: swarmImage(swarm.images.static), healthcheck: nginxHealthcheck(config), stop_signal: 'SIGQUIT' },
      ROLLING(STATIC_REPLICAS),
    ),
    [SERVICES.nginx]: harden(
      SERVICES.nginx,
      {
        // The stock image: nothing of a release is in it, so a deploy leaves it running.
        image: config.nginxImage,
        configs: [{ source: FRONT_CONF, target: '/etc/nginx/conf.d/default.conf' }],
        ports: [{ target: 80, published: config.http.port, protocol: 'tcp', mode: swarm.portMode }],
        healthcheck: nginxHealthcheck(config),
        stop_signal: 'SIGQUIT', // nginx's graceful shutdown
      },
      swarm.portMode === 'host'
        ? {
            // A host-mode port is bound by one task per node: one front on each node. An update
            // (only when its configuration changed) stops the old task before the new one binds the port.
            mode: 'global',
            update_config: { ...UPDATE, order: 'stop-first', failure_action: 'rollback' },
            restart_policy: { condition: 'any' },
          }
        : { ...ROLLING(2), endpoint_mode: 'vip' },
      mediaMount(media?.nginxDir ?? '', true),
    ),
  };
  if (postgres) {
    const password = swarm.secrets.find((secret) => secret.variable === POSTGRES_PASSWORD_VARIABLE)!;
    services[SERVICES.db] = harden(
      SERVICES.db,
      {
        image: postgres.image,
        environment: { POSTGRES_USER: postgres.user, POSTGRES_DB: postgres.name, ...fileVariables([password]) },
        // The entrypoint reads it as root, before it becomes postgres.
        secrets: [secretMount(password, { uid: 0, gid: 0 })],
        healthcheck: dbHealthcheck(postgres),
        stop_grace_period: '30s', // a clean shutdown checkpoint instead of crash recovery on the next start
      },
      // The data volume is on one node: one task, stopped before its replacement starts. dnsrr:
      // the name resolves to the task itself, with no virtual IP (which needs IPVS in the kernel).
      { replicas: 1, endpoint_mode: 'dnsrr', update_config: { parallelism: 1, order: 'stop-first' }, restart_policy: { condition: 'any' } },
      [`${postgres.volume}:/var/lib/postgresql/data`],
    );
  }

  const volumes: StackFile['volumes'] = {};
  if (media) volumes[media.volume] = {};
  if (postgres) volumes[postgres.volume] = {};
  const secrets = Object.fromEntries(swarm.secrets.map((secret) => [secret.name, { external: true }]));
  const configs = { [FRONT_CONF]: { name: frontConfName(swarm.stackName), file: `./${GENERATED_FILES.nginxFrontConf}` } };
  return { services, volumes, secrets, configs };
}

export function renderSwarmStack(config: StackConfig): string {
  const script = `./${GENERATED_FILES.swarmScript}`;
  const header = `# Generated by generator-django-static for Docker Swarm (--target swarm). Change the answers and re-run
# \`yo django-static\` rather than editing by hand.
# Deploy: ${script} up (build, push, secrets, docker stack deploy)     Remove: ${script} down (volumes and secrets stay)
# Images come from ${script} build, tagged with the git revision; ${TAG_VARIABLE} picks the one to deploy.
# A variable with no value (WEB_CONCURRENCY:) is passed when ${script} deploy exports it (from .env,
# when set there and not empty), and left out otherwise: the default applies.
`;
  const document = new Document(buildSwarmStack(config), { aliasDuplicateObjects: false, version: '1.1' });
  commentGrants(document, config);
  return header + document.toString({ lineWidth: 0, nullStr: '' });
}
