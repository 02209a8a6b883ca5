/**
 * The questions, in one table: each is a prompt, a CLI option and a stored answer, with a
 * default detected from the project (or taken from the stored answers on regeneration).
 */
import { DEFAULT_PYTHON } from '../detect/dependencies.js';
import type { ProjectFacts } from '../detect/project.js';
import * as validate from './validators.js';

export interface Answers {
  projectName: string;
  settingsModule: string;
  wsgiApplication: string;
  pythonVersion: string;
  dependencies: string;
  staticUrl: string;
  staticfilesDirs: string[];
  media: boolean;
  mediaUrl: string;
  port: number;
  bind: string;
  serverNames: string[];
  workers: string;
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
  clientMaxBodySize: '10m',
  nginxImage: 'nginx:1.27-alpine',
  pythonImage: (version: string) => `python:${version}-slim`,
} as const;

type Kind = 'string' | 'number' | 'boolean' | 'list';

export interface Question<K extends keyof Answers = keyof Answers> {
  name: K;
  /** CLI option, kebab-case. */
  option: string;
  kind: Kind;
  message: string;
  /** Default from the project (and earlier answers in this run). */
  detect: (facts: ProjectFacts, earlier: Partial<Answers>) => Answers[K] | undefined;
  validate: (value: Answers[K], earlier: Partial<Answers>) => string | undefined;
  choices?: (facts: ProjectFacts) => string[];
  /** Only asked when this holds. */
  when?: (earlier: Partial<Answers>) => boolean;
}

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
    validate: (value) => (value ? undefined : 'name a dependency file (requirements.txt, pyproject.toml, poetry.lock, uv.lock or Pipfile.lock)'),
    choices: (facts) => facts.dependencyCandidates.map((spec) => spec.file),
  }),
  question('staticUrl', {
    option: 'static-url',
    kind: 'string',
    message: 'STATIC_URL (the URL prefix nginx serves static files under)',
    detect: (facts) => facts.staticUrl?.value.replace(/^(?!\/)(?!\w+:)/, '/'),
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
    detect: (facts) => Boolean(facts.mediaUrl || facts.mediaRoot),
    validate: () => undefined,
  }),
  question('mediaUrl', {
    option: 'media-url',
    kind: 'string',
    message: 'MEDIA_URL',
    detect: (facts) => facts.mediaUrl?.value,
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
