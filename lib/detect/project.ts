/**
 * Reads a Django project from disk (as text, never importing it) into ProjectFacts: every
 * value the questions need a default for, each with the file and line it came from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { read } from '../read-text.js';
import { detectAsgi, type AsgiFacts } from './asgi.js';
import { withDefaults } from './dependencies/groups.js';
import { detectDependencies, type DependencyFacts, type DependencySpec } from './dependencies/manifests.js';
import { djangoVersion, isRuntimeDependency, postgresDriver, type PostgresDriver } from './dependencies/packages.js';
import { detectDatabase, type DatabaseFacts } from './database.js';
import { databaseIndications, decideDatabase, type DatabaseDecision } from './database-choice.js';
import { detectPythonVersion } from './dependencies/python-version.js';
import { branchWhenUnset, describe, describeCondition, writtenText, type TextPart, type Value } from './evaluate.js';
import { where, type Found } from './found.js';
import { settingsModuleInConfig, settingsModuleInPython } from './settings-module.js';
import { detectProcesses, type ProcessFacts } from './processes.js';
import { nodeBuildWarning } from './node-build.js';
import { internalMedia } from './private-media.js';
import { locateModule, moduleFile, readSettings, type ImportWrite, type RequiredEnv, type Setting } from './settings.js';
import { projectFiles } from './project-files.js';
import { djangoConfigurations, geoDjango, type UnsupportedShape } from './unsupported.js';

export interface ProjectFacts {
  root: string;
  projectName: Found<string>;
  /** The settings module to build on, and the others that could be meant. */
  settingsModule: Found<string>;
  settingsCandidates: string[];
  settingsFiles: string[];
  wsgiApplication?: Found<string>;
  /** Set when the project is an ASGI one (ASGI_APPLICATION, Channels, or only an asgi module): what it serves and routes. */
  asgi?: AsgiFacts;
  pythonVersion?: Found<string>;
  dependencies?: Found<DependencySpec>;
  /** Every dependency file found, read: what the Dockerfile copies and installs from each. */
  dependencyCandidates: DependencyFacts[];
  /** Why no dependency file could be chosen, when the project has dependencies (e.g. Poetry without poetry.lock). */
  dependencyProblem?: string;
  djangoVersion?: Found<string>;
  hasGunicorn: boolean;
  /** DATABASES["default"]: its engine, NAME, and the environment variable it is read from. */
  database?: Found<DatabaseFacts>;
  /** The PostgreSQL driver among the runtime dependencies (psycopg, psycopg2 and their binary builds). */
  postgresDriver?: Found<PostgresDriver>;
  /** The database the stack should run, and why when the settings did not name it plainly (or the indications that disagree). */
  databaseDecision: DatabaseDecision;
  /** django-compressor with COMPRESS_OFFLINE on: `manage.py compress` must run after collectstatic. */
  compressOffline?: Found<true>;
  /** Folders the settings create when imported (os.makedirs, Path.mkdir): the container must be able to write there. */
  importWrites: ImportWrite[];
  staticUrl?: Found<string>;
  staticRoot?: Found<string>;
  staticfilesDirs: Found<string[]>;
  mediaUrl?: Found<string>;
  /** The project's own nginx serves MEDIA_URL only to the app's X-Accel-Redirect answers (private-media.ts). */
  privateMedia?: Found<true>;
  mediaRoot?: Found<string>;
  staticfilesStorage?: Found<string>;
  /** Static files served from object storage or a CDN in production: this stack does not serve them. */
  remoteStatic?: RemoteStatic;
  /** Environment variables the settings read at import time with no default: Django cannot start without them. */
  requiredEnv: RequiredEnv[];
  whitenoise?: Found<boolean>;
  admin: boolean;
  /** django.contrib.auth in INSTALLED_APPS. */
  auth: boolean;
  usesGit: boolean;
  /** SECURE_SSL_REDIRECT = True, where it is set: a problem only when this stack serves plain HTTP. */
  sslRedirect?: Found<true>;
  /** Celery, RQ and Procfile processes beside the web server (absent when there are none). */
  processes?: ProcessFacts;
  /** The folder manage.py puts on sys.path (src) that holds the settings package: the image puts it on the Python path. */
  sourceFolder?: Found<string>;
  /** Shapes this stack cannot run (GeoDjango, django-configurations): the run is refused with why. */
  unsupported?: UnsupportedShape[];
  warnings: string[];
}

