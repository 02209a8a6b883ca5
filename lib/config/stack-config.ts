/**
 * StackConfig: the single, validated description of the stack. Every path, URL, port and
 * name the generated files use is decided here once; renderers only read it.
 */
import path from 'node:path';
import type { DependencySpec } from '../detect/dependencies/manifests.js';
import { MANIFEST_OF, type DependencyFacts, type DependencyGroup } from '../detect/dependencies/manifests.js';
import { isRuntimeDependency, postgresDriver } from '../detect/dependencies/packages.js';
import { systemPackages, type SystemPackages } from '../detect/dependencies/system-packages.js';
import { lockedPythonProblem } from '../detect/dependencies/python-version.js';
import type { ProjectFacts } from '../detect/project.js';
import type { ImportWrite } from '../detect/settings.js';
import { where } from '../detect/found.js';
import IMAGES from './images.json' with { type: 'json' };
import type { Condition } from '../detect/evaluate.js';
import {
  APP_SERVER_PACKAGES,
  BACKUPS_DIR,
  COMPOSE_PROJECT_VARIABLE,
  DATABASE_URL_VARIABLE,
  LOCK_SCRIPTS,
  OPTIONAL_VARIABLES,
  POSTGRES_DB_VARIABLE,
  POSTGRES_PASSWORD_VARIABLE,
  POSTGRES_USER_VARIABLE,
  SECRET_KEY_VARIABLE,
  SERVICES,
  SWARM_SECRETS_DIR,
  VOLUMES,
  type AppServer,
} from './names.js';
import { APP_MEMORY, appMemoryMiB, parseMemory, serviceLimits, type Limit } from './limits.js';
import { processesConfig, processLimits, type ProcessesConfig } from './processes.js';
import { procfileExtras, QUESTIONS, type Answers, type DatabaseChoice } from './questions.js';
import { composeCommand, STANDARD_FILES, type StackFiles } from './file-names.js';
import { groupNames, unknownNames, withGroups } from '../detect/dependencies/groups.js';
import { appDirOf, buildContext, inContext, type BuildContext } from './build-context.js';

export interface Location {
  /** URL prefix, with leading and trailing slash (STATIC_URL / MEDIA_URL). */
  url: string;
  /** Named volume holding the files. */
  volume: string;
  /** Where the app containers mount the volume: STATIC_ROOT / MEDIA_ROOT in the settings overlay. */
  appDir: string;
  /** Where nginx mounts the volume: its docroot plus the URL, so `root` maps URL to file 1:1. */
  nginxDir: string;
  /**
   * Served only to the app's X-Accel-Redirect answers (nginx `internal`), never to a request
   * for the URL itself, as the project's own nginx has it (its file:line).
   */
  internal?: string;
}

/**
 * ManifestStaticFilesStorage names: base.5af66c1b1797.css (12 hex digits of the content's MD5).
 * nginx caches these for a year and the health check expects that header on them.
 */
const HASHED_NAME_PATTERN = String.raw`\.[0-9a-f]{12}\.[A-Za-z0-9]+$`;

/** Where the stack keeps its data (--database). */
export type Database =
  | { kind: 'sqlite'; volume: typeof VOLUMES.data; dir: '/srv/django/data'; file: '/srv/django/data/db.sqlite3' }
  | {
      kind: 'postgres';
      image: string;
      volume: typeof VOLUMES.db;
      host: typeof SERVICES.db;
      port: 5432;
      user: 'app';
      name: 'app';
      driver: 'psycopg' | 'psycopg2';
    }
  | { kind: 'external' };

/** HSTS, when on (--hsts). */
export interface Hsts {
  maxAge: number;
}

/**
 * HTTPS (--tls). nginx always listens on 80 and 443 inside its container; the published ports
 * are --port and httpsPort. Every path below is inside a container, and is decided here only.
 */
