/**
 * Names that several floors share: the files the generator writes, the compose services and
 * volumes, and the environment variables the generated files read. Rendering, validation,
 * the health check and the benchmark all take them from here, so none of them retypes one.
 */

/**
 * The scripts that write a lock file's pins for the chosen groups as pip requirements in the
 * builder stage, with Python's own tomllib: no uv, PDM or Poetry needed (nor PyPI to fetch them).
 * Poetry's only for a lock that names each package's groups (Poetry 2); older ones use `poetry export`.
 */
export const LOCK_SCRIPTS = { uv: 'docker/uv-requirements.py', pdm: 'docker/pdm-requirements.py', poetry: 'docker/poetry-requirements.py' } as const;

export const GENERATED_FILES = {
  compose: 'compose.yaml',
  dockerfile: 'Dockerfile',
  dockerignore: '.dockerignore',
  nginxConf: 'nginx/default.conf',
  gunicornConf: 'gunicorn.conf.py',
  compressStatic: 'docker/compress_static.py',
  /** Each release's manifest kept beside the static files: bridges earlier releases' files into Swarm's image, prunes the compose volume. */
  staticReleases: 'docker/static_releases.py',
  /** The app image's entrypoint: every command in it (gunicorn, migrate, collectstatic) starts here. */
  entrypoint: 'docker/entrypoint.sh',
  /** --tls acme: nginx's start (the workers' group on the certs folder, then nginx). */
  nginxStart: 'docker/nginx-start.sh',
  /** --tls acme: the tls-bootstrap one-shot (a throwaway certificate until the first real one). */
  tlsBootstrap: 'docker/tls-bootstrap.sh',
  /** --tls acme: the acme service's loop (first certificate, renewal twice a day, the combined PEM). */
  acmeScript: 'docker/acme.sh',
  envExample: '.env.example',
  env: '.env',
  gitignore: '.gitignore',
  /** --target swarm: the stack file for `docker stack deploy` (images, not builds). */
  stack: 'stack.yaml',
  /** --target swarm: build, push, secrets, deploy (POSIX sh). */
  swarmScript: 'swarm.sh',
  /**
   * --target swarm: the release images, FROM the Dockerfile's image: collectstatic in a build
   * stage, its files baked into the nginx image and its manifest into the app image.
   */
  releaseDockerfile: 'docker/release.Dockerfile',
  /** --target swarm: the front nginx's configuration (a Swarm config named by its hash): proxies static files to the static service. */
  nginxFrontConf: 'nginx/front.conf',
  /** --target swarm: the static service's nginx configuration, baked into its image. */
  nginxStaticConf: 'nginx/static.conf',
} as const;

const BESIDE_MARK = 'django-static';

/**
 * Our name for a generated file when the project has its own file at that path (its own
 * docker/entrypoint.sh, gunicorn.conf.py, compose file): ours goes under this name, so nothing
 * of theirs is replaced and nothing they run changes. Compose v2 reads compose.yaml before
 * docker-compose.yml, so a compose.yaml of ours beside their docker-compose.yml would silently
 * become what their own `docker compose up` runs. The mark goes before the extensions, where
 * editors and tools still recognise the kind: compose.django-static.yaml,
 * gunicorn.django-static.conf.py, .env.django-static.example, django-static.Dockerfile.
 */
export function besideName(file: string): string {
  const slash = file.lastIndexOf('/');
  const [folder, base] = [file.slice(0, slash + 1), file.slice(slash + 1)];
  const dot = base.indexOf('.', 1); // a leading dot is part of the name (.env.example)
  return dot === -1 ? `${folder}${BESIDE_MARK}.${base}` : `${folder}${base.slice(0, dot)}.${BESIDE_MARK}${base.slice(dot)}`;
}

/**
 * The generated files a project's own file never shares a path with: .env, .gitignore and
 * .dockerignore are merged with theirs instead (the secrets file only gains missing keys).
 */
export const MERGED_FILES = ['env', 'gitignore', 'dockerignore'] as const satisfies readonly (keyof typeof GENERATED_FILES)[];
export type MovableFile = Exclude<keyof typeof GENERATED_FILES, (typeof MERGED_FILES)[number]>;

