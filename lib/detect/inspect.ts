/**
 * `--inspect`: asks Django itself (`manage.py shell -c`, with a local interpreter that can
 * import the project) for the settings the text analysis read, and lists the differences.
 * This runs the project's code, so it only happens when asked for.
 */
import path from 'node:path';
import fs from 'node:fs';
import { execa } from 'execa';
import type { ProjectFacts } from './project.js';
import { engineOf } from './database.js';

export interface RuntimeSettings {
  STATIC_URL: string | null;
  STATIC_ROOT: string | null;
  STATICFILES_DIRS: string[];
  MEDIA_URL: string | null;
  MEDIA_ROOT: string | null;
  WSGI_APPLICATION: string | null;
  STATICFILES_BACKEND: string | null;
  /** DATABASES["default"]["ENGINE"] as Django loaded it. */
  DATABASE_ENGINE?: string | null;
  DJANGO_VERSION: string;
}

/** Why the settings could not be loaded: Django's last line, and what it names (a variable, a file:line of the project). */
export interface InspectFailure {
  ok: false;
  reason: string;
  missingInterpreter?: boolean;
  /** The environment variable the error names (KeyError: 'X', "Set the X environment variable"). */
  variable?: string;
  /** The project's own file and line the traceback ends in. */
  at?: string;
}

const SCRIPT = `
import json, django
from django.conf import settings as s
def text(v): return None if v in (None, "") else str(v)
dirs = [text(d[1] if isinstance(d, (list, tuple)) else d) for d in getattr(s, "STATICFILES_DIRS", [])]
storages = getattr(s, "STORAGES", None) or {}
backend = (storages.get("staticfiles") or {}).get("BACKEND") or getattr(s, "STATICFILES_STORAGE", None)
print("DJANGO_STATIC_INSPECT=" + json.dumps({
    "STATIC_URL": text(s.STATIC_URL), "STATIC_ROOT": text(s.STATIC_ROOT), "STATICFILES_DIRS": dirs,
    "MEDIA_URL": text(s.MEDIA_URL), "MEDIA_ROOT": text(s.MEDIA_ROOT), "WSGI_APPLICATION": text(s.WSGI_APPLICATION),
    "STATICFILES_BACKEND": text(backend), "DJANGO_VERSION": django.get_version(),
    "DATABASE_ENGINE": text((getattr(s, "DATABASES", {}).get("default") or {}).get("ENGINE"))}))
`;

export async function inspectSettings(root: string, settingsModule: string, python = 'python3'): Promise<{ ok: true; settings: RuntimeSettings } | InspectFailure> {
  const result = await execa(python, ['manage.py', 'shell', '-c', SCRIPT], {
    cwd: root,
    reject: false,
    timeout: 60_000,
    stdin: 'ignore',
    env: { DJANGO_SETTINGS_MODULE: settingsModule, PYTHONDONTWRITEBYTECODE: '1' },
  });
  if ((result as { code?: string }).code === 'ENOENT') {
    return { ok: false, missingInterpreter: true, reason: `${python} was not found: give --inspect-python an interpreter that can import the project` };
  }
  const line = String(result.stdout)
    .split('\n')
    .find((l) => l.startsWith('DJANGO_STATIC_INSPECT='));
  if (result.exitCode !== 0 || !line) {
    const stderr = String(result.stderr).trim();
    const last = stderr.split('\n').at(-1) ?? 'no output';
    const variable = namedVariable(last);
    const at = projectFrame(stderr, fs.realpathSync(root));
    return { ok: false, reason: `${python} manage.py shell could not load ${settingsModule}: ${last}${at ? ` (at ${at})` : ''}`, ...(variable ? { variable } : {}), ...(at ? { at } : {}) };
  }
  return { ok: true, settings: JSON.parse(line.slice('DJANGO_STATIC_INSPECT='.length)) as RuntimeSettings };
}

/**
 * The environment variable an import error names: `KeyError: 'X'` (os.environ["X"]), django-environ's
 * and decouple's "Set the X environment variable" / "X not found. Declare it as envvar...". This reads
 * Python's error message, not code.
 */
export function namedVariable(errorLine: string): string | undefined {
  const keyError = /^KeyError: '([A-Za-z_][A-Za-z0-9_]*)'$/.exec(errorLine.trim());
  if (keyError) return keyError[1];
  const message = errorLine.slice(errorLine.indexOf(':') + 1);
  return /\bSet the ([A-Za-z_][A-Za-z0-9_]*) environment variable\b/.exec(message)?.[1] ?? /\b([A-Z][A-Z0-9_]+) not found\. Declare it as envvar/.exec(message)?.[1];
}