export type Tls =
  | { mode: 'off' }
  | {
      mode: 'acme';
      httpsPort: number;
      email: string;
      /** The ACME directory URL, resolved (Let's Encrypt, its staging CA, or --acme-server). */
      server: string;
      staging: boolean;
      /** Project-relative PEM the ACME client trusts for the server's endpoint (and the check trusts for the site). */
      caFile?: string;
      hsts?: Hsts;
      /** The names on the certificate: the server names, each a real domain (http-01 cannot issue wildcards). */
      domains: string[];
      image: string;
      certsVolume: typeof VOLUMES.certs;
      webrootVolume: typeof VOLUMES.acmeWebroot;
      /** The certs volume in nginx; its start script gives the folder and the PEM the workers' group, so it is mounted read-write. */
      nginxCertsDir: '/etc/nginx/certs';
      /** Key plus chain in one file, which nginx reads on every handshake (no reload when it changes). */
      nginxPem: '/etc/nginx/certs/live/tls.pem';
      /** The same volume and file in the acme service and the tls-bootstrap one-shot (the throwaway certificate). */
      acmeCertsDir: '/certs';
      acmePem: '/certs/live/tls.pem';
      /** lego's account and certificates (--path). */
      legoDir: '/certs/lego';
      /** The webroot volume: lego writes .well-known/acme-challenge/ below it, nginx serves it read-only. */
      webroot: '/var/www/acme';
      /** --acme-ca inside the acme service. */
      caInContainer: '/etc/acme-ca.pem';
      /** lego renews when fewer days than this are left: a third of Let's Encrypt's 90-day lifetime. */
      renewDays: 30;
      /** How often the acme service checks, in seconds: twice a day. */
      checkEverySeconds: 43200;
    }
  | {
      mode: 'files';
      httpsPort: number;
      /** Host paths as given (absolute, or relative to the project), mounted read-only. */
      certFile: string;
      keyFile: string;
      hsts?: Hsts;
      nginxCert: '/etc/nginx/tls/cert.pem';
      nginxKey: '/etc/nginx/tls/key.pem';
    };

/** A Swarm secret: created by swarm.sh from the .env variable, mounted as a file, read by the overlay through <variable>_FILE. */
export interface SwarmSecret {
  /** The docker secret's name, per stack: <stack>_django_secret_key. */
  name: string;
  /** Where its value comes from in .env, and what the overlay (or postgres's entrypoint) reads as <variable>_FILE. */
  variable: string;
  /** The file inside the containers. */
  file: string;
}

/** --target swarm: what stack.yaml and swarm.sh add to the same answers. */
export interface SwarmConfig {
  /** `docker stack deploy ... <stackName>`: services are <stackName>_app, <stackName>_nginx, ... */
  stackName: string;
  replicas: number;
  imageRepository: string;
  portMode: 'host' | 'ingress';
  /**
   * Repositories without tag: stack.yaml writes <image>:${TAG}, swarm.sh builds and pushes <image>:<tag>.
   * static is nginx with the collected files baked in; the front nginx is the stock nginxImage.
   */
  images: { app: string; static: string };
  /** One per secretVariables(): the secret key, and the database password or URL. */
  secrets: SwarmSecret[];
  /** The app's user and group (the Dockerfile's app user): its secret files are theirs, mode 0400. */
  appUid: number;
  appGid: number;
}

export const LETS_ENCRYPT = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;

