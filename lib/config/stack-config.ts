/**
 * StackConfig: the single, validated description of the stack. Every path, URL, port and
 * name the generated files use is decided here once; renderers only read it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { dependencyFor, filesToCopy, mentionsPackage, type DependencySpec } from '../detect/dependencies.js';
import type { ProjectFacts } from '../detect/project.js';
import { moduleFile } from '../detect/settings.js';
import { QUESTIONS, type Answers } from './questions.js';

export interface Location {
  /** URL prefix, with leading and trailing slash (STATIC_URL / MEDIA_URL). */
  url: string;
  /** Named volume holding the files. */
  volume: string;
  /** Where the app containers mount the volume: STATIC_ROOT / MEDIA_ROOT in the settings overlay. */
  appDir: string;
  /** Where nginx mounts the volume: its docroot plus the URL, so `root` maps URL to file 1:1. */
  nginxDir: string;
}

export interface StackConfig {
  projectName: string;
  /** The user's settings module the overlay imports from. */
  settingsModule: string;
  /** The generated overlay module (DJANGO_SETTINGS_MODULE inside the stack) and its file. */
  overlayModule: string;
  overlayFile: string;
  /** gunicorn's module:variable form of WSGI_APPLICATION. */
  wsgiApp: string;
  pythonVersion: string;
  pythonImage: string;
  nginxImage: string;
  dependencies: DependencySpec & { copy: string[]; installGunicorn: boolean };
  /** Folders for STATICFILES_DIRS when the answer differs from the settings; undefined keeps the settings. */
  staticfilesDirs?: string[];
  appDir: string;
  nginxDocroot: string;
  static: Location;
  media?: Location;
  http: {
    port: number;
    bind: string;
    serverNames: string[];
    /** Host header Django accepts, for healthchecks and probes. */
    probeHost: string;
    allowedHosts: string[];
    csrfTrustedOrigins: string[];
    clientMaxBodySize: string;
  };
  gunicorn: {
    port: number;
    workers: 'auto' | number;
    timeout: number;
    gracefulTimeout: number;
  };
  /** A file collectstatic is sure to produce, for probes (admin's CSS when admin is installed). */
  probeStaticFile?: string;
  /** Project folders that hold collected files or uploads locally (detected STATIC_ROOT/MEDIA_ROOT): never in the image. */
  localDataDirs: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: { field: string; message: string }[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

const APP_DIR = '/app';
const NGINX_DOCROOT = '/srv/www';
const GUNICORN = { port: 8000, timeout: 30, gracefulTimeout: 30 } as const;

/** Checks every answer, then derives the whole stack. Throws ConfigError listing every problem. */
export function buildStackConfig(answers: Answers, facts: ProjectFacts): StackConfig {
  const problems: { field: string; message: string }[] = [];
  const report = (field: string, message: string | undefined) => message && problems.push({ field, message });

  for (const q of QUESTIONS) {
    if (q.when && !q.when(answers)) continue;
    report(q.option, (q.validate as (value: unknown, earlier: Partial<Answers>) => string | undefined)(answers[q.name], answers));
  }
  if (problems.length) throw new ConfigError(problems);

  // Checks against the project on disk.
  if (!moduleFile(facts.root, answers.settingsModule)) {
    report('settings-module', `${answers.settingsModule} has no file ${answers.settingsModule.replaceAll('.', '/')}.py in the project`);
  }
  const wsgiModule = answers.wsgiApplication.replace(/[.:]\w+$/, '');
  if (!moduleFile(facts.root, wsgiModule)) report('wsgi-application', `${wsgiModule} has no file ${wsgiModule.replaceAll('.', '/')}.py in the project`);

  let dependencies: DependencySpec | undefined;
  try {
    dependencies = dependencyFor(answers.dependencies);
    if (!fs.existsSync(path.join(facts.root, answers.dependencies))) report('dependencies', `${answers.dependencies} does not exist in the project`);
  } catch (error) {
    report('dependencies', (error as Error).message);
  }
  if (dependencies?.manager === 'pip-pyproject' && Number(answers.pythonVersion.split('.')[1]) < 11) {
    report('python-version', `installing from pyproject.toml reads it with tomllib, which needs Python 3.11 or later (not ${answers.pythonVersion}); choose 3.11+ or a requirements file`);
  }
  for (const dir of answers.staticfilesDirs) {
    if (!fs.existsSync(path.join(facts.root, dir))) report('staticfiles-dirs', `${dir} does not exist in the project`);
  }
  if (problems.length || !dependencies) throw new ConfigError(problems);

  const location = (url: string, volume: string, appDir: string): Location => ({
    url,
    volume,
    appDir,
    nginxDir: NGINX_DOCROOT + url.replace(/\/$/, ''),
  });
  const overlay = overlayFor(answers.settingsModule);
  const detectedDirs = facts.staticfilesDirs.value;
  const dirsChanged = answers.staticfilesDirs.length > 0 && answers.staticfilesDirs.join('\n') !== detectedDirs.join('\n');

  return {
    projectName: answers.projectName,
    settingsModule: answers.settingsModule,
    overlayModule: overlay.module,
    overlayFile: overlay.file,
    wsgiApp: answers.wsgiApplication.replace(/[.:](\w+)$/, ':$1'),
    pythonVersion: answers.pythonVersion,
    pythonImage: answers.pythonImage,
    nginxImage: answers.nginxImage,
    dependencies: {
      ...dependencies,
      copy: filesToCopy(facts.root, dependencies),
      installGunicorn: !mentionsPackage(facts.root, dependencies, 'gunicorn'),
    },
    staticfilesDirs: dirsChanged ? answers.staticfilesDirs : undefined,
    appDir: APP_DIR,
    nginxDocroot: NGINX_DOCROOT,
    static: location(answers.staticUrl, 'static', '/srv/django/static'),
    media: answers.media ? location(answers.mediaUrl, 'media', '/srv/django/media') : undefined,
    http: {
      port: answers.port,
      bind: answers.bind,
      serverNames: answers.serverNames,
      probeHost: answers.serverNames[0]!.replace(/^\./, ''),
      allowedHosts: answers.serverNames,
      csrfTrustedOrigins: csrfOrigins(answers.serverNames, answers.port),
      clientMaxBodySize: answers.clientMaxBodySize,
    },
    gunicorn: { ...GUNICORN, workers: answers.workers === 'auto' ? 'auto' : Number(answers.workers) },
    probeStaticFile: facts.admin ? 'admin/css/base.css' : undefined,
    localDataDirs: [...new Set(['staticfiles', ...(answers.media ? ['media'] : []), ...[facts.staticRoot, facts.mediaRoot].flatMap((found) => insideProject(found?.value))])].sort(),
  };
}

/** A detected project-relative folder, or nothing for absolute paths, paths above the project and unreadable values. */
function insideProject(dir: string | undefined): string[] {
  if (!dir || dir.startsWith('/') || dir.startsWith('(') || dir === '' || dir.split('/').includes('..')) return [];
  return [dir.replace(/\/$/, '')];
}

/**
 * The overlay sits beside the user's settings: mysite.settings -> mysite.settings_docker;
 * for a settings package (config.settings.production) beside the package: config.settings_docker.
 */
export function overlayFor(settingsModule: string): { module: string; file: string } {
  const parts = settingsModule.split('.');
  const settingsIndex = parts.lastIndexOf('settings');
  const parent = settingsIndex >= 0 ? parts.slice(0, settingsIndex) : parts.slice(0, -1);
  const module = [...parent, 'settings_docker'].join('.');
  return { module, file: `${module.replaceAll('.', '/')}.py` };
}

/** Django 4+ wants scheme and port in CSRF_TRUSTED_ORIGINS; a leading dot becomes a wildcard. */
function csrfOrigins(serverNames: string[], port: number): string[] {
  return serverNames.flatMap((name) => {
    const host = name.startsWith('.') ? `*${name}` : name;
    return [port === 80 ? `http://${host}` : `http://${host}:${port}`, `https://${host}`];
  });
}
