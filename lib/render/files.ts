/**
 * The render plan: every file the generator writes, as either an ejs template with its
 * explicit data, or ready text (compose.yaml is built as data and serialized).
 */
import type { StackConfig } from '../config/stack-config.js';
import { ENVIRONMENT, GENERATED_FILES, SERVICES } from '../config/names.js';

export type PlannedFile =
  | { path: string; template: string; data: Record<string, unknown> }
  | { path: string; content: string };

export function templateFiles(config: StackConfig): PlannedFile[] {
  return [
    { path: GENERATED_FILES.dockerfile, template: 'Dockerfile.ejs', data: { config } },
    { path: GENERATED_FILES.dockerignore, template: 'dockerignore.ejs', data: { config } },
    { path: GENERATED_FILES.nginxConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES } },
    { path: GENERATED_FILES.gunicornConf, template: 'gunicorn.conf.py.ejs', data: { config } },
    { path: GENERATED_FILES.compressStatic, template: 'compress_static.py.ejs', data: { config } },
    { path: config.overlayFile, template: 'settings_docker.py.ejs', data: { config, pyString: JSON.stringify } },
    { path: GENERATED_FILES.envExample, template: 'env.example.ejs', data: { config, environment: ENVIRONMENT } },
    ...(config.tls.mode === 'acme'
      ? [
          { path: GENERATED_FILES.tlsBootstrap, template: 'docker/tls-bootstrap.sh.ejs', data: { tls: config.tls } },
          { path: GENERATED_FILES.nginxStart, template: 'docker/nginx-start.sh.ejs', data: { tls: config.tls, tlsBootstrap: SERVICES.tlsBootstrap } },
          { path: GENERATED_FILES.acmeScript, template: 'docker/acme.sh.ejs', data: { tls: config.tls } },
        ]
      : []),
  ];
}