export interface StackConfig {
  projectName: string;
  /** The name of every file the stack writes in this project (lib/config/file-names.ts). */
  files: StackFiles;
  /** `docker compose`, or with -p and -f beside a project's own compose file: every printed command uses it. */
  composeCommand: string;
  /** compose: compose.yaml only; swarm: also stack.yaml and its build/deploy script (compose.yaml stays the local target). */
  target: 'compose' | 'swarm';
  /** Set with target swarm. */
  swarm?: SwarmConfig;
  /** The user's settings module the overlay imports from. */
  settingsModule: string;
  /** The generated overlay module (DJANGO_SETTINGS_MODULE inside the stack) and its file. */
  overlayModule: string;
  overlayFile: string;
  /** gunicorn's module:variable form of WSGI_APPLICATION (of ASGI_APPLICATION with an ASGI server): what the server loads. */
  wsgiApp: string;
  /** What serves the app (lib/model/features/app-server.ts makes its command). */
  server: {
    kind: AppServer;
    /** URL prefixes nginx proxies as websockets. */
    websocketPaths: string[];
    /** A websocket route with no parameter under one of those prefixes: what the health check opens. */
    websocketProbe?: string;
    /** nginx's read/send timeout on websocket locations: a connection may stay quiet this long. */
    websocketTimeout: number;
    /** Server packages the dependency file lacks, installed after it (gunicorn has its own flag). */
    install: string[];
  };
  pythonVersion: string;
  pythonImage: string;
  nginxImage: string;
  /** The build context and the Django folder inside it (lib/config/build-context.ts). */
  build: BuildContext;
  /** file and copy: relative to the build context's root. */
  dependencies: DependencySpec & {
    copy: string[];
    installGunicorn: boolean;
    /** Dependency groups installed with the main dependencies. */
    groups: string[];
    /** The project's optional extras installed with them. */
    extras: string[];
    /** Further extras those name through the project itself (`all = ["mysite[prod]"]`), installed too. */
    ownExtras: string[];
    /** Our script that exports the lock file's pins (LOCK_SCRIPTS), relative to the Django folder; none for pip, Pipenv and a Poetry 1 lock. */
    lockScript?: string;
  };
  /** Folders for STATICFILES_DIRS when the answer differs from the settings; undefined keeps the settings. */
  staticfilesDirs?: string[];
  appDir: string;
  /** The folder manage.py puts on sys.path that holds the project's package (src/), in the image: the Dockerfile's PYTHONPATH. */
  pythonPath?: string;
  nginxDocroot: string;
  static: Location;
  /**
   * Earlier releases whose hashed static files are kept (--keep-releases): Swarm's static image
   * carries them, and on one host a passing check removes only older ones (docs/static-releases.md).
   */
  keptReleases: number;
  media?: Location;
  http: {
    port: number;
    bind: string;
    serverNames: string[];
    /**
     * Host names nginx and Django accept: the server names, plus localhost, 127.0.0.1 and [::1]
     * when the port is bound to loopback (only this machine can reach it, and a browser sends those).
     */
    acceptedHosts: string[];
    /** The address to open in a browser, printed after a passing check. */
    url: string;
    /** Host header Django accepts, for healthchecks and probes. */
    probeHost: string;
    allowedHosts: string[];
    csrfTrustedOrigins: string[];
    clientMaxBodySize: string;
  };
  tls: Tls;
  gunicorn: {
    port: number;
    workers: 'auto' | number;
    timeout: number;
    gracefulTimeout: number;
    /** nginx's proxy read/send timeout: longer than gunicorn's, so gunicorn ends slow requests (with a log line). */
    proxyTimeout: number;
    /** compose's stop_grace_period: longer than graceful_timeout, so in-flight requests finish before SIGKILL. */
    stopGracePeriod: number;
    /** What "auto" workers budget per worker and for the rest, so gunicorn starts no more workers than the memory limit holds. */
    memory: typeof APP_MEMORY;
  };
  /**
   * Memory and process bounds per service name (lib/config/limits.ts). Compose writes them as
   * mem_limit/pids_limit, Swarm would write deploy.resources; a service without a row gets UNLISTED_LIMIT.
   */
  limits: Record<string, Limit>;
  /** A file collectstatic is sure to produce, for probes (admin's CSS when admin is installed). */
  probeStaticFile?: string;
  /** Regular expression (nginx and JavaScript alike) for content-hashed static names: cached for a year. */
  hashedNamePattern: string;
  /**
   * Environment variables the project's settings read with no default, minus those the stack's
   * own .env provides: the user must set them in .env, or Django cannot start.
   */
  settingsEnv: SettingsVariable[];
  /** django-compressor offline (COMPRESS_OFFLINE at `source`): `manage.py compress` runs after collectstatic. */
  compress?: { source: string };
  /** Folders the settings create at import, each given a writable tmpfs at its path in the container. */
  importWrites: { path: string; source: string }[];
  database: Database;
  /**
   * Debian packages per Dockerfile stage, from the table in lib/detect/dependencies/system-packages.ts:
   * build (headers, beyond the builder's own build-essential and git) and run (the libraries the wheels load).
   */
  systemPackages: SystemPackages;
  /** Host folder the backup service writes dumps into (bind-mounted, ignored by git and docker). */
  backupsDir: string;
  /** django.contrib.admin and django.contrib.auth are both installed: the health check can log in. */
  loginCheck: boolean;
  /** Project folders that hold collected files or uploads locally (detected STATIC_ROOT/MEDIA_ROOT): never in the image. */
  localDataDirs: string[];
  /** Workers, beat, the release one-shot and Redis (lib/config/processes.ts); absent when the project runs only its web server. */
  processes?: ProcessesConfig;
}