export interface RemoteStatic {
  /** The storage backend for static files, when it is not a local file-system storage. */
  backend?: Found<string>;
  /** STATIC_URL as written, unknown parts as {expression}: "https://{AWS_S3_CUSTOM_DOMAIN}/static/". */
  url?: Found<string>;
  /** The URL's path part, when it is literal: "/static/". */
  path?: string;
}

export class NotDjangoProjectError extends Error {
  constructor(root: string) {
    super(
      `${root} does not look like a Django project: found no manage.py naming DJANGO_SETTINGS_MODULE, ` +
        `no wsgi.py/asgi.py doing so, and no DJANGO_SETTINGS_MODULE in .env, pytest.ini, setup.cfg or pyproject.toml. ` +
        `Run this in the project root (where manage.py is), or pass --settings-module.`,
    );
    this.name = 'NotDjangoProjectError';
  }
}

const PRODUCTION_NAMES = ['production', 'prod'];

/** `startedIn`: the folder the run started from, when above `root`: manifests are looked for up to there (or to the repository root). */
export function detectProject(root: string, options: { settingsModule?: string; startedIn?: string } = {}): ProjectFacts {
  const warnings: string[] = [];
  const named = options.settingsModule ? { value: options.settingsModule, source: { file: '--settings-module' } } : findSettingsModule(root);
  if (!named) throw new NotDjangoProjectError(root);

  // An explicit --settings-module is taken as given; manage.py's choice may give way to the
  // server's entry point's, and either may be upgraded to production.
  const served = options.settingsModule ? undefined : servedSettings(root, named);
  const preferred = options.settingsModule ? { chosen: named, candidates: [named.value] } : preferProduction(root, served ?? named);
  const chosen = preferred.chosen;
  // Interactive runs offer every production module beside manage.py's, and manage.py's own.
  const candidates = [...new Set([...preferred.candidates, ...(served ? preferProduction(root, named).candidates : [])])];
  const read = readSettings(root, chosen.value);
  warnings.push(...read.warnings);
  const required = new Set(read.requiredEnv.map((entry) => entry.variable));
  const byDefault = new Map(BY_DEFAULT.flatMap((name) => takenWhenUnset(read.settings.get(name), required).map((taken) => [name, taken] as const)));
  const setting = (name: string) => byDefault.get(name)?.setting ?? read.settings.get(name);
  const noted = (name: string, found: Found<string> | undefined) => (found && byDefault.has(name) ? { ...found, note: byDefault.get(name)!.note } : found);
  const staticStorage = storageBackend(setting('STORAGES'), setting('STATICFILES_STORAGE'));
  const remote = remoteStatic(staticStorage, setting('STATIC_URL'));
  warnings.push(...unreadSettings(read.settings, [...(remote ? ['STATIC_URL'] : []), ...byDefault.keys()]));

  const dependencies = detectDependencies(root, options.startedIn);
  warnings.push(...dependencies.warnings);
  const first = dependencies.candidates[0];
  // What the image installs by default: the main dependencies plus the groups and extras chosen for production.
  const spec = first && withDefaults(first);
  const facts: ProjectFacts = {
    root,
    projectName: { value: composeName(path.basename(path.resolve(root))), source: { file: '(directory name)' } },
    settingsModule: chosen,
    settingsCandidates: candidates,
    settingsFiles: read.files,
    wsgiApplication: wsgiApplication(root, chosen.value, setting('WSGI_APPLICATION')),
    pythonVersion: detectPythonVersion(root, spec),
    dependencies: spec ? { value: { manager: spec.manager, file: spec.file }, source: { file: spec.file } } : undefined,
    dependencyCandidates: dependencies.candidates,
    dependencyProblem: dependencies.problem,
    djangoVersion: spec ? djangoVersion(spec) : undefined,
    hasGunicorn: spec ? isRuntimeDependency(spec, 'gunicorn') : false,
    database: detectDatabase(setting('DATABASES')),
    postgresDriver: spec ? postgresDriver(spec) : undefined,
    staticUrl: remote ? undefined : noted('STATIC_URL', stringSetting('STATIC_URL', setting('STATIC_URL'), warnings)),
    staticRoot: noted('STATIC_ROOT', pathSetting(setting('STATIC_ROOT'))),
    staticfilesDirs: pathListSetting(setting('STATICFILES_DIRS')),
    mediaUrl: noted('MEDIA_URL', stringSetting('MEDIA_URL', setting('MEDIA_URL'), warnings)),
    mediaRoot: noted('MEDIA_ROOT', pathSetting(setting('MEDIA_ROOT'))),
    staticfilesStorage: staticStorage,
    remoteStatic: remote,
    requiredEnv: read.requiredEnv,
    importWrites: read.importWrites,
    databaseDecision: { choice: 'sqlite' },
    whitenoise: listMentions(setting('MIDDLEWARE'), 'whitenoise', 'any'),
    admin: listMentions(setting('INSTALLED_APPS'), 'django.contrib.admin')?.value ?? false,
    auth: listMentions(setting('INSTALLED_APPS'), 'django.contrib.auth')?.value ?? false,
    usesGit: insideGitWorktree(root),
    warnings,
  };
  const asgi = detectAsgi({
    root,
    settingsModule: chosen.value,
    asgiSetting: setting('ASGI_APPLICATION'),
    installedApps: setting('INSTALLED_APPS'),
    // A WSGI_APPLICATION whose module is missing (uvicorn serves the project instead) does not count.
    hasWsgiApplication: Boolean(facts.wsgiApplication && moduleFile(root, facts.wsgiApplication.value.replace(/[.:]\w+$/, ''))),
    dependencies: spec,
  });
  if (asgi) facts.asgi = asgi;
  facts.databaseDecision = decideDatabase(
    facts.database?.value,
    databaseIndications({
      root,
      dependencies: spec,
      postgresDriver: facts.postgresDriver,
      contribPostgres: listMentions(setting('INSTALLED_APPS'), 'django.contrib.postgres', 'any'),
      database: facts.database,
    }),
  );
  const compress = setting('COMPRESS_OFFLINE');
  if (compress && isTrue(compress.value) && listMentions(setting('INSTALLED_APPS'), 'compressor', 'any')?.value) {
    facts.compressOffline = { value: true, source: { file: compress.file, line: compress.line }, ...(envOf(compress.value) ? { env: envOf(compress.value) } : {}) };
  }
  const processes = detectProcesses(root, chosen.value, setting, spec, warnings);
  if (processes) facts.processes = processes;
  const unsupported = [
    ...geoDjango(listMentions(setting('INSTALLED_APPS'), 'django.contrib.gis', 'any'), facts.database),
    ...djangoConfigurations(root, ['manage.py', ...entryPoints(root), ...read.files]),
  ];
  if (unsupported.length > 0) facts.unsupported = unsupported;
  const sourceFolder = locateModule(root, chosen.value)?.folder;
  if (sourceFolder) facts.sourceFolder = sourceFolder;
  const sslRedirect = setting('SECURE_SSL_REDIRECT');
  if (sslRedirect && isTrue(sslRedirect.value)) {
    facts.sslRedirect = { value: true, source: { file: sslRedirect.file, line: sslRedirect.line }, ...(envOf(sslRedirect.value) ? { env: envOf(sslRedirect.value) } : {}) };
  }
  for (const dir of facts.staticfilesDirs.value) {
    if (!dir.startsWith('/') && !fs.existsSync(path.join(root, dir))) {
      warnings.push(`STATICFILES_DIRS names ${dir}, which does not exist (${where(facts.staticfilesDirs)})`);
    }
  }
  const privateMedia = internalMedia(root, facts.mediaUrl?.value);
  if (privateMedia) facts.privateMedia = privateMedia;
  const nodeBuild = nodeBuildWarning(root, options.startedIn);
  if (nodeBuild) warnings.push(nodeBuild);
  return facts;
}

