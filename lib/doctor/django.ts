/**
 * The Django facts doctor checks nginx against, read with the generator's own detection
 * (settings through the Python parser, never imported). The settings module is the one the
 * compose file runs with when it names one, else the one detection chooses (production first).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AsgiFacts } from '../detect/asgi.js';
import { withDefaults } from '../detect/dependencies/groups.js';
import { detectProject, NotDjangoProjectError } from '../detect/project.js';
import { moduleFile, readSettings, type Setting } from '../detect/settings.js';
import type { Value } from '../detect/evaluate.js';
import { isDjango, type ComposeFacts } from './compose.js';

export interface PathSetting {
  /** As written: absolute, or relative to the project root (BASE_DIR / "x"). */
  value: string;
  absolute: boolean;
  file: string;
  line: number;
}

export interface DjangoFacts {
  /** The project's folder (where manage.py is): BASE_DIR, for relative settings. */
  root: string;
  /** That folder relative to the folder doctor was given, when it is below it ("app"). */
  subfolder?: string;
  settingsModule: string;
  settings: Map<string, Setting>;
  staticUrl?: string;
  staticRoot?: PathSetting;
  mediaUrl?: string;
  mediaRoot?: PathSetting;
  whitenoise: boolean;
  /** A manifest storage: collectstatic writes staticfiles.json into STATIC_ROOT. */
  manifest: boolean;
  /** The generator's ASGI detection: the application, Channels, ASGI servers, websocket prefixes. */
  asgi?: AsgiFacts;
  /** WSGI_APPLICATION (or the wsgi module beside the settings), dotted. */
  wsgiApplication?: string;
  /** uvicorn among the runtime dependencies (the file and line naming it): gunicorn's UvicornWorker is there. */
  uvicorn?: { file: string; line?: number };
}

/** Folders never searched for a project: dependencies, environments, VCS data. */
const NOT_PROJECT = new Set(['node_modules', 'venv', 'env', 'site-packages', '__pycache__', 'dist', 'build']);
const SEARCH_DEPTH = 2;

/**
 * Folders holding a manage.py, the given root first, then below it (a repository with the
 * project in `app/` or `src/app/`), shallowest first, then by name.
 */
export function djangoRoots(root: string): string[] {
  const found: string[] = [];
  const visit = (dir: string, depth: number) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    if (entries.some((entry) => entry.name === 'manage.py' && entry.isFile())) found.push(dir);
    if (depth === SEARCH_DEPTH) return;
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.') && !NOT_PROJECT.has(e.name)).sort((a, b) => a.name.localeCompare(b.name)))
      visit(path.join(dir, entry.name), depth + 1);
  };
  visit(root, 0);
  return found.sort((a, b) => a.split(path.sep).length - b.split(path.sep).length);
}

/**
 * The Django project the server runs: at the root, else the shallowest folder below it with a
 * manage.py. Setting files are then named from the root ("app/mysite/settings.py"), as findings
 * and fixes name every file.
 */
export function readDjango(root: string, compose?: ComposeFacts): DjangoFacts | undefined {
  const atRoot = readDjangoAt(root, compose);
  if (atRoot) return atRoot;
  for (const projectRoot of djangoRoots(root).filter((dir) => dir !== root)) {
    const facts = readDjangoAt(projectRoot, compose);
    if (facts) return rebased(facts, path.relative(root, projectRoot));
  }
  return undefined;
}

function rebased(facts: DjangoFacts, sub: string): DjangoFacts {
  const moved = <T extends { file: string }>(item: T): T => ({ ...item, file: path.join(sub, item.file) });
  const settings = new Map([...facts.settings].map(([name, setting]) => [name, moved(setting)]));
  const asgi = facts.asgi && {
    ...facts.asgi,
    application: facts.asgi.application && { ...facts.asgi.application, source: facts.asgi.application.source && moved(facts.asgi.application.source) },
    websocketPaths: facts.asgi.websocketPaths.map((found) => ({ ...found, source: found.source && moved(found.source) })),
  };
  return {
    ...facts,
    asgi,
    uvicorn: facts.uvicorn && moved(facts.uvicorn),
    subfolder: sub,
    settings,
    staticRoot: facts.staticRoot && moved(facts.staticRoot),
    mediaRoot: facts.mediaRoot && moved(facts.mediaRoot),
  };
}

function readDjangoAt(root: string, compose?: ComposeFacts): DjangoFacts | undefined {
  const fromCompose = compose?.services
    .filter(isDjango)
    .map((s) => s.environment.get('DJANGO_SETTINGS_MODULE'))
    .find((m) => m && moduleFile(root, m));
  let facts;
  try {
    facts = detectProject(root, fromCompose ? { settingsModule: fromCompose } : {});
  } catch (error) {
    if (error instanceof NotDjangoProjectError) return undefined;
    throw error;
  }
  const settings = readSettings(root, facts.settingsModule.value).settings;
  const text = (name: string) => {
    const value = settings.get(name)?.value;
    return value?.kind === 'str' ? value.value : undefined;
  };
  // The dependencies the image installs by default, as detection chooses them.
  const first = facts.dependencyCandidates[0];
  const spec = first && withDefaults(first);
  const uvicorn = spec?.runtime.find((entry) => entry.name === 'uvicorn');
  return {
    root,
    settingsModule: facts.settingsModule.value,
    asgi: facts.asgi,
    wsgiApplication: facts.wsgiApplication?.value,
    uvicorn: uvicorn && { file: uvicorn.source.file, line: uvicorn.source.line },
    settings,
    staticUrl: facts.remoteStatic ? undefined : text('STATIC_URL'),
    staticRoot: pathSetting(settings.get('STATIC_ROOT')),
    mediaUrl: text('MEDIA_URL'),
    mediaRoot: pathSetting(settings.get('MEDIA_ROOT')),
    whitenoise: facts.whitenoise?.value ?? false,
    manifest: (facts.staticfilesStorage?.value ?? '').includes('Manifest'),
  };
}

function pathSetting(setting: Setting | undefined): PathSetting | undefined {
  if (!setting) return undefined;
  const { value, file, line } = setting;
  if (value.kind === 'path') return { value: value.value, absolute: false, file, line };
  if (value.kind === 'str' && value.value) return { value: value.value, absolute: value.value.startsWith('/'), file, line };
  return undefined;
}

/** A setting's value when it is a literal True/False. */
export function boolSetting(facts: DjangoFacts, name: string): { value: boolean; setting: Setting } | undefined {
  const setting = facts.settings.get(name);
  return setting?.value.kind === 'bool' ? { value: setting.value.value, setting } : undefined;
}

/** Literal strings of a list or tuple setting. */
export function stringItems(value: Value | undefined): string[] | undefined {
  if (value?.kind !== 'list') return undefined;
  return value.items.flatMap((item) => (item.kind === 'str' ? [item.value] : []));
}

/** Does a served folder hold what this setting names? Relative settings match the folder's end. */
export function sameFolder(folder: string, setting: PathSetting, root: string): boolean {
  const clean = folder.replace(/\/+$/, '');
  if (setting.absolute) return clean === setting.value.replace(/\/+$/, '');
  const relative = setting.value.replace(/\/+$/, '');
  return clean === path.join(root, relative) || (relative !== '' && clean.endsWith(`/${relative}`));
}

/** The folder a setting names, as an absolute path on this machine. */
export const absoluteFolder = (setting: PathSetting, root: string) => (setting.absolute ? setting.value : path.join(root, setting.value));