export interface SettingsVariable {
  variable: string;
  source: string;
  /** Required only when these hold (a branch of an `if`): said in .env.example, and decided against .env. */
  when?: Condition[];
}

/** Variables compose.yaml gives the app itself (beside .env): the settings find them set. */
export function stackEnvironment(database: DatabaseChoice): string[] {
  return ['DJANGO_SETTINGS_MODULE', ...(database === 'postgres' ? [POSTGRES_USER_VARIABLE, POSTGRES_DB_VARIABLE] : [])];
}

export class ConfigError extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/** The app user and group the Dockerfile creates, and Swarm gives the secret files to. */
export const APP_UID = 10001;
const NGINX_DOCROOT = '/srv/www';
const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '[::1]'];
/** Variables the generated .env always holds. */
const STACK_ENV = new Set([COMPOSE_PROJECT_VARIABLE, SECRET_KEY_VARIABLE]);
const GUNICORN = { port: 8000, timeout: 30, gracefulTimeout: 30 } as const;
/** An hour: websockets are long-lived, and nginx closes one that stays quiet for longer. */
const WEBSOCKET_TIMEOUT_SECONDS = 3600;
/** Seconds the outer bound waits beyond the inner one (nginx beyond gunicorn, compose beyond graceful_timeout). */
const MARGIN_SECONDS = 5;

/** The application the server loads: WSGI_APPLICATION for gunicorn, ASGI_APPLICATION for an ASGI server. */
export function servedApplication(answers: Pick<Answers, 'appServer' | 'wsgiApplication' | 'asgiApplication'>): string {
  return (answers.appServer ?? 'gunicorn') === 'gunicorn' ? answers.wsgiApplication! : answers.asgiApplication!;
}