/**
 * A setting that is on, as Django reads it: True, or a non-empty string (os.environ.get("X", "True")
 * gives the text "True", and any text but "" is true to Python, "False" included).
 */
function isTrue(value: Value): boolean {
  if (value.kind === 'bool') return value.value;
  if (value.kind === 'str') return value.value !== '';
  if (value.kind === 'num') return value.value !== 0;
  return false;
}

const envOf = (value: Value) => ('env' in value ? value.env?.variable : undefined);

/** With plain HTTP (--tls off), a project that redirects to HTTPS sends browsers where nothing answers. */
export function sslRedirectWarning(facts: ProjectFacts): string | undefined {
  const found = facts.sslRedirect;
  return found
    ? `${where(found)}: SECURE_SSL_REDIRECT is on${found.env ? ` (by default: unless $${found.env} turns it off)` : ''}, but this stack serves plain HTTP: use --tls acme or --tls files (or a TLS proxy in front that sets X-Forwarded-Proto), or browsers are sent to an https:// address nothing answers`
    : undefined;
}

/**
 * Whether git tracks this folder: a .git (a folder, or a file in a worktree or submodule) here
 * or in any parent. Git reads the .gitignore of every folder of its work tree, so the one beside
 * manage.py is read even when .git is further up.
 */
export function insideGitWorktree(root: string): boolean {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}

