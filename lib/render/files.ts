/**
 * The render plan: every file the generator writes, as either an ejs template with its
 * explicit data, or ready text (compose.yaml is built as data and serialized).
 */
import type { StackConfig } from '../config/stack-config.js';

export const GENERATED_FILES = {
  compose: 'compose.yaml',
  dockerfile: 'Dockerfile',
  dockerignore: '.dockerignore',
  nginxConf: 'nginx/default.conf',
  gunicornConf: 'gunicorn.conf.py',
  compressStatic: 'docker/compress_static.py',
  envExample: '.env.example',
  env: '.env',
} as const;

export const SERVICES = { collectstatic: 'collectstatic', app: 'app', nginx: 'nginx' } as const;

export type PlannedFile =
  | { path: string; template: string; data: Record<string, unknown> }
  | { path: string; content: string };

/** The variables the overlay reads, with what .env.example says of them. */
export const ENVIRONMENT = [
  { name: 'DJANGO_SECRET_KEY', secret: true, doc: 'Django SECRET_KEY. Required; .env gets a random one.' },
  { name: 'DJANGO_DEBUG', secret: false, doc: 'Off unless 1/true/yes/on. Never on in production.' },
  { name: 'DJANGO_ALLOWED_HOSTS', secret: false, doc: 'Comma-separated; overrides the generated server names.' },
  { name: 'DJANGO_CSRF_TRUSTED_ORIGINS', secret: false, doc: 'Comma-separated origins with scheme (and port).' },
  { name: 'WEB_CONCURRENCY', secret: false, doc: 'gunicorn workers; overrides the generated default.' },
  { name: 'FORWARDED_ALLOW_IPS', secret: false, doc: "Proxies gunicorn trusts for X-Forwarded-*; default: the compose network." },
] as const;

export function templateFiles(config: StackConfig): PlannedFile[] {
  return [
    { path: GENERATED_FILES.dockerfile, template: 'Dockerfile.ejs', data: { config } },
    { path: GENERATED_FILES.dockerignore, template: 'dockerignore.ejs', data: { config } },
    { path: GENERATED_FILES.nginxConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES } },
    { path: GENERATED_FILES.gunicornConf, template: 'gunicorn.conf.py.ejs', data: { config } },
    { path: GENERATED_FILES.compressStatic, template: 'compress_static.py.ejs', data: { config } },
    { path: config.overlayFile, template: 'settings_docker.py.ejs', data: { config, pyString: JSON.stringify } },
    { path: GENERATED_FILES.envExample, template: 'env.example.ejs', data: { config, environment: ENVIRONMENT } },
  ];
}