/** Checks every answer, then derives the whole stack. Throws ConfigError listing every problem. */
export function buildStackConfig(answers: Answers, facts: ProjectFacts, files: StackFiles = STANDARD_FILES): StackConfig {
  const problems: { field: string; message: string }[] = [];
  const report = (field: string, message: string | undefined) => message && problems.push({ field, message });

  for (const q of QUESTIONS) {
    if (q.when && !q.when(answers, facts)) continue;
    report(q.option, (q.validate as (value: unknown, earlier: Partial<Answers>) => string | undefined)(answers[q.name], answers));
  }
  if (problems.length) throw new ConfigError(problems);

  // Detection read every candidate (and the generator any other file named): no disk access here.
  const dependencies = facts.dependencyCandidates.find((candidate) => candidate.file === answers.dependencies);
  if (!dependencies) report('dependencies', `${answers.dependencies} does not exist in the project`);
  if (dependencies?.manager === 'pip-pyproject' && Number(answers.pythonVersion.split('.')[1]) < 11) {
    report('python-version', `installing from pyproject.toml reads it with tomllib, which needs Python 3.11 or later (not ${answers.pythonVersion}); choose 3.11+ or a requirements file`);
  }
  report('python-version', lockedPythonProblem(answers.pythonVersion, dependencies));
  const groups = groupNames(answers.dependencyGroups ?? 'none');
  const extras = groupNames(answers.dependencyExtras ?? 'none');
  if (dependencies) {
    report('dependency-groups', unknownNames('dependency-groups', groups, dependencies));
    report('dependency-extras', unknownNames('dependency-extras', extras, dependencies));
  }
  // What the install step installs: [project] dependencies plus the chosen groups and extras.
  const unknownProcesses = (answers.procfileProcesses ?? []).filter((name) => !procfileExtras(facts).some((process) => process.name === name));
  if (unknownProcesses.length) {
    report(
      'procfile-processes',
      `${unknownProcesses.join(', ')}: not a process of the Procfile beside web and release (it has ${
        procfileExtras(facts)
          .map((process) => process.name)
          .join(', ') || 'none'
      })`,
    );
  }
  const installed = dependencies && withGroups(dependencies, groups, extras);
  if (installed) report('database', databaseProblem(answers.database, installed));
  if (problems.length || !dependencies || !installed) throw new ConfigError(problems);
  const driver = postgresDriver(installed)?.value;
  const build = buildContext(facts.root, [dependencies.file, ...dependencies.copy]);
  const appDir = appDirOf(build);

  const location = (url: string, volume: string, appDir: string): Location => ({
    url,
    volume,
    appDir,
    nginxDir: NGINX_DOCROOT + url.replace(/\/$/, ''),
  });
  const overlay = overlayFor(answers.settingsModule, facts.sourceFolder?.value);
  const loopback = answers.bind.startsWith('127.');
  const acceptedHosts = [...new Set([...answers.serverNames, ...(loopback ? LOOPBACK_HOSTS : [])])];
  const probeHost = answers.serverNames[0]!.replace(/^\./, '');
  const tls = tlsConfig(answers);
  const https = tls.mode !== 'off';
  const publicPort = https ? tls.httpsPort : answers.port;
  const portSuffix = publicPort === (https ? 443 : 80) ? '' : `:${publicPort}`;
  const scheme = https ? 'https' : 'http';
  const detectedDirs = facts.staticfilesDirs.value;
  const processes = processesConfig(answers, facts);
  const dirsChanged = answers.staticfilesDirs.length > 0 && answers.staticfilesDirs.join('\n') !== detectedDirs.join('\n');

  return {
    projectName: answers.projectName,
    files,
    composeCommand: composeCommand(files, answers.projectName),
    target: answers.target,
    swarm: answers.target === 'swarm' ? swarmConfig(answers) : undefined,
    settingsModule: answers.settingsModule,
    overlayModule: overlay.module,
    overlayFile: overlay.file,
    wsgiApp: servedApplication(answers).replace(/[.:](\w+)$/, ':$1'),
    server: {
      kind: answers.appServer ?? 'gunicorn',
      websocketPaths: answers.websocketPaths ?? [],
      websocketTimeout: WEBSOCKET_TIMEOUT_SECONDS,
      websocketProbe: facts.asgi?.websocketRoutes.find((route) => (answers.websocketPaths ?? []).some((prefix) => route.value.startsWith(prefix)))?.value,
      install: APP_SERVER_PACKAGES[answers.appServer ?? 'gunicorn'].filter((name) => name !== 'gunicorn' && !isRuntimeDependency(installed, name)),
    },
    pythonVersion: answers.pythonVersion,
    pythonImage: answers.pythonImage,
    nginxImage: answers.nginxImage,
    build,
    dependencies: {
      manager: dependencies.manager,
      file: inContext(build, dependencies.file),
      copy: dependencies.copy.map((file) => inContext(build, file)),
      installGunicorn: APP_SERVER_PACKAGES[answers.appServer ?? 'gunicorn'].includes('gunicorn') && !isRuntimeDependency(installed, 'gunicorn'),
      groups,
      extras,
      ownExtras: [...new Set(dependencies.extras?.filter((extra) => extras.includes(extra.name)).flatMap((extra) => extra.includes ?? []))].filter((name) => !extras.includes(name)),
      lockScript: lockScript(dependencies),
    },
    staticfilesDirs: dirsChanged ? answers.staticfilesDirs : undefined,
    appDir,
    ...(facts.sourceFolder ? { pythonPath: path.posix.join(appDir, facts.sourceFolder.value) } : {}),
    nginxDocroot: NGINX_DOCROOT,
    static: location(answers.staticUrl, VOLUMES.static, '/srv/django/static'),
    keptReleases: answers.keepReleases,
    media: answers.media ? { ...location(answers.mediaUrl, VOLUMES.media, '/srv/django/media'), ...(facts.privateMedia ? { internal: where(facts.privateMedia) } : {}) } : undefined,
    http: {
      port: answers.port,
      bind: answers.bind,
      serverNames: answers.serverNames,
      acceptedHosts,
      // A certificate names the host, not the address: over HTTPS the URL keeps the name.
      url: loopback && !https ? `http://${answers.bind}${portSuffix}/` : `${scheme}://${probeHost}${portSuffix}/`,
      probeHost,
      allowedHosts: acceptedHosts,
      csrfTrustedOrigins: https ? httpsOrigins(acceptedHosts, tls.httpsPort) : csrfOrigins(acceptedHosts, answers.port),
      clientMaxBodySize: answers.clientMaxBodySize,
    },
    tls,
    gunicorn: {
      ...GUNICORN,
      workers: answers.workers === 'auto' ? 'auto' : Number(answers.workers),
      proxyTimeout: GUNICORN.timeout + MARGIN_SECONDS,
      stopGracePeriod: GUNICORN.gracefulTimeout + MARGIN_SECONDS,
      memory: APP_MEMORY,
    },
    limits: {
      ...serviceLimits(appMemoryMiB(answers.appMemory, answers.workers === 'auto' ? 'auto' : Number(answers.workers))),
      ...processLimits(processes, parseMemory(answers.workerMemory ?? '') ?? 0),
    },
    probeStaticFile: facts.admin ? 'admin/css/base.css' : undefined,
    hashedNamePattern: HASHED_NAME_PATTERN,
    settingsEnv: [
      ...facts.requiredEnv
        .filter(
          (read) => !STACK_ENV.has(read.variable) && !stackEnvironment(answers.database).includes(read.variable) && !(answers.database === 'postgres' && read.variable === POSTGRES_PASSWORD_VARIABLE),
        )
        .map((read) => ({ variable: read.variable, source: `${read.file}:${read.line}`, ...(read.when ? { when: read.when } : {}) })),
      // external: the overlay reads the database from DATABASE_URL, which only the user can give.
      ...(answers.database === 'external' && !facts.requiredEnv.some((read) => read.variable === DATABASE_URL_VARIABLE)
        ? [{ variable: DATABASE_URL_VARIABLE, source: `${overlay.file} (--database external)` }]
        : []),
    ],
    ...(facts.compressOffline ? { compress: { source: where(facts.compressOffline) } } : {}),
    importWrites: writableAtImport(facts, appDir),
    database: database(answers.database, driver?.module),
    systemPackages: systemPackages(installed),
    backupsDir: BACKUPS_DIR,
    loginCheck: facts.admin && facts.auth,
    ...(processes ? { processes } : {}),
    localDataDirs: [...new Set(['staticfiles', ...(answers.media ? ['media'] : []), ...[facts.staticRoot, facts.mediaRoot].flatMap((found) => insideProject(found?.value))])].sort(),
  };
}

