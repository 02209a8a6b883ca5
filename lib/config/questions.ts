/**
 * The questions, in one table: each is a prompt, a CLI option and a stored answer, with a
 * default detected from the project (or taken from the stored answers on regeneration).
 */
import { ASGI_SERVERS } from '../detect/asgi.js';
import { dependencyFileProblem } from '../detect/dependencies/manifests.js';
import { defaultExtrasAnswer, defaultGroupsAnswer, groupNames, unknownNames } from '../detect/dependencies/groups.js';
import { DEFAULT_PYTHON } from '../detect/dependencies/python-version.js';
import type { ProjectFacts } from '../detect/project.js';
import * as validate from './validators.js';
import IMAGES from './images.json' with { type: 'json' };
import { APP_SERVER_PACKAGES, APP_SERVERS, type AppServer } from './names.js';

export interface Answers {
  projectName: string;
  settingsModule: string;
  /** Not asked (nor stored) when the server is an ASGI one. */
  wsgiApplication?: string;
  /** Asked only for an ASGI project (lib/detect/asgi.ts): gunicorn (WSGI), uvicorn (gunicorn's uvicorn workers) or daphne. */
  appServer?: AppServer;
  /** With an ASGI server: the application it serves (ASGI_APPLICATION). */
  asgiApplication?: string;
  /** With an ASGI server: URL prefixes nginx proxies as websockets (Upgrade headers, long reads, no buffering). */
  websocketPaths?: string[];
  pythonVersion: string;
  dependencies: string;
  /** Dependency groups to install, comma-separated, or none: asked only when the dependency file has groups (uv, Poetry). */
  dependencyGroups?: string;
  /** The project's optional extras to install, comma-separated, or none: asked only when it has extras (uv, Poetry, pyproject.toml). */
  dependencyExtras?: string;
  /** Where the data lives: a SQLite file in a volume, a PostgreSQL service, or DATABASE_URL. */
  database: DatabaseChoice;
  /** Only asked (and stored) when production settings put static files on object storage or a CDN. */
  remoteStatic?: RemoteStaticChoice;
  staticUrl: string;
  staticfilesDirs: string[];
  media: boolean;
  mediaUrl: string;
  port: number;
  bind: string;
  serverNames: string[];
  /** HTTPS: off, certificates from an ACME CA (acme), or the user's own files (files). */
  tls: TlsChoice;
  httpsPort?: number;
  acmeEmail?: string;
  /** The ACME directory URL; empty: Let's Encrypt (its staging CA with acmeStaging). */
  acmeServer?: string;
  acmeStaging?: boolean;
  /** A PEM in the project: the CA a private ACME server's endpoint uses, trusted by the ACME client and the check. */
  acmeCa?: string;
  tlsCert?: string;
  tlsKey?: string;
  hsts?: boolean;
  hstsMaxAge?: number;
  /** Where the stack runs: one host with Docker Compose, or Docker Swarm (stack.yaml beside compose.yaml). */
  target: TargetChoice;
  /** --target swarm: app replicas. */
  replicas?: number;
  /** --target swarm: where swarm.sh pushes the images (<repository>/app:<tag>, <repository>/static:<tag>). */
  imageRepository?: string;
  /** --target swarm: nginx's published port, bound on each node (host) or through the routing mesh (ingress). */
  swarmPorts?: SwarmPortsChoice;
  /** Earlier releases whose hashed static files stay served beside the current ones (asset bridging). */
  keepReleases: number;
  workers: string;
  /** The app container's memory bound: "auto" derives it from the workers. */
  appMemory: string;
  clientMaxBodySize: string;
  pythonImage: string;
  nginxImage: string;
  /** Asked only when the project has Celery: celery -A's module:attribute, or none (no workers). */
  celeryApp?: string;
  /** A worker service per queue. */
  celeryQueues?: string[];
  /** One beat service (never scaled). */
  celeryBeat?: boolean;
  /** Asked only with django-rq: an rqworker service per queue. */
  rqQueues?: string[];
  /** Asked only with a Procfile: the processes (beside web and release) that get a service each. */
  procfileProcesses?: string[];
  /** The Procfile's release command as a one-shot after migrate, before the app. */
  procfileRelease?: boolean;
  /** The broker/cache the workers use: a Redis service in the stack, or a URL the user gives in .env. */
  broker?: BrokerChoice;
  /** --broker redis: keep Redis's data in a named volume (append-only file). */
  redisPersistence?: boolean;
  /** Memory limit of each worker container. */
  workerMemory?: string;
}