/** Each movable file's name beside a project's own one. */
export const BESIDE_PROJECT_FILES = Object.fromEntries(
  (Object.keys(GENERATED_FILES) as (keyof typeof GENERATED_FILES)[]).filter((kind) => !(MERGED_FILES as readonly string[]).includes(kind)).map((kind) => [kind, besideName(GENERATED_FILES[kind])]),
) as Record<MovableFile, string>;

/** The files Compose looks for by default, in its order (lib/doctor reads the same list). */
export const DEFAULT_COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'] as const;

export const SERVICES = {
  collectstatic: 'collectstatic',
  /** One-shot: `manage.py migrate`, before the app starts. */
  migrate: 'migrate',
  app: 'app',
  nginx: 'nginx',
  /** --target swarm: nginx serving the collected files baked into its image, behind the front nginx. */
  static: 'static',
  /** PostgreSQL (--database postgres only). */
  db: 'db',
  /** One-shot under the compose profile `backup`: a timestamped dump in ./backups/. */
  backup: 'backup',
  /** --tls acme: lego, issuing and renewing the certificate through the http-01 challenge. */
  acme: 'acme',
  /** --tls acme, one-shot before nginx, on the app image (which has openssl): the throwaway certificate. */
  tlsBootstrap: 'tls-bootstrap',
  /** Celery beat, when asked for: one scheduler, never scaled. */
  beat: 'beat',
  /** The broker and cache, when the workers need one and no external URL is given. */
  redis: 'redis',
  /** The Procfile's release command, one-shot after migrate and before the app. */
  release: 'release',
} as const;

/** Where the --tls acme scripts are mounted in their containers (read-only, from GENERATED_FILES). */
export const CONTAINER_SCRIPTS = {
  nginxStart: '/nginx-start.sh',
  acme: '/acme.sh',
  tlsBootstrap: '/tls-bootstrap.sh',
} as const;

/** Compose profile of the backup service: `docker compose --profile backup run --rm backup`. */
export const BACKUP_PROFILE = 'backup';
/** Host folder (bind-mounted) the backup service writes dumps into. */
export const BACKUPS_DIR = 'backups';

/**
 * Named volumes. Their names are part of the data's identity (compose names them
 * <project>_<name>): renaming one would start an empty database beside the old one.
 */
export const VOLUMES = {
  static: 'static',
  media: 'media',
  data: 'data',
  db: 'db',
  /** --tls acme: lego's account and certificates, and the combined PEM nginx reads. */
  certs: 'certs',
  /** --tls acme: http-01 challenge files, written by lego, served by nginx on port 80. */
  acmeWebroot: 'acme-webroot',
  /** --redis-persistence: Redis's append-only file. */
  redis: 'redis',
} as const;

/** In the static root (a dotfolder: collectstatic leaves it alone, nginx answers 404): one manifest per release, and their order. */
export const STATIC_RELEASES_DIR = '.releases';

/** Where the redis image keeps its data (its WORKDIR), and --redis-persistence mounts its volume. */
export const CONTAINER_REDIS_DATA = '/data';

export interface StackVariable {
  name: string;
  /** Secrets are written to .env; the others are documented, commented out, in .env.example. */
  secret: boolean;
  doc: string;
  /** The generated file that alone reads it: .env.example leaves it out when the app's command does not load that file. */
  readBy?: keyof typeof GENERATED_FILES;
}

/** The variables the generated settings overlay and gunicorn.conf.py read: the templates take these names from here. */
export const ENV_NAMES = {
  secretKey: 'DJANGO_SECRET_KEY',
  debug: 'DJANGO_DEBUG',
  allowedHosts: 'DJANGO_ALLOWED_HOSTS',
  csrfTrustedOrigins: 'DJANGO_CSRF_TRUSTED_ORIGINS',
  webConcurrency: 'WEB_CONCURRENCY',
  forwardedAllowIps: 'FORWARDED_ALLOW_IPS',
  gunicornLogLevel: 'GUNICORN_LOG_LEVEL',
} as const;