/**
 * Folders the settings create when imported, as container paths: the app's file system is
 * read-only, so each gets a tmpfs (its contents live as long as the container). One that
 * cannot be read, or lies in a volume the stack mounts, needs nothing or cannot be helped here.
 */
function writableAtImport(facts: ProjectFacts, appDir: string): { path: string; source: string }[] {
  const placed = facts.importWrites.flatMap((write) => {
    const container = importWriteInContainer(write, appDir);
    // The app's folder and those above it are in every image (mkdir finds them): a tmpfs there would hide the code.
    const holdsApp = container !== undefined && (container === appDir || appDir.startsWith(`${container.replace(/\/$/, '')}/`));
    return container && !holdsApp ? [{ path: container, source: `${write.file}:${write.line}` }] : [];
  });
  // A loop may create one folder twice: one tmpfs each.
  return placed.filter((write, index) => placed.findIndex((other) => other.path === write.path) === index);
}

/** Where a folder created at import lies in the container; undefined when its path is not read or lies above the project. */
export function importWriteInContainer(write: ImportWrite, appDir: string): string | undefined {
  if (write.path === undefined || write.path.startsWith('(')) return undefined;
  const container = write.path.startsWith('/') ? write.path : path.posix.join(appDir, write.path);
  return container.split('/').includes('..') ? undefined : container;
}