export const DEFAULTS = {
  staticUrl: '/static/',
  mediaUrl: '/media/',
  port: 8080,
  bind: '127.0.0.1',
  serverNames: ['localhost'],
  workers: 'auto',
  appMemory: 'auto',
  clientMaxBodySize: '10m',
  nginxImage: IMAGES.nginx,
  httpsPort: 443,
  /** HTTPS port when the server names are only this machine's (a developer's stack): no root-only port. */
  localHttpsPort: 8443,
  /** Five minutes: a mistake in HSTS locks browsers out of plain HTTP for max-age; raise it once HTTPS is proven. */
  hstsMaxAge: 300,
  pythonImage: (version: string) => IMAGES.python.replace('{version}', version),
  replicas: 2,
  /** Two earlier releases: a page rendered by either still loads its CSS and JS during (and after) an update. */
  keepReleases: 2,
  /** A registry on this machine (loopback needs no insecure-registries): swarm.sh pushes there unless told otherwise. */
  imageRepository: (projectName: string) => `127.0.0.1:5000/${projectName}`,
} as const;

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** sqlite: a file in the data volume; postgres: a db service in the stack; external: DATABASE_URL from .env. */
export const DATABASE_CHOICES = ['sqlite', 'postgres', 'external'] as const;
export type DatabaseChoice = (typeof DATABASE_CHOICES)[number];

/**
 * The settings' own database, kept where the stack can: PostgreSQL settings get a PostgreSQL
 * service, a database URL stays a URL (external), SQLite settings get SQLite in a volume. Where
 * the engine cannot be read, what the project installs and imports decides
 * (lib/detect/database-choice.ts); undefined when that points at more than one database.
 */
export function defaultDatabase(facts: ProjectFacts): DatabaseChoice | undefined {
  const decision = facts.databaseDecision;
  return 'choice' in decision ? decision.choice : undefined;
}

/** volume: serve static files from this stack's volume anyway (the overlay switches the storage); stop: generate nothing. */
/** off: plain HTTP; acme: certificates from an ACME CA (Let's Encrypt by default); files: --tls-cert and --tls-key. */
export const TLS_CHOICES = ['off', 'acme', 'files'] as const;
export type TlsChoice = (typeof TLS_CHOICES)[number];
const tlsOn = (earlier: Partial<Answers>) => earlier.tls === 'acme' || earlier.tls === 'files';

/** compose: compose.yaml on one host; swarm: also stack.yaml, swarm.sh and the nginx image's Dockerfile. */
export const TARGET_CHOICES = ['compose', 'swarm'] as const;
export type TargetChoice = (typeof TARGET_CHOICES)[number];
/** host: each node binds the port itself (keeps the client's address; needs no IPVS); ingress: Swarm's routing mesh. */
export const SWARM_PORTS_CHOICES = ['host', 'ingress'] as const;
export type SwarmPortsChoice = (typeof SWARM_PORTS_CHOICES)[number];
const onSwarm = (earlier: Partial<Answers>) => earlier.target === 'swarm';

/** redis: a Redis service in the stack (never published); external: the URL the settings read, set in .env. */
export const BROKER_CHOICES = ['redis', 'external'] as const;
export type BrokerChoice = (typeof BROKER_CHOICES)[number];
const oneOf = (choices: readonly string[]) => (value: string | undefined) => (choices.includes(value ?? '') ? undefined : `"${value}" is not one of ${choices.join(', ')}`);
const runsCelery = (earlier: Partial<Answers>, facts: ProjectFacts) => Boolean(facts.processes?.celery) && earlier.celeryApp !== undefined && earlier.celeryApp !== 'none';
const runsRq = (earlier: Partial<Answers>) => (earlier.rqQueues?.length ?? 0) > 0;
/** Procfile processes beside web (the app) and release (the one-shot). */
export const procfileExtras = (facts: ProjectFacts) => (facts.processes?.procfile?.value ?? []).filter((process) => process.name !== 'web' && process.name !== 'release');
const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const queueNames = (value: string[]) =>
  value.find((name) => !QUEUE_NAME.test(name)) ? `queue names are letters, digits, ".", "_" and "-": not "${value.find((name) => !QUEUE_NAME.test(name))}"` : undefined;

