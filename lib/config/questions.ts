/**
 * The questions, in one table: each is a prompt, a CLI option and a stored answer, with a
 * default detected from the project (or taken from the stored answers on regeneration).
 */
import { dependencyFileProblem } from '../detect/dependencies/manifests.js';
import { DEFAULT_PYTHON } from '../detect/dependencies/python-version.js';
import type { ProjectFacts } from '../detect/project.js';
import * as validate from './validators.js';
import IMAGES from './images.json' with { type: 'json' };

export interface Answers {
  projectName: string;
  settingsModule: string;
  wsgiApplication: string;
  pythonVersion: string;
  dependencies: string;
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
  workers: string;
  /** The app container's memory bound: "auto" derives it from the workers. */
  appMemory: string;
  clientMaxBodySize: string;
  pythonImage: string;
  nginxImage: string;
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
  pythonImage: (version: string) => IMAGES.python.replace('{version}', version),
} as const;

type Kind = 'string' | 'number' | 'boolean' | 'list';

/** sqlite: a file in the data volume; postgres: a db service in the stack; external: DATABASE_URL from .env. */
export const DATABASE_CHOICES = ['sqlite', 'postgres', 'external'] as const;
export type DatabaseChoice = (typeof DATABASE_CHOICES)[number];

/**
 * The settings' own database, kept where the stack can: PostgreSQL settings get a PostgreSQL
 * service, a database URL stays a URL (external), everything else gets SQLite in a volume.
 */
export function defaultDatabase(facts: ProjectFacts): DatabaseChoice {
  const database = facts.database?.value;
  // A URL read from the environment (DATABASE_URL) names a database managed apart from the app.
  if (database?.form === 'url' && database.variable) return 'external';
  if (database?.engine === 'postgresql') return 'postgres';
  return 'sqlite';
}

/** volume: serve static files from this stack's volume anyway (the overlay switches the storage); stop: generate nothing. */
export const REMOTE_STATIC_CHOICES = ['volume', 'stop'] as const;
export type RemoteStaticChoice = (typeof REMOTE_STATIC_CHOICES)[number];

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
  validate: (value: Answers[K], earlier: Partial<Answers>) => string | undefined;
  choices?: (facts: ProjectFacts) => string[];
  /** Only asked when this holds. */
  when?: (earlier: Partial<Answers>, facts: ProjectFacts) => boolean;
}

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
  question('wsgiApplication', {
    option: 'wsgi-application',
    kind: 'string',
    message: 'WSGI application',
    detect: (facts) => facts.wsgiApplication?.value,
    validate: validate.wsgiApplication,
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
    validate: (value) => (value ? dependencyFileProblem(value) : 'name a dependency file (requirements.txt, pyproject.toml, poetry.lock, uv.lock or Pipfile.lock)'),
    choices: (facts) => facts.dependencyCandidates.map((spec) => spec.file),
  }),
  question('database', {
    option: 'database',
    kind: 'string',
    message: 'Database: sqlite (a file in a volume), postgres (a PostgreSQL service in the stack) or external (DATABASE_URL in .env)',
    detect: (facts) => defaultDatabase(facts),
    validate: (value) =>
      (DATABASE_CHOICES as readonly (string | undefined)[]).includes(value) ? undefined : `"${value}" is not one of ${DATABASE_CHOICES.join(', ')}`,
    choices: () => [...DATABASE_CHOICES],
  }),
  question('remoteStatic', {
    option: 'remote-static',
    kind: 'string',
    message: 'Your production settings serve static files from object storage or a CDN. Serve them from this stack\'s volume instead (volume), or stop (stop)?',
    // The safe default: a stack that works on its own, and nothing uploaded anywhere.
    detect: () => 'volume',
    validate: (value) =>
      (REMOTE_STATIC_CHOICES as readonly (string | undefined)[]).includes(value) ? undefined : `"${value}" is not one of ${REMOTE_STATIC_CHOICES.join(', ')}`,
    choices: () => [...REMOTE_STATIC_CHOICES],
    when: (_earlier, facts) => facts.remoteStatic !== undefined,
  }),
  question('staticUrl', {
    option: 'static-url',
    kind: 'string',
    message: 'STATIC_URL (the URL prefix nginx serves static files under)',
    // With remote static files, the path part of their URL (or Django's usual /static/) is served from the volume.
    detect: (facts) => (facts.staticUrl ? rootedUrl(facts.staticUrl.value) : facts.remoteStatic ? (facts.remoteStatic.path ?? DEFAULTS.staticUrl) : undefined),
    validate: validate.urlPath('STATIC_URL'),
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
      const invalid = validate.urlPath('MEDIA_URL')(value);
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
] as const satisfies readonly Question<any>[];

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
        value: (Array.isArray(raw) ? raw.map(String) : String(raw).split(','))
          .map((item) => item.trim())
          .filter(Boolean),
      };
    case 'string':
      return { value: String(raw).trim() };
  }
}
