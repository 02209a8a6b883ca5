/**
 * The render plan: every file the generator writes, as either an ejs template with its
 * explicit data, or ready text (compose.yaml is built as data and serialized).
 */
import { APP_UID, optionalVariables, secretVariables, type StackConfig } from '../config/stack-config.js';
import { BUILDER_TOOLCHAIN } from '../detect/dependencies/system-packages.js';
import { envNamesProject } from '../config/file-names.js';
import { COMPOSE_PROJECT_VARIABLE, ENV_NAMES, ENVIRONMENT, FILE_VARIABLE_SUFFIX, NGINX_HEALTH_PATH, RELEASES_FILE, SERVICES, STATIC_RELEASES_DIR } from '../config/names.js';
import { describeCondition } from '../detect/evaluate.js';
import { inContext } from '../config/build-context.js';
import { execForm, serverCommand } from '../model/features/app-server.js';
import { nginxServing } from './nginx-serving.js';

/** mode: file permissions when not the default (swarm.sh is executable). */
export type PlannedFile = { path: string; template: string; data: Record<string, unknown>; mode?: number } | { path: string; content: string; mode?: number };

/** The files every target writes: the image, its settings and scripts, the local nginx. */
export function templateFiles(config: StackConfig): PlannedFile[] {
  const command = serverCommand(config);
  return [
    {
      path: config.files.dockerfile,
      template: 'Dockerfile.ejs',
      data: {
        config,
        appUid: APP_UID,
        entrypoint: `${config.appDir}/${config.files.entrypoint}`,
        toolchain: BUILDER_TOOLCHAIN,
        lockScript: config.dependencies.lockScript && inContext(config.build, config.dependencies.lockScript),
        command: execForm(command),
      },
    },
    ...(config.dependencies.lockScript ? [{ path: config.dependencies.lockScript, template: `${config.dependencies.lockScript}.ejs`, data: {} }] : []),
    { path: config.build.dockerignore, template: 'dockerignore.ejs', data: { config, files: config.files, releasesFile: RELEASES_FILE, at: config.build.appPath ? `${config.build.appPath}/` : '' } },
    { path: config.files.nginxConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES, role: 'compose', healthPath: NGINX_HEALTH_PATH, serving: nginxServing(config) } },
    // Only for a server that reads it: daphne has no use for gunicorn's settings.
    ...(command.includes(config.files.gunicornConf) ? [{ path: config.files.gunicornConf, template: 'gunicorn.conf.py.ejs', data: { config, env: ENV_NAMES } }] : []),
    { path: config.files.compressStatic, template: 'compress_static.py.ejs', data: { config, releasesDir: STATIC_RELEASES_DIR } },
    { path: config.files.staticReleases, template: 'static_releases.py.ejs', data: { releasesDir: STATIC_RELEASES_DIR, keep: config.keptReleases } },
    { path: config.files.entrypoint, template: 'docker/entrypoint.sh.ejs', data: { variables: optionalVariables(config), program: command[0] } },
    {
      path: config.overlayFile,
      template: 'settings_docker.py.ejs',
      data: { config, env: ENV_NAMES, pyString: JSON.stringify, fileSuffix: FILE_VARIABLE_SUFFIX, secretVariables: secretVariables(config.database.kind) },
    },
    {
      path: config.files.envExample,
      template: 'env.example.ejs',
      data: {
        config,
        environment: ENVIRONMENT.filter((variable) => !variable.readBy || command.includes(config.files[variable.readBy])),
        describeCondition,
        namesProject: envNamesProject(config.files),
        projectVariable: COMPOSE_PROJECT_VARIABLE,
        composeCommand: config.composeCommand,
      },
    },
    ...(config.tls.mode === 'acme'
      ? [
          { path: config.files.tlsBootstrap, template: 'docker/tls-bootstrap.sh.ejs', data: { tls: config.tls } },
          { path: config.files.nginxStart, template: 'docker/nginx-start.sh.ejs', data: { tls: config.tls, tlsBootstrap: SERVICES.tlsBootstrap } },
          { path: config.files.acmeScript, template: 'docker/acme.sh.ejs', data: { tls: config.tls } },
        ]
      : []),
  ];
}