/** Compose's own normalisation of a directory name into a project name. */
export function composeName(directory: string): string {
  const name = directory.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return /^[a-z0-9]/.test(name) ? name : `app${name}`;
}

function findSettingsModule(root: string): Found<string> | undefined {
  for (const file of ['manage.py', ...entryPoints(root)]) {
    const found = namedIn(root, file);
    if (found) return found;
  }
  for (const file of ['.env', 'pytest.ini', 'setup.cfg', 'pyproject.toml', 'tox.ini']) {
    const text = read(root, file);
    const found = text === undefined ? undefined : settingsModuleInConfig(file, text);
    if (found) return found;
  }
  return undefined;
}

/**
 * The settings module a Python entry point names. One it builds with an f-string
 * (`f"librephotos.settings.{environment}"`) is matched against the modules there are: the
 * production one (production, prod) among several, or the only one.
 */
function namedIn(root: string, file: string): Found<string> | undefined {
  const text = read(root, file);
  const found = text === undefined ? undefined : settingsModuleInPython(text);
  if (!found) return undefined;
  const source = { file, line: found.line };
  if ('module' in found) return { value: found.module, source };
  const [before, after] = found.around;
  const dot = before.lastIndexOf('.');
  const fieldOf = (module: string) => module.slice(before.length, module.length - after.length);
  const matching = modulesIn(root, before.slice(0, Math.max(dot, 0)))
    .filter((module) => module.startsWith(before) && module.endsWith(after) && /^\w+$/.test(fieldOf(module)))
    .sort();
  const production = matching.filter((module) => PRODUCTION_NAMES.includes(fieldOf(module)));
  const chosen = production.length === 1 ? production[0] : matching.length === 1 ? matching[0] : undefined;
  if (!chosen) return undefined;
  return { value: chosen, source, note: `${found.written} could be ${matching.join(', ')}: ${production.length === 1 ? 'the production one' : 'the only one'}` };
}

/** The modules of a package folder, dotted: `a.b` gives a.b.x for a/b/x.py and for a package a/b/x/. */
function modulesIn(root: string, dotted: string): string[] {
  const folder = dotted ? dotted.replaceAll('.', '/') : '.';
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(path.join(root, folder), { withFileTypes: true });
  } catch {
    return [];
  }
  const prefix = dotted ? `${dotted}.` : '';
  return entries.flatMap((entry) => {
    if (entry.isFile() && entry.name.endsWith('.py') && entry.name !== '__init__.py') return [`${prefix}${entry.name.slice(0, -'.py'.length)}`];
    if (entry.isDirectory() && fs.existsSync(path.join(root, folder, entry.name, '__init__.py'))) return [`${prefix}${entry.name}`];
    return [];
  });
}