export const REMOTE_STATIC_CHOICES = ['volume', 'stop'] as const;
export type RemoteStaticChoice = (typeof REMOTE_STATIC_CHOICES)[number];

/** An ASGI project's server: uvicorn when it depends on uvicorn, daphne when on daphne or Channels, else uvicorn. */
export function defaultAppServer(facts: ProjectFacts): AppServer {
  const servers = facts.asgi?.servers.map((server) => server.value) ?? [];
  if (!facts.asgi) return 'gunicorn';
  if (servers.includes('uvicorn')) return 'uvicorn';
  if (servers.includes('daphne') || facts.asgi.channels) return 'daphne';
  return 'uvicorn';
}

const asgiServer = (earlier: Partial<Answers>) => earlier.appServer !== undefined && earlier.appServer !== 'gunicorn';

export interface Question<K extends keyof Answers = keyof Answers> {
  name: K;
  /** CLI option, kebab-case. */
  option: string;
  kind: Kind;
  message: string;
  /** Default from the project (and earlier answers in this run). */
  detect: (facts: ProjectFacts, earlier: Partial<Answers>) => Answers[K] | undefined;
  /** Why detect found nothing, when the project says more than "could not be detected". */
  undetected?: (facts: ProjectFacts) => string | undefined;
  /** Called with a parsed value, never with undefined. */
  validate: (value: Exclude<Answers[K], undefined>, earlier: Partial<Answers>) => string | undefined;
  choices?: (facts: ProjectFacts) => string[];
  /** Only asked when this holds. */
  when?: (earlier: Partial<Answers>, facts: ProjectFacts) => boolean;
  /** When `when` does not hold, why a value given for it anyway is refused; without this, a valid value is ignored. */
  notAsked?: (value: Exclude<Answers[K], undefined>, facts: ProjectFacts, earlier: Partial<Answers>) => string | undefined;
  /** Answered, but prompted for only when this holds (otherwise the default is taken, as under --yes). */
  prompt?: (earlier: Partial<Answers>) => boolean;
}

/** Group names as PEP 735 allows them (letters, digits, '.', '_', '-'), comma-separated; or none. */
const GROUP_LIST = /^\s*(none|[A-Za-z0-9][A-Za-z0-9._-]*(\s*,\s*[A-Za-z0-9][A-Za-z0-9._-]*)*)\s*$/;
const chosenDependencyFile = (facts: ProjectFacts, earlier: Partial<Answers>) => facts.dependencyCandidates.find((candidate) => candidate.file === earlier.dependencies);
/** What the app server answered runs on (uvicorn for `uvicorn`): a group or extra holding it is installed by default. */
export const serverPackages = (earlier: Partial<Answers>): readonly string[] => (earlier.appServer ? (APP_SERVER_PACKAGES[earlier.appServer as AppServer] ?? []) : []);
/** Group (extra) names given for a file that has none: refused, not dropped (a requirements file has neither). */
const namesNotIn = (option: 'dependency-groups' | 'dependency-extras', value: string, facts: ProjectFacts, earlier: Partial<Answers>) => {
  const file = chosenDependencyFile(facts, earlier);
  return file && unknownNames(option, groupNames(value), file);
};

/** Django accepts "static/" and serves it as "/static/" (startproject writes it that way); a full URL stays as it is. */
const rootedUrl = (url: string) => url.replace(/^(?!\/)(?!\w+:)/, '/');

function question<K extends keyof Answers>(name: K, spec: NoInfer<Omit<Question<K>, 'name'>>): Question<K> {
  return { name, ...spec };
}