/** The variables that hold secrets: Swarm secrets under --target swarm, read from files by the overlay. */
export function secretVariables(database: DatabaseChoice): string[] {
  return [
    SECRET_KEY_VARIABLE,
    ...(database === 'postgres' ? [POSTGRES_PASSWORD_VARIABLE] : []),
    // The URL holds the external database's password.
    ...(database === 'external' ? [DATABASE_URL_VARIABLE] : []),
  ];
}

/**
 * The variables of .env.example that may be set or not (each has a documented default), the
 * workers' among them, less those the project's own settings require: a set-but-empty one means
 * the default too. Swarm passes exactly these (and the required ones) from .env to the services.
 */
export function optionalVariables(config: Pick<StackConfig, 'settingsEnv' | 'processes'>): string[] {
  const names = [...OPTIONAL_VARIABLES, ...(config.processes?.environment ?? []).map((variable) => variable.name)];
  return [...new Set(names)].filter((name) => !config.settingsEnv.some((read) => read.variable === name));
}

function swarmConfig(answers: Answers): SwarmConfig {
  const stackName = answers.projectName;
  const repository = answers.imageRepository!;
  // Per stack, so two stacks on one swarm keep their own; the file name inside is the same in every stack.
  const secret = (variable: string): SwarmSecret => ({ name: `${stackName}_${variable.toLowerCase()}`, variable, file: `${SWARM_SECRETS_DIR}/${variable.toLowerCase()}` });
  return {
    stackName,
    replicas: answers.replicas!,
    imageRepository: repository,
    portMode: answers.swarmPorts!,
    images: { app: `${repository}/app`, static: `${repository}/static` },
    secrets: secretVariables(answers.database).map(secret),
    appUid: APP_UID,
    appGid: APP_UID,
  };
}

function tlsConfig(answers: Answers): Tls {
  const hsts = answers.hsts ? { maxAge: answers.hstsMaxAge! } : undefined;
  const httpsPort = answers.httpsPort!;
  if (answers.tls === 'files') {
    return { mode: 'files', httpsPort, certFile: answers.tlsCert!, keyFile: answers.tlsKey!, hsts, nginxCert: '/etc/nginx/tls/cert.pem', nginxKey: '/etc/nginx/tls/key.pem' };
  }
  if (answers.tls !== 'acme') return { mode: 'off' };
  const server = answers.acmeServer || (answers.acmeStaging ? LETS_ENCRYPT.staging : LETS_ENCRYPT.production);
  return {
    mode: 'acme',
    httpsPort,
    email: answers.acmeEmail!,
    server,
    staging: Boolean(answers.acmeStaging),
    caFile: answers.acmeCa || undefined,
    hsts,
    domains: answers.serverNames,
    image: IMAGES.acme,
    certsVolume: VOLUMES.certs,
    webrootVolume: VOLUMES.acmeWebroot,
    nginxCertsDir: '/etc/nginx/certs',
    nginxPem: '/etc/nginx/certs/live/tls.pem',
    acmeCertsDir: '/certs',
    acmePem: '/certs/live/tls.pem',
    legoDir: '/certs/lego',
    webroot: '/var/www/acme',
    caInContainer: '/etc/acme-ca.pem',
    renewDays: 30,
    checkEverySeconds: 43200,
  };
}

