/**
 * `--inspect`: asks Django itself (`manage.py shell -c`, with a local interpreter that can
 * import the project) for the settings the text analysis read, and lists the differences.
 * This runs the project's code, so it only happens when asked for.
 */
import path from 'node:path';
import fs from 'node:fs';
import { execa } from 'execa';
import type { ProjectFacts } from './project.js';

export interface RuntimeSettings {
  STATIC_URL: string | null;
  STATIC_ROOT: string | null;
  STATICFILES_DIRS: string[];
  MEDIA_URL: string | null;
  MEDIA_ROOT: string | null;
  WSGI_APPLICATION: string | null;
  STATICFILES_BACKEND: string | null;
  DJANGO_VERSION: string;
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
    "STATICFILES_BACKEND": text(backend), "DJANGO_VERSION": django.get_version()}))
`;

export async function inspectSettings(
  root: string,
  settingsModule: string,
  python = 'python3',
): Promise<{ ok: true; settings: RuntimeSettings } | { ok: false; reason: string; missingInterpreter?: boolean }> {
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
  const line = String(result.stdout).split('\n').find((l) => l.startsWith('DJANGO_STATIC_INSPECT='));
  if (result.exitCode !== 0 || !line) {
    const last = String(result.stderr).trim().split('\n').at(-1) ?? 'no output';
    return { ok: false, reason: `${python} manage.py shell could not load ${settingsModule}: ${last}` };
  }
  return { ok: true, settings: JSON.parse(line.slice('DJANGO_STATIC_INSPECT='.length)) as RuntimeSettings };
}

/** One line per setting where Django and the text analysis disagree. */
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
  ];
  const show = (value: unknown) => (value === null || value === undefined ? 'not set' : JSON.stringify(value));
  return rows
    .filter(([, text, django]) => JSON.stringify(text ?? null) !== JSON.stringify(django ?? null))
    .filter(([name, text, django]) => !(name === 'static storage' && text == null && /StaticFilesStorage$/.test(String(django)))) // Django's default
    .filter(([name, text, django]) => !(name === 'MEDIA_URL' && text == null && django === '/')) // Django's default
    .map(([name, text, django]) => `${name}: text analysis ${show(text)}, Django ${show(django)}`);
}