/** wsgi.py / asgi.py up to two folders deep, the places startproject and cookiecutter use. */
function entryPoints(root: string): string[] {
  return projectFiles(root, 2)
    .filter((file) => file.name === 'wsgi.py' || file.name === 'asgi.py')
    .map((file) => file.relative);
}

/**
 * gunicorn loads wsgi.py (uvicorn asgi.py), never manage.py. When no entry point names
 * manage.py's settings and they name one other module that exists (Kiwi TCMS: manage.py
 * tcms.settings.devel, tcms/wsgi.py tcms.settings.product), that is what the project serves in
 * production. An entry point that agrees with manage.py keeps its module: another package's own
 * wsgi.py (bookwyrm's Celery-only celerywyrm/) is a secondary one. Several other modules: the
 * one whose entry point manage.py's settings name in WSGI_APPLICATION/ASGI_APPLICATION, if any.
 */
function servedSettings(root: string, named: Found<string>): Found<string> | undefined {
  if (named.source?.file !== 'manage.py') return undefined;
  const found = entryPoints(root).flatMap((file) => {
    const entry = namedIn(root, file);
    return entry && moduleFile(root, entry.value) ? [entry] : [];
  });
  if (found.some((entry) => entry.value === named.value)) return undefined;
  const distinct = [...new Set(found.map((entry) => entry.value))];
  const served = distinct.length === 1 ? found[0] : distinct.length > 1 ? namedByApplication(root, named.value, found) : undefined;
  return served && { ...served, note: `named by ${served.source?.file}, which the server loads; manage.py names ${named.value}` };
}

/** Of several entry points, the one a settings module names as its WSGI_APPLICATION or ASGI_APPLICATION. */
function namedByApplication(root: string, module: string, entries: Found<string>[]): Found<string> | undefined {
  const settings = readSettings(root, module).settings;
  const files = ['WSGI_APPLICATION', 'ASGI_APPLICATION'].flatMap((name) => {
    const value = settings.get(name)?.value;
    const file = value?.kind === 'str' ? moduleFile(root, value.value.replace(/\.\w+$/, '')) : undefined;
    return file ? [file] : [];
  });
  const chosen = entries.filter((entry) => files.includes(entry.source?.file ?? ''));
  return new Set(chosen.map((entry) => entry.value)).size === 1 ? chosen[0] : undefined;
}

/**
 * manage.py usually names the development settings. When the package beside it has a
 * production module, that is what a production stack should build on.
 */
function preferProduction(root: string, named: Found<string>): { chosen: Found<string>; candidates: string[] } {
  const parts = named.value.split('.');
  const last = parts.at(-1)!;
  const packageParts = moduleFile(root, named.value)?.endsWith('__init__.py') ? parts : parts.slice(0, -1);
  const production = PRODUCTION_NAMES.map((name) => [...packageParts, name].join('.')).filter((module) => moduleFile(root, module));
  if (production.length === 0 || PRODUCTION_NAMES.includes(last)) return { chosen: named, candidates: [named.value] };
  const candidates = [...production, named.value];
  const file = moduleFile(root, production[0]!)!;
  const ambiguous = production.length > 1 ? `; ambiguous: ${production.join(' and ')} both exist (interactive runs ask; --settings-module decides)` : '';
  return {
    chosen: { value: production[0]!, source: { file }, note: `preferred over ${named.value} (named in ${named.source?.file})${ambiguous}` },
    candidates,
  };
}