/** The script that exports this lock (LOCK_SCRIPTS): Poetry's needs each package's groups, which only Poetry 2 locks give. */
function lockScript(dependencies: DependencyFacts): string | undefined {
  switch (dependencies.manager) {
    case 'uv':
    case 'pdm':
      return LOCK_SCRIPTS[dependencies.manager];
    case 'poetry':
      return dependencies.locked.length > 0 && dependencies.locked.every((entry) => entry.installedBy) ? LOCK_SCRIPTS.poetry : undefined;
    default:
      return undefined;
  }
}

/** --database postgres without a driver would build, then fail in migrate: stop before writing anything. */
export function databaseProblem(choice: DatabaseChoice, dependencies: DependencyFacts): string | undefined {
  if (choice !== 'postgres' || postgresDriver(dependencies)) return undefined;
  const name = path.posix.basename(dependencies.file);
  const file = MANIFEST_OF[name] ? path.posix.join(path.posix.dirname(dependencies.file), MANIFEST_OF[name]) : dependencies.file;
  // An unchosen group or extra that has one: choosing it is the smaller change.
  const holds = (group: DependencyGroup) => Boolean(postgresDriver({ ...dependencies, runtime: group.requirements, locked: [] }));
  const choose = [
    ...(dependencies.groups ?? []).filter(holds).map((group) => `--dependency-groups ${group.name}`),
    ...(dependencies.extras ?? []).filter(holds).map((extra) => `--dependency-extras ${extra.name}`),
  ];
  return `--database postgres needs a PostgreSQL driver, and ${dependencies.file} has none${choose.length ? ` installed (pass ${choose.join(' or ')})` : ''}: add psycopg[binary] (or psycopg2-binary) to ${file}`;
}

function database(choice: DatabaseChoice, driver: 'psycopg' | 'psycopg2' | undefined): Database {
  switch (choice) {
    case 'sqlite':
      return { kind: 'sqlite', volume: VOLUMES.data, dir: '/srv/django/data', file: '/srv/django/data/db.sqlite3' };
    case 'postgres':
      // databaseProblem() stopped a run without a driver before this.
      return { kind: 'postgres', image: IMAGES.postgres, volume: VOLUMES.db, host: SERVICES.db, port: 5432, user: 'app', name: 'app', driver: driver! };
    case 'external':
      return { kind: 'external' };
  }
}

/** A detected project-relative folder, or nothing for absolute paths, paths above the project and unreadable values. */
function insideProject(dir: string | undefined): string[] {
  if (!dir || dir.startsWith('/') || dir.startsWith('(') || dir === '' || dir.split('/').includes('..')) return [];
  return [dir.replace(/\/$/, '')];
}

/**
 * The overlay sits beside the user's settings: mysite.settings -> mysite.settings_docker;
 * for a settings package (config.settings.production) beside the package: config.settings_docker.
 * Under `sourceFolder` (src/) when the package is in a folder manage.py puts on sys.path.
 */
export function overlayFor(settingsModule: string, sourceFolder?: string): { module: string; file: string } {
  const parts = settingsModule.split('.');
  const settingsIndex = parts.lastIndexOf('settings');
  const parent = settingsIndex >= 0 ? parts.slice(0, settingsIndex) : parts.slice(0, -1);
  const module = [...parent, 'settings_docker'].join('.');
  return { module, file: path.posix.join(sourceFolder ?? '.', `${module.replaceAll('.', '/')}.py`) };
}

/** With HTTPS on, only https origins: port 80 answers nothing but redirects and challenges. */
function httpsOrigins(serverNames: string[], port: number): string[] {
  return serverNames.map((name) => `https://${name.startsWith('.') ? `*${name}` : name}${port === 443 ? '' : `:${port}`}`);
}

/** Django 4+ wants scheme and port in CSRF_TRUSTED_ORIGINS; a leading dot becomes a wildcard. */
function csrfOrigins(serverNames: string[], port: number): string[] {
  return serverNames.flatMap((name) => {
    const host = name.startsWith('.') ? `*${name}` : name;
    return [port === 80 ? `http://${host}` : `http://${host}:${port}`, `https://${host}`];
  });
}
