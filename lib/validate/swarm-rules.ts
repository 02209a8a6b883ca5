/**
 * What `docker stack deploy` needs beyond the compose-spec schema. Swarm does not build, and
 * it ignores some service keys without a word (Docker's compose file reference: "ignored when
 * deploying a stack in swarm mode"), so a file that relies on them deploys a weaker stack than
 * it says. Each rule returns one line naming the service.
 */

type Service = Record<string, unknown>;

/** Service keys stack deploy does not apply, with what to use instead. */
export const IGNORED_BY_STACK_DEPLOY: Record<string, string> = {
  build: 'Swarm does not build: push an image and name it in image',
  depends_on: 'Swarm has no start order: gate on health (or a job) instead',
  container_name: 'a service has many tasks, each named by Swarm',
  restart: 'use deploy.restart_policy',
  security_opt: 'stack deploy drops it',
  tmpfs: 'use a volumes entry of type tmpfs',
  mem_limit: 'use deploy.resources.limits.memory',
  memswap_limit: 'use deploy.resources.limits.memory',
  pids_limit: 'use deploy.resources.limits.pids',
  env_file: 'its values would be copied into the service spec, secrets included: use secrets, or environment',
  profiles: 'stack deploy starts every service',
  links: 'services reach each other by name on the stack network',
  network_mode: 'stack deploy drops it',
  cgroup_parent: 'stack deploy drops it',
  devices: 'stack deploy drops it',
  external_links: 'stack deploy drops it',
  userns_mode: 'stack deploy drops it',
};

const DEPLOY_MODES = ['replicated', 'global', 'replicated-job', 'global-job'];

export function swarmRuleErrors(stack: unknown): string[] {
  if (!isObject(stack) || !isObject(stack.services)) return ['/: has no services'];
  const problems: string[] = [];
  const declared = (section: string) => new Set(Object.keys(isObject(stack[section]) ? stack[section] : {}));
  for (const [name, raw] of Object.entries(stack.services)) {
    if (!isObject(raw)) continue;
    const service: Service = raw;
    const at = `/services/${name}`;
    for (const key of Object.keys(service)) {
      const why = IGNORED_BY_STACK_DEPLOY[key];
      if (why) problems.push(`${at}/${key}: not applied by docker stack deploy (${why})`);
    }
    problems.push(...imageProblems(at, service.image));
    const deploy = isObject(service.deploy) ? service.deploy : {};
    const mode = deploy.mode ?? 'replicated';
    if (!DEPLOY_MODES.includes(String(mode))) problems.push(`${at}/deploy/mode: "${String(mode)}" is not one of ${DEPLOY_MODES.join(', ')}`);
    const ports = Array.isArray(service.ports) ? service.ports : [];
    const hostPorts = ports.filter((port) => isObject(port) && port.mode === 'host');
    const ingressPorts = ports.filter((port) => !isObject(port) || port.mode !== 'host');
    if (deploy.endpoint_mode === 'dnsrr' && ingressPorts.length > 0) {
      problems.push(`${at}/deploy/endpoint_mode: dnsrr has no virtual IP, so its ports must use mode: host (the routing mesh needs a VIP)`);
    }
    const order = isObject(deploy.update_config) ? deploy.update_config.order : undefined;
    if (hostPorts.length > 0 && order === 'start-first') {
      problems.push(`${at}/deploy/update_config/order: start-first cannot start a new task while the old one holds its host-mode port on the node; use stop-first`);
    }
    for (const [section, key] of [
      ['secrets', 'secrets'],
      ['configs', 'configs'],
    ] as const) {
      for (const reference of Array.isArray(service[key]) ? service[key] : []) {
        const source = isObject(reference) ? reference.source : reference;
        if (!declared(section).has(String(source))) problems.push(`${at}/${key}: "${String(source)}" is not declared under the top-level ${section}`);
      }
    }
  }
  return problems;
}

/** Every service runs an image; a release image has an immutable tag, never only latest. */
function imageProblems(at: string, image: unknown): string[] {
  if (typeof image !== 'string' || image === '') return [`${at}/image: missing: Swarm runs images only`];
  // ${TAG} is set at deploy time (swarm.sh): a variable counts as a tag.
  const tag = /:([^/:]+)$/.exec(image.replace(/\$\{[^}]*\}/g, 'variable'))?.[1];
  if (!tag || tag === 'latest') return [`${at}/image: "${image}" has no tag but latest, so a deploy cannot say which build runs; tag releases (the git revision)`];
  return [];
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