export const QUESTIONS = [
  question('projectName', {
    option: 'project-name',
    kind: 'string',
    message: 'Compose project name',
    detect: (facts) => facts.projectName.value,
    validate: validate.projectName,
  }),
  question('settingsModule', {
    option: 'settings-module',
    kind: 'string',
    message: 'Django settings module to build on',
    detect: (facts) => facts.settingsModule.value,
    validate: validate.settingsModule,
    choices: (facts) => facts.settingsCandidates,
  }),
  question('appServer', {
    option: 'app-server',
    kind: 'string',
    message: 'App server: gunicorn (WSGI, sync workers), uvicorn (ASGI: gunicorn with uvicorn workers) or daphne (ASGI)',
    detect: (facts) => defaultAppServer(facts),
    validate: (value) =>
      (APP_SERVERS as readonly (string | undefined)[]).includes(value)
        ? undefined
        : (ASGI_SERVERS as readonly (string | undefined)[]).includes(value)
          ? `${value} is not run by this generator (no test image has it, so it could not be proven): use uvicorn (gunicorn with uvicorn workers) or daphne, which serve the same ASGI application (docs/asgi.md)`
          : `"${value}" is not one of ${APP_SERVERS.join(', ')}`,
    choices: () => [...APP_SERVERS],
    // Only an ASGI project is asked: a WSGI one keeps gunicorn, and its stored answers stay as they were.
    when: (_earlier, facts) => facts.asgi !== undefined,
  }),
  question('wsgiApplication', {
    option: 'wsgi-application',
    kind: 'string',
    message: 'WSGI application',
    detect: (facts) => facts.wsgiApplication?.value,
    validate: validate.wsgiApplication,
    when: (earlier) => !asgiServer(earlier),
  }),
  question('asgiApplication', {
    option: 'asgi-application',
    kind: 'string',
    message: 'ASGI application',
    detect: (facts) => facts.asgi?.application?.value,
    validate: validate.asgiApplication,
    when: asgiServer,
  }),
  question('websocketPaths', {
    option: 'websocket-paths',
    kind: 'list',
    message: 'URL prefixes of websocket routes, comma-separated (nginx proxies them with Upgrade headers; empty for none)',
    detect: (facts) => facts.asgi?.websocketPaths.map((prefix) => prefix.value) ?? [],
    validate: (paths) => paths.map(validate.urlPath('a websocket prefix', '/ws/')).find(Boolean),
    when: asgiServer,
  }),
  question('pythonVersion', {
    option: 'python-version',
    kind: 'string',
    message: 'Python version',
    detect: (facts) => facts.pythonVersion?.value ?? DEFAULT_PYTHON,
    validate: validate.pythonVersion,
  }),
  question('dependencies', {
    option: 'dependencies',
    kind: 'string',
    message: 'Dependency file to install from',
    detect: (facts) => facts.dependencies?.value.file,
    undetected: (facts) => facts.dependencyProblem,
    validate: (value) => (value ? dependencyFileProblem(value) : 'name a dependency file (requirements.txt, pyproject.toml, poetry.lock, uv.lock, pdm.lock or Pipfile.lock)'),
    choices: (facts) => facts.dependencyCandidates.map((spec) => spec.file),
  }),
  question('dependencyGroups', {
    option: 'dependency-groups',
    kind: 'string',
    message: 'Dependency groups to install (comma-separated, or none)',
    detect: (facts, earlier) => {
      const file = chosenDependencyFile(facts, earlier);
      return file ? defaultGroupsAnswer(file, serverPackages(earlier)) : undefined;
    },
    validate: (value) => (GROUP_LIST.test(value) ? undefined : `"${value}" is not a comma-separated list of group names, or none`),
    when: (earlier, facts) => Boolean(chosenDependencyFile(facts, earlier)?.groups?.length),
    notAsked: (value, facts, earlier) => namesNotIn('dependency-groups', value, facts, earlier),
  }),
  question('dependencyExtras', {
    option: 'dependency-extras',
    kind: 'string',
    message: "The project's optional extras to install (comma-separated, or none)",
    detect: (facts, earlier) => {
      const file = chosenDependencyFile(facts, earlier);
      return file ? defaultExtrasAnswer(file, serverPackages(earlier)) : undefined;
    },
    validate: (value) => (GROUP_LIST.test(value) ? undefined : `"${value}" is not a comma-separated list of extra names, or none`),
    when: (earlier, facts) => Boolean(chosenDependencyFile(facts, earlier)?.extras?.length),
    notAsked: (value, facts, earlier) => namesNotIn('dependency-extras', value, facts, earlier),
  }),
  // Before the database: Swarm's replicas cannot share a SQLite file, so the target changes that default.
  question('target', {
    option: 'target',
    kind: 'string',
    message: 'Deploy target: compose (one host) or swarm (Docker Swarm: replicas, rolling updates; compose.yaml is still written)',
    detect: () => 'compose',
    validate: (value) => ((TARGET_CHOICES as readonly (string | undefined)[]).includes(value) ? undefined : `"${value}" is not one of ${TARGET_CHOICES.join(', ')}`),
    choices: () => [...TARGET_CHOICES],
  }),
  question('database', {
    option: 'database',
    kind: 'string',
    message: 'Database: sqlite (a file in a volume), postgres (a PostgreSQL service in the stack) or external (DATABASE_URL in .env)',
    detect: (facts, earlier) => (earlier.target === 'swarm' && defaultDatabase(facts) === 'sqlite' ? 'postgres' : defaultDatabase(facts)),
    undetected: (facts) => ('conflict' in facts.databaseDecision ? facts.databaseDecision.conflict : undefined),
    validate: (value, earlier) =>
      (DATABASE_CHOICES as readonly (string | undefined)[]).includes(value) ? validate.databaseOnTarget(value, earlier) : `"${value}" is not one of ${DATABASE_CHOICES.join(', ')}`,
    choices: () => [...DATABASE_CHOICES],
  }),
  question('remoteStatic', {
    option: 'remote-static',
    kind: 'string',
    message: "Your production settings serve static files from object storage or a CDN. Serve them from this stack's volume instead (volume), or stop (stop)?",
    // The safe default: a stack that works on its own, and nothing uploaded anywhere.
    detect: () => 'volume',
    validate: (value) => ((REMOTE_STATIC_CHOICES as readonly (string | undefined)[]).includes(value) ? undefined : `"${value}" is not one of ${REMOTE_STATIC_CHOICES.join(', ')}`),
    choices: () => [...REMOTE_STATIC_CHOICES],
    when: (_earlier, facts) => facts.remoteStatic !== undefined,
  }),
  question('staticUrl', {
    option: 'static-url',
    kind: 'string',
    message: 'STATIC_URL (the URL prefix nginx serves static files under)',
    // With remote static files, the path part of their URL (or Django's usual /static/) is served from the volume.
    detect: (facts) => (facts.staticUrl ? rootedUrl(facts.staticUrl.value) : facts.remoteStatic ? (facts.remoteStatic.path ?? DEFAULTS.staticUrl) : undefined),
    validate: validate.urlPath('STATIC_URL', DEFAULTS.staticUrl),
  }),
  question('staticfilesDirs', {
    option: 'staticfiles-dirs',
    kind: 'list',
    message: 'STATICFILES_DIRS, project-relative, comma-separated (empty keeps your settings)',
    detect: (facts) => facts.staticfilesDirs.value.filter((dir) => !dir.startsWith('/') && !dir.startsWith('..')),
    validate: (dirs) => dirs.map(validate.projectRelativeDir).find(Boolean),
  }),
  question('media', {
    option: 'media',
    kind: 'boolean',
    message: 'Serve user uploads (MEDIA_URL) from a second volume?',
    // With object storage for static files and a MEDIA_URL that is not a plain path, uploads live there too.
    detect: (facts) => Boolean(facts.mediaUrl || (facts.mediaRoot && !facts.remoteStatic)),
    validate: () => undefined,
  }),
  question('mediaUrl', {
    option: 'media-url',
    kind: 'string',
    message: 'MEDIA_URL',
    detect: (facts) => (facts.mediaUrl ? rootedUrl(facts.mediaUrl.value) : DEFAULTS.mediaUrl),
    validate: (value, earlier) => {
      const invalid = validate.urlPath('MEDIA_URL', DEFAULTS.mediaUrl)(value);
      if (invalid) return invalid;
      const staticUrl = earlier.staticUrl;
      if (staticUrl && (value.startsWith(staticUrl) || staticUrl.startsWith(value))) {
        return `MEDIA_URL "${value}" overlaps STATIC_URL "${staticUrl}"; uploads and static files need separate prefixes`;
      }
      return undefined;
    },
    when: (earlier) => earlier.media === true,
  }),
  question('port', {
    option: 'port',
    kind: 'number',
    message: 'Public HTTP port',
    detect: () => DEFAULTS.port,
    validate: validate.port,
  }),
  question('bind', {
    option: 'bind',
    kind: 'string',
    message: 'Bind address for the public port (0.0.0.0 for every interface)',
    detect: () => DEFAULTS.bind,
    validate: validate.bindAddress,
  }),
  question('serverNames', {
    option: 'server-names',
    kind: 'list',
    message: 'Server names (domains), comma-separated: nginx server_name, ALLOWED_HOSTS, CSRF_TRUSTED_ORIGINS',
    detect: () => [...DEFAULTS.serverNames],
    validate: validate.serverNames,
  }),
  question('tls', {
    option: 'tls',
    kind: 'string',
    message: "HTTPS: off, acme (certificates from Let's Encrypt or another ACME CA, renewed automatically) or files (your own certificate and key)",
    // Plain HTTP stays the default: acme needs DNS pointing here and port 80 open, which only the user knows.
    detect: () => 'off',
    // The names come first: a local name makes acme impossible, before any acme option is asked for.
    validate: (value, earlier) =>
      !(TLS_CHOICES as readonly (string | undefined)[]).includes(value)
        ? `"${value}" is not one of ${TLS_CHOICES.join(', ')}`
        : (validate.tlsOnTarget(value, earlier) ?? (value === 'acme' ? acmeNamesProblem(earlier.serverNames ?? []) : undefined)),
    choices: () => [...TLS_CHOICES],
    // A localhost-only stack is a developer's: asked only when a server name is a real domain.
    prompt: (earlier) => hasPublicName(earlier.serverNames ?? []),
  }),
  question('httpsPort', {
    option: 'https-port',
    kind: 'number',
    message: 'Public HTTPS port (--port stays the HTTP one: the ACME challenge and the redirect)',
    detect: (_facts, earlier) => (hasPublicName(earlier.serverNames ?? []) ? DEFAULTS.httpsPort : DEFAULTS.localHttpsPort),
    validate: (value, earlier) => validate.port(value) ?? (value === earlier.port ? `--https-port ${value} is also --port: HTTP and HTTPS need a port each` : undefined),
    when: tlsOn,
  }),
  question('acmeEmail', {
    option: 'acme-email',
    kind: 'string',
    message: "E-mail address for the ACME account (the CA's notices about it)",
    detect: () => undefined,
    undetected: () => 'an ACME account needs an e-mail address; pass --acme-email',
    validate: validate.email,
    when: (earlier) => earlier.tls === 'acme',
  }),
  question('acmeStaging', {
    option: 'acme-staging',
    kind: 'boolean',
    message: "Use Let's Encrypt's staging CA (untrusted certificates, generous rate limits: for a first try)?",
    detect: () => false,
    validate: () => undefined,
    when: (earlier) => earlier.tls === 'acme',
  }),
  question('acmeServer', {
    option: 'acme-server',
    kind: 'string',
    message: "ACME directory URL (empty: Let's Encrypt)",
    detect: () => '',
    validate: (value, earlier) =>
      value === '' ? undefined : (validate.httpsUrl(value) ?? (earlier.acmeStaging ? `--acme-staging picks Let's Encrypt's staging CA; it does not go with --acme-server ${value}` : undefined)),
    when: (earlier) => earlier.tls === 'acme',
  }),
  question('acmeCa', {
    option: 'acme-ca',
    kind: 'string',
    message: 'PEM file in the project with the CA of a private ACME server (step-ca, pebble), trusted by the ACME client and the check (empty: the system store)',
    detect: () => '',
    validate: (value) => (value === '' ? undefined : validate.projectRelativeDir(value)),
    when: (earlier) => earlier.tls === 'acme',
  }),
  question('tlsCert', {
    option: 'tls-cert',
    kind: 'string',
    message: 'Certificate file (PEM, the chain after it), mounted read-only into nginx',
    detect: () => undefined,
    undetected: () => '--tls files needs the certificate; pass --tls-cert',
    validate: validate.hostFile('--tls-cert'),
    when: (earlier) => earlier.tls === 'files',
  }),
  question('tlsKey', {
    option: 'tls-key',
    kind: 'string',
    message: 'Private key file (PEM), mounted read-only into nginx',
    detect: () => undefined,
    undetected: () => '--tls files needs the private key; pass --tls-key',
    validate: validate.hostFile('--tls-key'),
    when: (earlier) => earlier.tls === 'files',
  }),
  question('hsts', {
    option: 'hsts',
    kind: 'boolean',
    message: 'Send HSTS (browsers then refuse plain HTTP for this site for max-age seconds)?',
    detect: () => false,
    validate: () => undefined,
    when: tlsOn,
  }),
  question('hstsMaxAge', {
    option: 'hsts-max-age',
    kind: 'number',
    message: 'HSTS max-age in seconds (start short; a year, 31536000, once HTTPS is proven)',
    detect: () => DEFAULTS.hstsMaxAge,
    validate: (value) => (Number.isInteger(value) && value >= 0 && value <= 63072000 ? undefined : `HSTS max-age "${value}" must be a whole number of seconds from 0 to 63072000 (two years)`),
    when: (earlier) => tlsOn(earlier) && earlier.hsts === true,
  }),
  question('replicas', {
    option: 'replicas',
    kind: 'number',
    message: 'App replicas (Swarm)',
    detect: () => DEFAULTS.replicas,
    validate: validate.replicas,
    when: onSwarm,
  }),
  question('imageRepository', {
    option: 'image-repository',
    kind: 'string',
    message: 'Image repository swarm.sh pushes to (<registry>/<path>; images <repository>/app:<tag> and <repository>/static:<tag>)',
    detect: (_facts, earlier) => DEFAULTS.imageRepository(earlier.projectName!),
    validate: validate.imageRepository,
    when: onSwarm,
  }),
  question('swarmPorts', {
    option: 'swarm-ports',
    kind: 'string',
    message: "nginx's published port in Swarm: host (each node binds it on every interface; keeps client addresses) or ingress (the routing mesh; needs IPVS)",
    detect: () => 'host',
    validate: (value) => ((SWARM_PORTS_CHOICES as readonly (string | undefined)[]).includes(value) ? undefined : `"${value}" is not one of ${SWARM_PORTS_CHOICES.join(', ')}`),
    choices: () => [...SWARM_PORTS_CHOICES],
    when: onSwarm,
  }),
  question('keepReleases', {
    option: 'keep-releases',
    kind: 'number',
    message: 'Earlier releases whose hashed static files stay served beside the current ones (asset bridging; 0 keeps only the current)',
    detect: () => DEFAULTS.keepReleases,
    validate: validate.keepReleases,
    // An option, never a prompt: the default suits almost every site.
    prompt: () => false,
  }),
  question('workers', {
    option: 'workers',
    kind: 'string',
    message: 'gunicorn workers ("auto" = 2 × CPUs + 1; WEB_CONCURRENCY overrides at run time)',
    detect: () => DEFAULTS.workers,
    validate: validate.workers,
  }),
  question('appMemory', {
    option: 'app-memory',
    kind: 'string',
    message: 'Memory limit of the app container ("auto" = 128m + 96m per gunicorn worker; or a size like 768m)',
    detect: () => DEFAULTS.appMemory,
    validate: validate.appMemory,
  }),
  question('clientMaxBodySize', {
    option: 'client-max-body-size',
    kind: 'string',
    message: 'nginx client_max_body_size (largest upload)',
    detect: () => DEFAULTS.clientMaxBodySize,
    validate: validate.bodySize,
  }),
  question('pythonImage', {
    option: 'python-image',
    kind: 'string',
    message: 'Python base image',
    detect: (_facts, earlier) => DEFAULTS.pythonImage(earlier.pythonVersion ?? DEFAULT_PYTHON),
    validate: validate.imageReference,
  }),
  question('nginxImage', {
    option: 'nginx-image',
    kind: 'string',
    message: 'nginx image',
    detect: () => DEFAULTS.nginxImage,
    validate: validate.imageReference,
  }),
  question('celeryApp', {
    option: 'celery-app',
    kind: 'string',
    message: 'Celery app for the workers (celery -A module:attribute), or none for no Celery services',
    // celery is a dependency but no app was found: no Celery services unless --celery-app names one.
    detect: (facts) => (facts.processes?.celery ? (facts.processes.celery.app?.value ?? 'none') : undefined),
    validate: (value) => (value === 'none' || /^[A-Za-z_][\w.]*(:[A-Za-z_]\w*)?$/.test(value) ? undefined : `"${value}" is not a module:attribute (mysite.celery:app) or none`),
    when: (_earlier, facts) => Boolean(facts.processes?.celery),
  }),
  question('celeryQueues', {
    option: 'celery-queues',
    kind: 'list',
    message: 'Celery queues, comma-separated: a worker service each',
    detect: (facts) => facts.processes?.celery?.queues.value,
    validate: (value) => (value.length ? queueNames(value) : "name at least one queue (Celery's default is celery)"),
    when: runsCelery,
  }),
  question('celeryBeat', {
    option: 'celery-beat',
    kind: 'boolean',
    message: 'Run Celery beat (one scheduler, never scaled)?',
    detect: (facts) => Boolean(facts.processes?.celery?.beatSchedule || facts.processes?.celery?.databaseScheduler),
    validate: () => undefined,
    when: runsCelery,
  }),
  question('rqQueues', {
    option: 'rq-queues',
    kind: 'list',
    message: 'RQ queues, comma-separated: an rqworker service each (empty: none)',
    detect: (facts) => facts.processes?.rq?.queues.value,
    validate: queueNames,
    when: (_earlier, facts) => Boolean(facts.processes?.rq),
  }),
  question('procfileProcesses', {
    option: 'procfile-processes',
    kind: 'list',
    message: 'Procfile processes to run as services, comma-separated (web is the app; empty: none)',
    detect: (facts) => procfileExtras(facts).map((process) => process.name),
    validate: (value) => queueNames(value),
    when: (_earlier, facts) => procfileExtras(facts).length > 0,
  }),
  question('procfileRelease', {
    option: 'procfile-release',
    kind: 'boolean',
    message: "Run the Procfile's release command as a one-shot after migrate, before the app starts?",
    detect: () => true,
    validate: () => undefined,
    when: (_earlier, facts) => Boolean(facts.processes?.procfile?.value.some((process) => process.name === 'release')),
  }),
  question('broker', {
    option: 'broker',
    kind: 'string',
    message: 'Broker for the workers: redis (a Redis service in the stack) or external (the URL your settings read, set in .env)',
    // A RabbitMQ URL in the settings: the project brings its broker.
    detect: (facts) => (['amqp', 'amqps', 'pyamqp'].includes(facts.processes?.celery?.broker?.value.url?.split('://')[0] ?? '') ? 'external' : 'redis'),
    validate: oneOf(BROKER_CHOICES),
    choices: () => [...BROKER_CHOICES],
    when: (earlier, facts) => runsCelery(earlier, facts) || runsRq(earlier),
  }),
  question('redisPersistence', {
    option: 'redis-persistence',
    kind: 'boolean',
    message: "Keep Redis's data in a volume (queued tasks survive a restart)?",
    detect: () => false,
    validate: () => undefined,
    when: (earlier) => earlier.broker === 'redis',
  }),
  question('workerMemory', {
    option: 'worker-memory',
    kind: 'string',
    message: 'Memory limit of each worker container (a size like 512m)',
    detect: () => '512m',
    validate: validate.workerMemory,
    when: (earlier, facts) => runsCelery(earlier, facts) || runsRq(earlier) || (earlier.procfileProcesses?.length ?? 0) > 0,
  }),
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own K; any K is the point here
] as const satisfies readonly Question<any>[];