/** The last traceback frame in the project (not in Django or the standard library): "mysite/settings.py:12". */
export function projectFrame(stderr: string, root: string): string | undefined {
  let found: string | undefined;
  for (const line of stderr.split('\n')) {
    const frame = /^\s*File "(.+)", line (\d+)/.exec(line);
    if (!frame) continue;
    const relative = path.relative(root, frame[1]!);
    if (!relative.startsWith('..') && !path.isAbsolute(relative) && !relative.split(path.sep).some((part) => ['site-packages', 'dist-packages', '.venv', 'venv'].includes(part))) {
      found = `${relative.split(path.sep).join('/')}:${frame[2]}`;
    }
  }
  return found;
}

/** The answer option that takes Django's value instead of the text analysis's; undefined where the stack sets its own. */
const OPTIONS: Record<string, string> = {
  STATIC_URL: '--static-url',
  STATICFILES_DIRS: '--staticfiles-dirs',
  MEDIA_URL: '--media-url',
  WSGI_APPLICATION: '--wsgi-application',
  database: '--database',
};

/** One line per setting where Django and the text analysis disagree, with the value this run uses. */
export function compareWithText(facts: ProjectFacts, runtime: RuntimeSettings): string[] {
  const root = fs.realpathSync(facts.root);
  // Django ≥ 4.0 prefixes a relative STATIC_URL/MEDIA_URL with "/"; compare the same way.
  const url = (value: string | null | undefined) => (value == null ? null : /^(\/|\w+:)/.test(value) ? value : `/${value}`);
  const local = (value: string | null | undefined) => {
    if (value == null) return null;
    if (!path.isAbsolute(value)) return value;
    const relative = path.relative(root, value);
    return relative.startsWith('..') ? value : relative;
  };
  const rows: [string, unknown, unknown][] = [
    ['STATIC_URL', url(facts.staticUrl?.value), url(runtime.STATIC_URL)],
    ['STATIC_ROOT', facts.staticRoot?.value ?? null, local(runtime.STATIC_ROOT)],
    ['STATICFILES_DIRS', facts.staticfilesDirs.value, runtime.STATICFILES_DIRS.map(local)],
    ['MEDIA_URL', url(facts.mediaUrl?.value), url(runtime.MEDIA_URL)],
    ['MEDIA_ROOT', facts.mediaRoot?.value ?? null, local(runtime.MEDIA_ROOT)],
    ['WSGI_APPLICATION', facts.wsgiApplication?.value ?? null, runtime.WSGI_APPLICATION],
    ['static storage', facts.staticfilesStorage?.value ?? null, runtime.STATICFILES_BACKEND],
    ...(runtime.DATABASE_ENGINE === undefined ? [] : [['database', databaseEngine(facts), runtime.DATABASE_ENGINE ? engineOf(runtime.DATABASE_ENGINE) : null] as [string, unknown, unknown]]),
  ];
  const show = (value: unknown) => (value === null || value === undefined ? 'not set' : JSON.stringify(value));
  return rows
    .filter(([, text, django]) => JSON.stringify(text ?? null) !== JSON.stringify(django ?? null))
    .filter(([name, text, django]) => !(name === 'static storage' && text == null && /StaticFilesStorage$/.test(String(django)))) // Django's default
    .filter(([name, text, django]) => !(name === 'MEDIA_URL' && text == null && django === '/')) // Django's default
    .map(([name, text, django]) => `${name}: text analysis ${show(text)}, Django ${show(django)}; ${used(name, text)}`);
}

/** Which value the run goes on with: the text analysis's is the default (Django's reflects this machine's environment). */
function used(name: string, text: unknown): string {
  const option = OPTIONS[name];
  if (!option) return "the stack's overlay sets its own, so neither is used as it is";
  if (text === null || text === undefined)
    return name === 'database' ? `the database follows the run's database choice (${option} to choose)` : `not read from the text, so it is asked (or ${option})`;
  return `using the text analysis's (${option} to use Django's)`;
}

/** The engine the text analysis read, in inspect's terms; null when not read. */
function databaseEngine(facts: ProjectFacts): string | null {
  const engine = facts.database?.value.engine;
  return engine && engine !== 'unknown' ? engine : null;
}