function wsgiApplication(root: string, settingsModule: string, setting: Setting | undefined): Found<string> | undefined {
  if (setting?.value.kind === 'str') {
    return { value: setting.value.value, source: { file: setting.file, line: setting.line } };
  }
  // startproject puts wsgi.py beside settings.py; a settings package sits one level deeper.
  const parts = settingsModule.split('.');
  for (let cut = parts.length - 1; cut >= 1; cut--) {
    const module = [...parts.slice(0, cut), 'wsgi'].join('.');
    const file = moduleFile(root, module);
    if (file) return { value: `${module}.application`, source: { file } };
  }
  return undefined;
}

function stringSetting(name: string, setting: Setting | undefined, warnings: string[]): Found<string> | undefined {
  if (!setting) return undefined;
  const value = setting.value;
  const source = { file: setting.file, line: setting.line };
  if (value.kind === 'str') return { value: value.value, source, env: value.env?.variable };
  if (value.kind === 'unknown' && value.env) {
    warnings.push(`${setting.file}:${setting.line}: ${name} comes only from the environment variable ${value.env.variable}, so its value is not in the code`);
  }
  return undefined;
}

function pathSetting(setting: Setting | undefined): Found<string> | undefined {
  if (!setting) return undefined;
  const value = setting.value;
  const source = { file: setting.file, line: setting.line };
  if (value.kind === 'path' || value.kind === 'str') return { value: value.value, source, env: value.env?.variable };
  return { value: describe(value), source };
}

function pathListSetting(setting: Setting | undefined): Found<string[]> {
  if (!setting) return { value: [] };
  const source = { file: setting.file, line: setting.line };
  if (setting.value.kind !== 'list') return { value: [], source, note: `not read: ${describe(setting.value)}` };
  // Entries may be (prefix, path) tuples.
  const paths = setting.value.items.map((item: Value) => (item.kind === 'list' ? item.items[1] : item));
  const read = (item: Value | undefined): item is Extract<Value, { kind: 'path' | 'str' }> => item?.kind === 'path' || item?.kind === 'str';
  // An entry that cannot be read is named, not dropped: its files would not be served.
  const unread = paths.filter((item) => !read(item)).map((item) => (item ? describe(item) : '(an empty entry)'));
  return { value: paths.filter(read).map((item) => item.value), source, ...(unread.length ? { note: `not read, so not served: ${unread.join('; ')}` } : {}) };
}

function storageBackend(storages: Setting | undefined, legacy: Setting | undefined): Found<string> | undefined {
  if (storages?.value.kind === 'dict') {
    const entry = storages.value.entries.find(([key]) => key.kind === 'str' && key.value === 'staticfiles')?.[1];
    const backend = entry?.kind === 'dict' ? entry.entries.find(([key]) => key.kind === 'str' && key.value === 'BACKEND')?.[1] : undefined;
    if (backend?.kind === 'str') return { value: backend.value, source: { file: storages.file, line: storages.line }, note: 'STORAGES' };
  }
  if (legacy?.value.kind === 'str') {
    return { value: legacy.value.value, source: { file: legacy.file, line: legacy.line }, note: 'STATICFILES_STORAGE' };
  }
  return undefined;
}

/**
 * Whether a list setting names a module. A list set on the branches of an `if`
 * (`if DEBUG: INSTALLED_APPS += [...]`) counts when every branch names it ('all', for what the
 * health check relies on) or when any does ('any', for what only informs or indicates).
 */
function listMentions(setting: Setting | undefined, needle: string, across: 'all' | 'any' = 'all'): Found<boolean> | undefined {
  if (!setting) return undefined;
  const names = (value: Value) => value.kind === 'list' && value.items.some((item) => item.kind === 'str' && item.value.toLowerCase().startsWith(needle));
  const branches = setting.value.kind === 'unknown' ? setting.value.branches?.map((branch) => branch.value) : undefined;
  const lists = branches ?? [setting.value];
  if (!lists.every((value) => value.kind === 'list')) return undefined;
  const hit = across === 'all' ? lists.every(names) : lists.some(names);
  return { value: hit, source: { file: setting.file, line: setting.line } };
}

/** The static and media settings, read as the branch of an `if` the code takes when the environment sets none of its variables. */
const BY_DEFAULT = ['STATIC_URL', 'STATIC_ROOT', 'MEDIA_URL', 'MEDIA_ROOT'];

