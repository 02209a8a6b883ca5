/**
 * The app: gunicorn or daphne serving Django, from the project's own image. Also what the one-shots on
 * the same image share (collectstatic, migrate): the image, the settings, the secrets.
 */
import { optionalVariables, type StackConfig } from '../../config/stack-config.js';
import { SERVICES } from '../../config/names.js';
import { serverCommand, serverProgram } from './app-server.js';
import type { Feature, Healthcheck, ModelContext, Service } from '../service.js';
import { fileVariables, secretFiles } from '../secrets.js';
import { postgresEnvironment } from './postgres.js';
import { processDependencies } from './process-dependencies.js';
import { mediaMounts } from './media.js';
import { sqliteMounts } from './sqlite.js';
import { staticMounts } from './static-volume.js';

/** The Dockerfile's image, local: compose tags it latest, swarm.sh with the release tag. */
export const appRepository = (config: StackConfig) => `${config.projectName}-app`;

export function appImage(config: StackConfig): string {
  return `${appRepository(config)}:latest`;
}

/**
 * Healthcheck timing. Docker runs the first check one interval after start (start_interval
 * would help, but docker-compose 1.x rejects it), so the interval bounds how soon `up --wait`
 * returns. The app's check starts a Python process (~30 ms of CPU): every 2 s. Failures in the
 * first 30 s do not count; after that, 5 in a row do.
 */
const APP_HEALTH_TIMING = { interval: '2s', timeout: '3s', retries: 5, start_period: '30s' };
/**
 * Where nothing orders the start, the app's health failures do not count while it waits for
 * migrate (the database's first start, then the migrations): longer than where depends_on waits.
 */
const UNORDERED_START_PERIOD = '180s';

/**
 * The app's healthcheck needs no curl: Python's urllib, with a Host header Django accepts.
 * Redirects are not followed (SECURE_SSL_REDIRECT would lead to an https:// URL nobody serves
 * here): any answer below 500 means Django is serving, except 400, which is DisallowedHost.
 */
export function appHealthcheckScript(config: StackConfig): string {
  return [
    'import sys, urllib.request as r, urllib.error as e',
    'class Stay(r.HTTPRedirectHandler):',
    '    def redirect_request(self, *args): return None',
    // With HTTPS on, as nginx sends it: the project's own SECURE_SSL_REDIRECT then answers the page, not a redirect.
    `req = r.Request("http://127.0.0.1:${config.gunicorn.port}/", headers={"Host": "${config.http.probeHost}"${config.tls.mode === 'off' ? '' : ', "X-Forwarded-Proto": "https"'}})`,
    'try: status = r.build_opener(Stay).open(req, timeout=3).status',
    'except e.HTTPError as error: status = error.code',
    `except OSError as error: sys.exit("${serverProgram(config)} is not answering: %s" % error)`,
    // Printed into the container's health log, where the health check's diagnosis reads it.
    `print("HTTP %d from Django for Host ${config.http.probeHost}" % status)`,
    'sys.exit(0 if status < 500 and status != 400 else 1)',
  ].join('\n');
}

export const appHealthcheck = (config: StackConfig): Healthcheck => ({ test: ['CMD', 'python', '-c', appHealthcheckScript(config)], ...APP_HEALTH_TIMING });

/**
 * The non-secret variables a deploy passes on from the deploying shell (swarm.sh exports them
 * from .env), decided once for the stack file and the script: those the settings require (the
 * release build's collectstatic reads them too), then the optional ones of .env.example
 * (passed only when exported: unset, the default applies).
 */
export function deployVariables(config: StackConfig): { settings: string[]; optional: string[] } {
  const secret = new Set((config.swarm?.secrets ?? []).map((s) => s.variable));
  const settings = config.settingsEnv.map((read) => read.variable).filter((variable) => !secret.has(variable));
  return { settings, optional: optionalVariables(config) };
}

/** A variable with no value takes the deploying shell's, and is left out of the service when that is unset. */
function interpolated(config: StackConfig): Record<string, string | null> {
  const { settings, optional } = deployVariables(config);
  return Object.fromEntries([...optional.map((name) => [name, null]), ...settings.map((name) => [name, `\${${name}}`])]);
}

/** What every service on the app image shares: the image, the settings overlay, the database's names, the secrets. */
export function appBase({ config, traits }: ModelContext): Service {
  const owner = { uid: config.swarm?.appUid ?? 0, gid: config.swarm?.appGid ?? 0 };
  return {
    image: { kind: 'app' },
    ...(traits.secretsAsFiles ? {} : { envFile: true }),
    environment: {
      DJANGO_SETTINGS_MODULE: config.overlayModule,
      ...postgresEnvironment(config),
      ...(traits.secretsAsFiles ? { ...fileVariables(config, 'all'), ...interpolated(config) } : {}),
    },
    ...(traits.secretsAsFiles ? { secrets: secretFiles(config, 'all', owner) } : {}),
  };
}

/** Where nothing orders the start: wait until the migrate job brought the schema up to date, then become gunicorn. */
export function appStartScript(config: StackConfig): string {
  return [
    'until python manage.py migrate --check >/dev/null 2>&1; do',
    '  echo "waiting for the migrate job: the schema is not up to date yet"; sleep 2',
    'done',
    `exec ${serverCommand(config).join(' ')}`,
  ].join('\n');
}

export const app: Feature = {
  name: 'app',
  services(context): Record<string, Service> {
    const { config, traits } = context;
    const healthcheck = appHealthcheck(config);
    return {
      [SERVICES.app]: {
        ...appBase(context),
        ...(traits.ordersStartup ? {} : { command: ['sh', '-c', appStartScript(config)] }),
        dependsOn: {
          ...(traits.bakesStatic ? {} : { [SERVICES.collectstatic]: 'completed' }),
          [SERVICES.migrate]: 'completed',
          ...processDependencies(config),
        },
        // Read-only static files: manifest storage reads staticfiles.json from STATIC_ROOT at run time.
        mounts: [...staticMounts(config, traits, config.static.appDir, true), ...mediaMounts(config, 'app'), ...sqliteMounts(config)],
        expose: [config.gunicorn.port],
        healthcheck: traits.ordersStartup ? healthcheck : { ...healthcheck, start_period: UNORDERED_START_PERIOD },
        lifecycle: 'service',
        // Longer than gunicorn's graceful_timeout, so in-flight requests finish before SIGKILL.
        stopGracePeriodSeconds: config.gunicorn.stopGracePeriod,
        // nginx resolves the replicas itself (Docker's DNS, one address per task).
        schedule: { kind: 'rolling', replicas: config.swarm?.replicas ?? 1, endpoint: 'dnsrr' },
      },
    };
  },
};
