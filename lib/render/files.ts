/**
 * The render plan: every file the generator writes, as either an ejs template with its
 * explicit data, or ready text (compose.yaml is built as data and serialized).
 */
import path from 'node:path';
import { APP_UID, optionalVariables, secretVariables, type StackConfig } from '../config/stack-config.js';
import { BUILDER_TOOLCHAIN } from '../detect/dependencies/system-packages.js';
import { UV_REQUIREMENTS_SCRIPT, DATABASE_URL_VARIABLE, ENVIRONMENT, FILE_VARIABLE_SUFFIX, FRONT_CONF_HASH_VARIABLE, GENERATED_FILES, SERVICES, TAG_VARIABLE } from '../config/names.js';
import { describeCondition } from '../detect/evaluate.js';
import { appRepository } from './compose.js';
import { inContext } from '../config/build-context.js';
import { swarmVariables } from './swarm.js';

/** mode: file permissions when not the default (swarm.sh is executable). */
export type PlannedFile =
  | { path: string; template: string; data: Record<string, unknown>; mode?: number }
  | { path: string; content: string; mode?: number };

export function templateFiles(config: StackConfig): PlannedFile[] {
  return [
    { path: config.files.dockerfile, template: 'Dockerfile.ejs', data: { config, appUid: APP_UID, entrypoint: `${config.appDir}/${GENERATED_FILES.entrypoint}`, toolchain: BUILDER_TOOLCHAIN, uvScript: inContext(config.build, UV_REQUIREMENTS_SCRIPT) } },
    ...(config.dependencies.manager === 'uv' ? [{ path: UV_REQUIREMENTS_SCRIPT, template: 'docker/uv-requirements.py.ejs', data: {} }] : []),
    { path: config.build.dockerignore, template: 'dockerignore.ejs', data: { config, files: config.files, at: config.build.appPath ? `${config.build.appPath}/` : '' } },
    { path: GENERATED_FILES.nginxConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES, role: 'compose' } },
    { path: GENERATED_FILES.gunicornConf, template: 'gunicorn.conf.py.ejs', data: { config } },
    { path: GENERATED_FILES.compressStatic, template: 'compress_static.py.ejs', data: { config } },
    { path: GENERATED_FILES.entrypoint, template: 'docker/entrypoint.sh.ejs', data: { variables: optionalVariables(config) } },
    { path: config.overlayFile, template: 'settings_docker.py.ejs', data: { config, pyString: JSON.stringify, fileSuffix: FILE_VARIABLE_SUFFIX, secretVariables: secretVariables(config.database.kind) } },
    { path: config.files.envExample, template: 'env.example.ejs', data: { config, environment: ENVIRONMENT, describeCondition } },
    ...(config.tls.mode === 'acme'
      ? [
          { path: GENERATED_FILES.tlsBootstrap, template: 'docker/tls-bootstrap.sh.ejs', data: { tls: config.tls } },
          { path: GENERATED_FILES.nginxStart, template: 'docker/nginx-start.sh.ejs', data: { tls: config.tls, tlsBootstrap: SERVICES.tlsBootstrap } },
          { path: GENERATED_FILES.acmeScript, template: 'docker/acme.sh.ejs', data: { tls: config.tls } },
        ]
      : []),
    ...swarmFiles(config),
  ];
}

/** --target swarm: the release images' Dockerfile and the script that builds, pushes and deploys. */
function swarmFiles(config: StackConfig): PlannedFile[] {
  const swarm = config.swarm;
  if (!swarm) return [];
  const secrets = swarm.secrets;
  const { settings: settingsVariables, optional } = swarmVariables(config);
  // What the overlay needs to load during the build (never used at run time).
  const buildOnly = secrets.map((secret) => [secret.variable, secret.variable === DATABASE_URL_VARIABLE ? 'sqlite:///:memory:' : 'build-only-not-a-secret']);
  const files = config.files;
  // The release stages need only the static service's nginx configuration: a small context.
  const buildContext = path.dirname(files.nginxStaticConf);
  return [
    { path: files.nginxFrontConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES, role: 'front' } },
    { path: files.nginxStaticConf, template: 'nginx/static.conf.ejs', data: { config, files } },
    { path: files.releaseDockerfile, template: 'docker/release.Dockerfile.ejs', data: { config, files, buildArgs: settingsVariables, buildOnly, staticConf: path.basename(files.nginxStaticConf), buildContext } },
    {
      path: files.swarmScript,
      template: 'docker/swarm.sh.ejs',
      data: { config, swarm, files, secrets, settingsVariables, optionalVariables: optional, tagVariable: TAG_VARIABLE, frontHashVariable: FRONT_CONF_HASH_VARIABLE, buildContext, baseImage: appRepository(config) },
      mode: 0o755,
    },
  ];
}