/** A name only this machine answers to: ACME cannot validate it, and nobody else can reach it. */
export function isLocalName(name: string): boolean {
  const bare = name.replace(/^\./, '').toLowerCase();
  return bare === 'localhost' || bare.endsWith('.localhost') || /^[\d.]+$/.test(bare);
}

export const hasPublicName = (names: string[]) => names.some((name) => !isLocalName(name));

/** http-01 proves control of one exact name reachable from the internet: no wildcards, no local names. */
export function acmeNamesProblem(names: string[]): string | undefined {
  const wildcard = names.find((name) => name.startsWith('.'));
  if (wildcard) return `acme validates each server name over http-01, which cannot issue "${wildcard}" (a wildcard); list the names, or use --tls files with a wildcard certificate`;
  const local = names.find(isLocalName);
  if (local) return `acme cannot get a certificate for "${local}": a CA only issues for public domain names (use --tls files with your own certificate for it)`;
  return undefined;
}

/** Turns a raw CLI or prompt string into the answer's type; returns a reason when it can't. */
export function parseRaw(questionKind: Kind, raw: unknown): { value: unknown } | { error: string } {
  switch (questionKind) {
    case 'number': {
      const number = typeof raw === 'number' ? raw : Number(String(raw).trim());
      return Number.isFinite(number) && String(raw).trim() !== '' ? { value: number } : { error: `"${String(raw)}" is not a number` };
    }
    case 'boolean': {
      if (typeof raw === 'boolean') return { value: raw };
      const text = String(raw).toLowerCase();
      if (['true', 'yes', 'y', '1', 'on'].includes(text)) return { value: true };
      if (['false', 'no', 'n', '0', 'off'].includes(text)) return { value: false };
      return { error: `"${String(raw)}" is not yes or no` };
    }
    case 'list':
      return {
        value: (Array.isArray(raw) ? raw.map(String) : String(raw).split(',')).map((item) => item.trim()).filter(Boolean),
      };
    case 'string':
      return { value: String(raw).trim() };
  }
}