/**
 * A setting set differently on the branches of an `if` whose conditions read the environment
 * with a default (`if USE_S3_STATIC_FILES:`, wger's object-storage switch): the stack sets none
 * of those variables, so the branch their defaults choose is the one it runs, said in a note.
 * Not when a condition reads a variable the settings require (.env sets it), or cannot be decided.
 */
function takenWhenUnset(setting: Setting | undefined, required: ReadonlySet<string>): { setting: Setting; note: string }[] {
  const branch = setting && branchWhenUnset(setting.value, (variable) => required.has(variable));
  if (!setting || !branch) return [];
  const when = describeCondition(branch.when);
  return [
    {
      setting: { value: branch.value, file: branch.file, line: branch.line },
      note: `${when ? `when ${when}, ` : ''}as with none of its variables set; set otherwise on other branches`,
    },
  ];
}

/** Settings whose unreadable values deserve a warning (their final values only). */
const WATCHED = ['STATIC_URL', 'STATIC_ROOT', 'STATICFILES_DIRS', 'MEDIA_URL', 'MEDIA_ROOT', 'WSGI_APPLICATION', 'STORAGES', 'STATICFILES_STORAGE'];

function unreadSettings(settings: Map<string, Setting>, explained: string[]): string[] {
  return WATCHED.flatMap((name) => {
    const setting = settings.get(name);
    if (setting?.value.kind !== 'unknown' || setting.value.env || explained.includes(name)) return [];
    return [`${setting.file}:${setting.line}: ${name} could not be read (${setting.value.reason})`];
  });
}

/** Storages that keep files on the local disk: Django's own and WhiteNoise's (and subclasses named like them). */
const LOCAL_STORAGE_CLASSES = ['FileSystemStorage', 'StaticFilesStorage'];

function isLocalStorage(backend: string): boolean {
  const className = backend.split('.').at(-1) ?? backend;
  return backend.startsWith('whitenoise.') || LOCAL_STORAGE_CLASSES.some((local) => className.endsWith(local));
}

/**
 * Static files on object storage (django-storages' S3, Google Cloud, Azure...) or behind a CDN:
 * a static backend that is not a local file-system storage, or an absolute STATIC_URL.
 */
function remoteStatic(backend: Found<string> | undefined, staticUrl: Setting | undefined): RemoteStatic | undefined {
  const remoteBackend = backend && !isLocalStorage(backend.value) ? backend : undefined;
  const parts = staticUrl && writtenText(staticUrl.value);
  const absolute = typeof parts?.[0] === 'string' && ['http://', 'https://', '//'].some((start) => (parts[0] as string).startsWith(start));
  if (!remoteBackend && !absolute) return undefined;
  const url: Found<string> | undefined = parts && {
    value: parts.map((part) => (typeof part === 'string' ? part : `{${part.expression}}`)).join(''),
    source: { file: staticUrl!.file, line: staticUrl!.line },
  };
  return { backend: remoteBackend, url, path: parts && urlPath(parts) };
}

/** The path of a URL whose scheme and host may be unknown: "https://{DOMAIN}/static/" -> "/static/". */
function urlPath(parts: TextPart[]): string | undefined {
  const [first] = parts;
  if (typeof first !== 'string') return undefined;
  // After "scheme://" or "//" comes the host, which may be unknown; the path starts at the next "/".
  const hostStart = first.startsWith('//') ? 2 : first.includes('://') ? first.indexOf('://') + 3 : 0;
  if (hostStart === 0) return parts.length === 1 && first.startsWith('/') ? first : undefined;
  const remaining: TextPart[] = [first.slice(hostStart), ...parts.slice(1)];
  const at = remaining.findIndex((part) => typeof part === 'string' && part.includes('/'));
  if (at === -1) return parts.every((part) => typeof part === 'string') ? '/' : undefined;
  const tail = remaining.slice(at);
  if (!tail.every((part) => typeof part === 'string')) return undefined;
  const joined = tail.join('');
  return joined.slice(joined.indexOf('/'));
}