/** The variables the generated files read, with what .env.example says of them. */
export const ENVIRONMENT: readonly StackVariable[] = [
  { name: ENV_NAMES.secretKey, secret: true, doc: 'Django SECRET_KEY. Required; .env gets a random one.' },
  { name: ENV_NAMES.debug, secret: false, doc: 'Off unless 1/true/yes/on. Never on in production.' },
  { name: ENV_NAMES.allowedHosts, secret: false, doc: 'Comma-separated; overrides the generated server names.' },
  { name: ENV_NAMES.csrfTrustedOrigins, secret: false, doc: 'Comma-separated origins with scheme (and port).' },
  { name: ENV_NAMES.webConcurrency, secret: false, readBy: 'gunicornConf', doc: 'gunicorn workers; overrides the generated default.' },
  { name: ENV_NAMES.forwardedAllowIps, secret: false, readBy: 'gunicornConf', doc: 'Proxies gunicorn trusts for X-Forwarded-*; default: the compose network.' },
  { name: ENV_NAMES.gunicornLogLevel, secret: false, readBy: 'gunicornConf', doc: 'gunicorn log level (debug, info, warning, error); default info.' },
];

/** The variables .env may set, read with a default when unset or empty: compose passes all of .env, Swarm services these. */
export const OPTIONAL_VARIABLES: readonly string[] = ENVIRONMENT.filter((variable) => !variable.secret).map((variable) => variable.name);

/** Set in .env by the generator: the project name compose uses (docker-compose 1.x rejects a top-level `name:`). */
export const COMPOSE_PROJECT_VARIABLE = 'COMPOSE_PROJECT_NAME';
export const SECRET_KEY_VARIABLE = 'DJANGO_SECRET_KEY';
/** PostgreSQL's password (--database postgres): generated into .env once, never overwritten. */
export const POSTGRES_PASSWORD_VARIABLE = 'POSTGRES_PASSWORD';
/** The PostgreSQL user and database compose.yaml gives the db service and the app alike. */
export const POSTGRES_USER_VARIABLE = 'POSTGRES_USER';
export const POSTGRES_DB_VARIABLE = 'POSTGRES_DB';
/** Where Swarm mounts secrets in a container: the file of secret <target> is <SWARM_SECRETS_DIR>/<target>. */
export const SWARM_SECRETS_DIR = '/run/secrets';
/** --target swarm: the image tag swarm.sh exports and stack.yaml interpolates (`${TAG}`). */
export const TAG_VARIABLE = 'TAG';
/** --target swarm: swarm.sh exports the hash of the front's configuration; stack.yaml names the Swarm config with it. */
export const FRONT_CONF_HASH_VARIABLE = 'NGINX_FRONT_CONF_HASH';
/** The overlay reads a secret from the file named by <VARIABLE>_FILE when set (Swarm), else from <VARIABLE> (compose's .env). */
export const FILE_VARIABLE_SUFFIX = '_FILE';
/** The external database's URL (--database external): the user sets it in .env. */
export const DATABASE_URL_VARIABLE = 'DATABASE_URL';

/** Paths and ports fixed by the stock images (nginx, postgres): every target and template takes them from here. */
export const CONTAINER = {
  /** The server block the official nginx image includes: compose bind-mounts ours here, Swarm makes it a config, the release image copies it. */
  nginxConf: '/etc/nginx/conf.d/default.conf',
  /** PGDATA of the official postgres image: the db volume is mounted here. */
  postgresData: '/var/lib/postgresql/data',
  /** nginx listens on these inside its container; the published ports are the answers'. */
  httpPort: 80,
  httpsPort: 443,
} as const;
/** nginx's own health endpoint (answered by nginx, never proxied): the nginx healthcheck and the health check ask it. */
export const NGINX_HEALTH_PATH = '/nginx-health';

/**
 * What serves the app: gunicorn with its sync workers (WSGI), gunicorn with uvicorn's worker
 * class (ASGI), or daphne (ASGI, Channels' own server).
 */
export const APP_SERVERS = ['gunicorn', 'uvicorn', 'daphne'] as const;
export type AppServer = (typeof APP_SERVERS)[number];
/** gunicorn's worker class for ASGI, from the uvicorn package (`-k`). */
export const UVICORN_WORKER_CLASS = 'uvicorn.workers.UvicornWorker';
/** The pip packages each server needs in the image. */
export const APP_SERVER_PACKAGES: Record<AppServer, readonly string[]> = { gunicorn: ['gunicorn'], uvicorn: ['gunicorn', 'uvicorn'], daphne: ['daphne'] };

/**
 * The release log (lib/release): one record per release that ran and passed the health check,
 * newest last. State of this host, not source: kept out of git and out of the image.
 */
export const RELEASES_FILE = 'releases.json';
