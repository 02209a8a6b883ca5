/**
 * The comparison stack: the generated compose.yaml plus an override (built as data, like
 * the product's own compose file) adding the other ways to serve /static/ and a load
 * generator inside the same compose network.
 */
import type { StackConfig } from '../lib/config/stack-config.js';
import { appImage } from '../lib/model/features/app.js';
import { GENERATED_FILES, SERVICES } from '../lib/config/names.js';

export const VARIANTS = {
  A: { label: 'A: generated nginx', service: SERVICES.nginx, port: 80 },
  B: { label: 'B: gunicorn + WhiteNoise', service: 'whitenoise', port: 8000 },
  C: { label: 'C: Django static view', service: 'djangoview', port: 8000 },
  D: { label: 'D: minimal nginx (limit)', service: 'nginx-limit', port: 80 },
} as const;
export type Variant = keyof typeof VARIANTS;

export const OVERRIDE_FILE = 'compose.bench.yaml';
export const ONTHEFLY_SERVICE = 'nginx-onthefly';
export const LOADGEN_SERVICE = 'loadgen';

export function benchOverride(config: StackConfig, workers: number): Record<string, unknown> {
  const gunicornVariant = (settingsModule: string, command?: string) => ({
    image: appImage(config),
    env_file: [GENERATED_FILES.env],
    environment: { DJANGO_SETTINGS_MODULE: settingsModule, WEB_CONCURRENCY: String(workers) },
    ...(command ? { command: ['sh', '-c', command] } : {}),
    depends_on: { [SERVICES.app]: { condition: 'service_healthy' } },
  });
  const staticMount = `${config.static.volume}:${config.static.nginxDir}:ro`;
  const nginxVariant = (conf: string) => ({
    image: config.nginxImage,
    volumes: [`./${conf}:/etc/nginx/conf.d/default.conf:ro`, staticMount],
    depends_on: { [SERVICES.app]: { condition: 'service_healthy' } },
  });
  return {
    services: {
      // Same worker count for every gunicorn variant.
      [SERVICES.app]: { environment: { WEB_CONCURRENCY: String(workers) } },
      whitenoise: gunicornVariant('config.bench_whitenoise', 'python manage.py collectstatic --noinput -v0 && exec gunicorn --config gunicorn.conf.py ' + config.wsgiApp),
      djangoview: gunicornVariant('config.bench_djangoview'),
      'nginx-limit': nginxVariant('bench-nginx/limit.conf'),
      // The generated config with gzip_static off: on-the-fly compression, for bytes on the wire.
      [ONTHEFLY_SERVICE]: nginxVariant('bench-nginx/onthefly.conf'),
      [LOADGEN_SERVICE]: loadgenService(config),
    },
  };
}

/** The PostgreSQL stack measures the app path only: the same gunicorn workers, and the load generator. */
export function databaseOverride(config: StackConfig, workers: number): Record<string, unknown> {
  return { services: { [SERVICES.app]: { environment: { WEB_CONCURRENCY: String(workers) } }, [LOADGEN_SERVICE]: loadgenService(config) } };
}

/** wrk and wget inside the compose network (built from LOADGEN_DOCKERFILE in bench-loadgen/). */
export function loadgenService(config: StackConfig): Record<string, unknown> {
  return { build: { context: 'bench-loadgen' }, image: `${config.projectName}-loadgen:latest`, command: ['true'] };
}
