/**
 * stack.yaml from the service model: the same StackConfig as compose.yaml, in `docker stack
 * deploy`'s terms. Swarm does not build (images come from swarm.sh, tagged, never only
 * latest), has no depends_on (migrate is a job; the app waits for the schema itself) and
 * mounts secrets as files (the overlay reads *_FILE). Static files are baked into the nginx
 * image, so there is no collectstatic service and no static volume. compose.yaml stays the local target.
 */
import { Document, Scalar } from 'yaml';
import type { StackConfig } from '../../config/stack-config.js';
import { FRONT_CONF_HASH_VARIABLE, GENERATED_FILES, TAG_VARIABLE } from '../../config/names.js';
import { buildModel } from '../../model/build.js';
import { mountString, type Schedule, type SecretFile, type Service, type TargetTraits } from '../../model/service.js';
import { commentGrants, swarmHardening } from '../hardening.js';
import type { ComposeFile } from '../compose/render.js';

/** Swarm runs release images on several nodes: nothing orders the start, static files are baked in, secrets are files. */
export const SWARM_TRAITS: TargetTraits = { ordersStartup: false, bakesStatic: true, secretsAsFiles: true, onDemandServices: false };

export type StackFile = ComposeFile & { secrets: Record<string, Record<string, unknown>>; configs: Record<string, Record<string, unknown>> };

/** stack deploy fails with this message when TAG is unset (swarm.sh deploy sets it). */
const tag = `\${${TAG_VARIABLE}:?set ${TAG_VARIABLE} to the image tag: ./${GENERATED_FILES.swarmScript} deploy does}`;
export const swarmImage = (repository: string) => `${repository}:${tag}`;

/** The front's configuration, as a Swarm config: named by its content's hash, so only a changed file restarts the front. */
const FRONT_CONF = 'nginx_front_conf';
const frontConfName = (stackName: string) =>
  `${stackName}_${FRONT_CONF}_\${${FRONT_CONF_HASH_VARIABLE}:?set ${FRONT_CONF_HASH_VARIABLE} to the hash of ${GENERATED_FILES.nginxFrontConf}: ./${GENERATED_FILES.swarmScript} deploy does}`;

/** Seconds between replicas in an update, and how long a new one must stay healthy before the next. */
const UPDATE = { parallelism: 1, delay: '5s', monitor: '15s' };
/** migrate waits for the database itself; a failed migration is tried again twice, then the deploy shows it failed. */
const JOB_RESTART = { condition: 'on-failure', delay: '5s', max_attempts: 3 };

/** Each schedule in deploy's keys. */
function deployOf(schedule: Schedule | undefined): Record<string, unknown> {
  switch (schedule?.kind) {
    case 'rolling':
      // A rolling update without a gap: a new task is healthy before an old one stops; a failing one rolls back.
      // dnsrr: nginx resolves the tasks itself (Docker's DNS, one address per task): no VIP, no IPVS.
      return {
        replicas: schedule.replicas,
        endpoint_mode: schedule.endpoint,
        update_config: { ...UPDATE, order: 'start-first', failure_action: 'rollback' },
        rollback_config: { parallelism: 1, order: 'start-first' },
        restart_policy: { condition: 'any' },
      };
    case 'per-node':
      // An update (only when its configuration changed) stops the old task before the new one binds the port.
      return { mode: 'global', update_config: { ...UPDATE, order: 'stop-first', failure_action: 'rollback' }, restart_policy: { condition: 'any' } };
    case 'single':
      // dnsrr: the name resolves to the task itself, with no virtual IP (which needs IPVS in the kernel).
      return { replicas: 1, endpoint_mode: 'dnsrr', update_config: { parallelism: 1, order: 'stop-first' }, restart_policy: { condition: 'any' } };
    case 'job':
      return { mode: 'replicated-job', replicas: 1, restart_policy: JOB_RESTART };
    case undefined:
      return {};
  }
}

/** Octal 0400 in the file (the docker CLI reads YAML 1.1): owner read-only. */
function mode0400(): Scalar {
  const scalar = new Scalar(0o400);
  scalar.format = 'OCT';
  return scalar;
}

/** Long syntax: the file belongs to the user that reads it, no one else can. */
function secretMount(secret: SecretFile) {
  return { source: secret.name, target: secret.file.split('/').pop()!, uid: String(secret.uid), gid: String(secret.gid), mode: mode0400() };
}

/**
 * One service in stack deploy's keys, in the model's order, then its volumes, hardening and
 * deploy. env_file, depends_on, expose, restart and profiles have no effect under stack deploy.
 */
function swarmService(name: string, service: Service, config: StackConfig): Record<string, unknown> {
  const swarm = config.swarm!;
  const spec: Record<string, unknown> = {};
  const mounts: unknown[] = [];
  for (const key of Object.keys(service) as (keyof Service)[]) {
    switch (key) {
      case 'image': {
        const image = service.image;
        spec['image'] = image.kind === 'stock' ? image.ref : swarmImage(image.kind === 'app' ? swarm.images.app : swarm.images.static);
        break;
      }
      case 'config':
        spec['configs'] = [{ source: FRONT_CONF, target: service.config!.target }];
        break;
      case 'user':
      case 'entrypoint':
      case 'command':
      case 'healthcheck':
        spec[key] = service[key];
        break;
      case 'environment':
        if (Object.keys(service.environment!).length > 0) spec['environment'] = service.environment;
        break;
      case 'secrets':
        if (service.secrets!.length > 0) spec['secrets'] = service.secrets!.map(secretMount);
        break;
      case 'ports':
        spec['ports'] = service.ports!.map((port) => ({ target: port.container, published: port.published, protocol: 'tcp', mode: swarm.portMode }));
        break;
      case 'mounts':
        mounts.push(...service.mounts!.map(mountString));
        break;
      case 'networkAliases':
        spec['networks'] = { default: { aliases: service.networkAliases } };
        break;
      case 'stopGracePeriodSeconds':
        spec['stop_grace_period'] = `${service.stopGracePeriodSeconds}s`;
        break;
      case 'stopSignal':
        spec['stop_signal'] = service.stopSignal;
        break;
    }
  }
  const hardening = swarmHardening(config, name);
  mounts.push(...hardening.tmpfsMounts);
  return { ...spec, ...(mounts.length ? { volumes: mounts } : {}), ...hardening.keys, deploy: { ...deployOf(service.schedule), resources: { limits: hardening.limits } } };
}

export function buildSwarmStack(config: StackConfig): StackFile {
  const swarm = config.swarm!;
  const model = buildModel(config, SWARM_TRAITS);
  const services = Object.fromEntries(Object.entries(model.services).map(([name, service]) => [name, swarmService(name, service, config)]));
  const volumes = Object.fromEntries(model.volumes.map((volume) => [volume, {}]));
  const secrets = Object.fromEntries(swarm.secrets.map((secret) => [secret.name, { external: true }]));
  const front = Object.values(model.services).find((service) => service.config)!.config!;
  const configs = { [FRONT_CONF]: { name: frontConfName(swarm.stackName), file: front.file } };
  return { services, volumes, secrets, configs };
}

export function renderSwarmStack(config: StackConfig): string {
  const script = `./${config.files.swarmScript}`;
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
