/**
 * DATABASES["default"] as the settings write it: a dict with ENGINE and NAME, or a URL read by
 * dj-database-url (config()/parse()), django-environ (env.db()) or python-decouple (config()),
 * with the environment variable the URL comes from.
 */
import type { Found } from './found.js';
import { describe, type Value } from './evaluate.js';
import type { Setting } from './settings.js';

export type DatabaseEngine = 'sqlite' | 'postgresql' | 'mysql' | 'other' | 'unknown';

export interface DatabaseFacts {
  engine: DatabaseEngine;
  /** NAME (or the URL's path): the SQLite file, or the database's name. */
  name?: string;
  /** The environment variable the settings read the database from (DATABASE_URL for a URL). */
  variable?: string;
  /** 'url': a database URL (dj-database-url, env.db()); 'dict': ENGINE and NAME written out. */
  form: 'url' | 'dict';
}

/** Django's bundled backends, and the third-party ones that are the same database. */
const ENGINE_MODULES: [string, DatabaseEngine][] = [
  ['sqlite3', 'sqlite'],
  ['spatialite', 'sqlite'],
  ['postgresql', 'postgresql'],
  ['postgresql_psycopg2', 'postgresql'],
  ['postgis', 'postgresql'],
  ['mysql', 'mysql'],
];

/** dj-database-url's schemes (the ones this stack can tell apart). */
const URL_SCHEMES: Record<string, DatabaseEngine> = {
  sqlite: 'sqlite',
  spatialite: 'sqlite',
  postgres: 'postgresql',
  postgresql: 'postgresql',
  pgsql: 'postgresql',
  postgis: 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  mysqlgis: 'mysql',
};

export function engineOf(module: string): DatabaseEngine {
  const last = module.split('.').at(-1) ?? module;
  return ENGINE_MODULES.find(([name]) => name === last)?.[1] ?? 'other';
}

/** The database a URL names, read with the WHATWG URL parser: scheme -> engine, path -> name. */
export function databaseFromUrl(url: string): Pick<DatabaseFacts, 'engine' | 'name'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { engine: 'unknown' };
  }
  const engine = URL_SCHEMES[parsed.protocol.replace(/:$/, '')] ?? 'other';
  // sqlite:////abs/file.db -> /abs/file.db, sqlite:///file.db -> file.db (dj-database-url's reading)
  const path = decodeURIComponent(parsed.pathname).slice(1);
  return { engine, ...(path ? { name: path } : {}) };
}

const entry = (dict: Value, key: string): Value | undefined =>
  dict.kind === 'dict' ? dict.entries.findLast(([k]) => k.kind === 'str' && k.value === key)?.[1] : undefined;

export function detectDatabase(setting: Setting | undefined): Found<DatabaseFacts> | undefined {
  if (!setting) return undefined;
  const source = { file: setting.file, line: setting.line };
  const found = (value: DatabaseFacts): Found<DatabaseFacts> => ({ value, source, ...(value.variable ? { env: value.variable } : {}) });
  const fallback = entry(setting.value, 'default');
  if (!fallback) {
    const why = setting.value.kind === 'dict' ? 'has no "default"' : `is not read (${describe(setting.value)})`;
    return { value: { engine: 'unknown', form: 'dict' }, source, note: `DATABASES ${why}` };
  }
  // A URL: the dict comes from dj_database_url / env.db at run time.
  if (fallback.kind === 'str' || (fallback.kind === 'unknown' && fallback.env)) {
    const variable = fallback.env?.variable;
    const url = fallback.kind === 'str' ? databaseFromUrl(fallback.value) : { engine: 'unknown' as const };
    return found({ ...url, form: 'url', ...(variable ? { variable } : {}) });
  }
  if (fallback.kind !== 'dict') return { value: { engine: 'unknown', form: 'dict' }, source, note: `DATABASES["default"] is not read (${describe(fallback)})` };
  const engineValue = entry(fallback, 'ENGINE');
  const nameValue = entry(fallback, 'NAME');
  const engine: DatabaseEngine = engineValue?.kind === 'str' ? engineOf(engineValue.value) : 'unknown';
  const name = nameValue?.kind === 'str' || nameValue?.kind === 'path' ? nameValue.value : undefined;
  const variable = engineValue?.kind === 'str' || engineValue?.kind === 'unknown' ? engineValue.env?.variable : undefined;
  return found({ engine, form: 'dict', ...(name !== undefined ? { name } : {}), ...(variable ? { variable } : {}) });
}
