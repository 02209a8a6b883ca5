/** The files only --target swarm writes, beside its stack.yaml. */
import path from 'node:path';
import type { StackConfig } from '../../config/stack-config.js';
import { DATABASE_URL_VARIABLE, FRONT_CONF_HASH_VARIABLE, NGINX_HEALTH_PATH, RELEASES_FILE, SERVICES, TAG_VARIABLE } from '../../config/names.js';
import { appRepository, deployVariables } from '../../model/features/app.js';
import type { PlannedFile } from '../../render/files.js';
import { nginxServing } from '../../render/nginx-serving.js';
import { ACROSS_MIGRATIONS_FLAG } from '../../release/migrations.js';
import { MIGRATIONS_PYTHON } from '../../release/python.js';

/** --target swarm: the release images' Dockerfile and the script that builds, pushes and deploys. */
export function swarmFiles(config: StackConfig): PlannedFile[] {
  const swarm = config.swarm;
  if (!swarm) return [];
  const secrets = swarm.secrets;
  const { settings: settingsVariables, optional } = deployVariables(config);
  // What the overlay needs to load during the build (never used at run time).
  const buildOnly = secrets.map((secret) => [secret.variable, secret.variable === DATABASE_URL_VARIABLE ? 'sqlite:///:memory:' : 'build-only-not-a-secret']);
  const files = config.files;
  // The release stages need only the static service's nginx configuration: a small context.
  const buildContext = path.dirname(files.nginxStaticConf);
  return [
    { path: files.nginxFrontConf, template: 'nginx/default.conf.ejs', data: { config, services: SERVICES, role: 'front', healthPath: NGINX_HEALTH_PATH, serving: nginxServing(config) } },
    { path: files.nginxStaticConf, template: 'nginx/static.conf.ejs', data: { config, files, healthPath: NGINX_HEALTH_PATH } },
    {
      path: files.releaseDockerfile,
      template: 'docker/release.Dockerfile.ejs',
      data: { config, files, buildArgs: settingsVariables, buildOnly, staticConf: path.basename(files.nginxStaticConf), buildContext },
    },
    {
      path: files.swarmScript,
      template: 'docker/swarm.sh.ejs',
      data: {
        config,
        swarm,
        files,
        secrets,
        settingsVariables,
        optionalVariables: optional,
        tagVariable: TAG_VARIABLE,
        frontHashVariable: FRONT_CONF_HASH_VARIABLE,
        buildContext,
        baseImage: appRepository(config),
        services: SERVICES,
        buildOnly,
        migrationsPython: MIGRATIONS_PYTHON,
        acrossMigrationsFlag: ACROSS_MIGRATIONS_FLAG,
        releasesFile: RELEASES_FILE,
      },
      mode: 0o755,
    },
  ];
}
