/**
 * nginx: the front that publishes the site, serves the static and media files and proxies the
 * rest to the app. Where the static files are baked into a release image, a second nginx (the
 * static service) serves them behind the front.
 */
import { CONTAINER, NGINX_HEALTH_PATH, SERVICES } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import type { Feature, Healthcheck, Schedule, Service } from '../service.js';
import { staticMounts } from './static-volume.js';
import { mediaMounts } from './media.js';
import { nginxTlsParts } from './tls.js';

/** nginx's check is a wget: every second. Failures in the first 30 s do not count; after that, 5 in a row do. */
const NGINX_HEALTH_TIMING = { interval: '1s', timeout: '3s', retries: 5, start_period: '30s' };
/** Replicas of the static service: two, so one serves while the other is replaced. */
const STATIC_REPLICAS = 2;

/** A Host the site's server block answers (the catch-all server closes every other request). */
export const nginxHealthcheck = (config: StackConfig): Healthcheck => ({
  test: ['CMD', 'wget', '-q', '-O', '/dev/null', '--header', `Host: ${config.http.probeHost}`, `http://127.0.0.1${NGINX_HEALTH_PATH}`],
  ...NGINX_HEALTH_TIMING,
});

export const nginx: Feature = {
  name: 'nginx',
  services({ config, traits }): Record<string, Service> {
    const tls = nginxTlsParts(config);
    // A host-mode port is bound by one task per node: one front on each node.
    const frontSchedule: Schedule = config.swarm?.portMode === 'host' ? { kind: 'per-node' } : { kind: 'rolling', replicas: 2, endpoint: 'vip' };
    const front: Service = {
      // The stock image: nothing of a release is in it, so a deploy leaves it running.
      image: { kind: 'stock', ref: config.nginxImage },
      config: { file: `./${traits.bakesStatic ? config.files.nginxFrontConf : config.files.nginxConf}`, target: CONTAINER.nginxConf },
      dependsOn: { [SERVICES.app]: 'healthy', ...tls.dependsOn },
      ports: [{ container: CONTAINER.httpPort, published: config.http.port }, ...tls.ports],
      mounts: [...staticMounts(config, traits, config.static.nginxDir, true), ...mediaMounts(config, 'nginx'), ...tls.mounts],
      ...tls.extra,
      healthcheck: nginxHealthcheck(config),
      lifecycle: 'service',
      stopSignal: 'SIGQUIT', // nginx's graceful shutdown
      schedule: frontSchedule,
    };
    if (!traits.bakesStatic) return { [SERVICES.nginx]: front };
    return {
      [SERVICES.static]: {
        image: { kind: 'static' },
        healthcheck: nginxHealthcheck(config),
        stopSignal: 'SIGQUIT',
        schedule: { kind: 'rolling', replicas: STATIC_REPLICAS, endpoint: 'dnsrr' },
      },
      [SERVICES.nginx]: front,
    };
  },
};
