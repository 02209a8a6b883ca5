/**
 * Redis, the workers' broker and result store, when the project needs one and no external URL
 * is given: never published, run as the image's redis user (no capability needed), its data in
 * a named volume only when persistence is asked for.
 */
import { CONTAINER_REDIS_DATA, SERVICES } from '../../config/names.js';
import type { Feature, Healthcheck, Service } from '../service.js';

/** redis-cli ping costs nothing: every 2 s; Redis starts in well under a second. */
const REDIS_HEALTH: Healthcheck = { test: ['CMD', 'redis-cli', 'ping'], interval: '2s', timeout: '3s', retries: 5, start_period: '20s' };

export const redis: Feature = {
  name: 'redis',
  services({ config }): Record<string, Service> {
    const redis = config.processes?.redis;
    if (!redis) return {};
    // No persistence: no snapshot and no append-only file, so a read-only root is all it needs.
    const persistence = redis.volume ? ['--appendonly', 'yes', '--dir', CONTAINER_REDIS_DATA] : ['--save', '', '--appendonly', 'no'];
    return {
      [SERVICES.redis]: {
        image: { kind: 'stock', ref: redis.image },
        // The image's own user: its entrypoint then skips the chown of /data and needs no capability.
        user: 'redis',
        command: ['redis-server', '--port', String(redis.port), ...persistence],
        ...(redis.volume ? { mounts: [{ type: 'volume', source: redis.volume, target: CONTAINER_REDIS_DATA }] } : {}),
        healthcheck: REDIS_HEALTH,
        lifecycle: 'service',
        // SIGTERM: Redis writes its append-only file and exits.
        stopGracePeriodSeconds: 10,
        // One task (its data is in one place), stopped before its replacement starts; reached by name (dnsrr).
        schedule: { kind: 'single' },
      },
    };
  },
  volumes: ({ config }) => (config.processes?.redis?.volume ? [config.processes.redis.volume] : []),
};
