/**
 * DATABASES["default"] as the settings write it: a dict with ENGINE and NAME, or a URL read by
 * dj-database-url (config()/parse()), django-environ (env.db()) or python-decouple (config()),
 * with the environment variable the URL comes from.
 */
import type { Found } from './found.js';
import { describe, describeCondition, flattenBranches, type Branch, type Value } from './evaluate.js';
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
  /** The host of the URL the settings fall back on (`default=` of dj-database-url or django-environ). */
  host?: string;
  /** DATABASES set differently on the branches of an `if`: each branch, where and when. */
  branches?: DatabaseBranch[];
  /** A GeoDjango backend (PostGIS, SpatiaLite, ...), as written: the URL scheme or the ENGINE. */
  spatial?: string;
}

export interface DatabaseBranch {
  engine: DatabaseEngine;
  form: 'url' | 'dict';
  variable?: string;
  /** The condition under which this branch runs, in words ("DATABASE_URL is not set"). */
  when: string;
  file: string;
  line: number;
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

/** GeoDjango's URL schemes (dj-database-url, django-environ): the same databases, with spatial extensions this stack does not run. */
const SPATIAL_SCHEMES = new Set(['postgis', 'spatialite', 'mysqlgis', 'oraclegis']);

/** GeoDjango's backends live under django.contrib.gis.db.backends; third-party ones are named after PostGIS or SpatiaLite. */
export function isSpatialEngine(module: string): boolean {
  const last = (module.split('.').at(-1) ?? '').toLowerCase();
  return module.startsWith('django.contrib.gis.') || last.includes('postgis') || last.includes('spatialite');
}

export function engineOf(module: string): DatabaseEngine {
  const last = module.split('.').at(-1) ?? module;
  return ENGINE_MODULES.find(([name]) => name === last)?.[1] ?? 'other';
}

/** The database a URL names, read with the WHATWG URL parser: scheme -> engine, path -> name, and the host. */
export function databaseFromUrl(url: string): Pick<DatabaseFacts, 'engine' | 'name' | 'host' | 'spatial'> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { engine: 'unknown' };
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  const engine = URL_SCHEMES[scheme] ?? 'other';
  // sqlite:////abs/file.db -> /abs/file.db, sqlite:///file.db -> file.db (dj-database-url's reading)
  const path = decodeURIComponent(parsed.pathname).slice(1);
  const host = engine === 'sqlite' ? '' : parsed.hostname;
  return { engine, ...(path ? { name: path } : {}), ...(host ? { host } : {}), ...(SPATIAL_SCHEMES.has(scheme) ? { spatial: `${scheme}://` } : {}) };
}

/** Hosts that name this machine or a database beside the app (a compose service): not a managed database elsewhere. */
const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1', 'db', 'postgres', 'postgresql', 'database', 'pgsql']);
export const isLocalHost = (host: string | undefined) => !host || LOCAL_HOSTS.has(host.toLowerCase()) || host.endsWith('.local') || host.endsWith('.localhost');

const entry = (dict: Value, key: string): Value | undefined => (dict.kind === 'dict' ? dict.entries.findLast(([k]) => k.kind === 'str' && k.value === key)?.[1] : undefined);

type Read = { facts: DatabaseFacts } | { note: string };

export function detectDatabase(setting: Setting | undefined): Found<DatabaseFacts> | undefined {
  if (!setting) return undefined;
  const source = { file: setting.file, line: setting.line };
  const read = readDatabases(setting.value);
  if ('note' in read) return { value: { engine: 'unknown', form: 'dict' }, source, note: read.note };
  const { facts } = read;
  return { value: facts, source, ...(facts.variable ? { env: facts.variable } : {}) };
}

/** DATABASES as a whole: a dict, or set on the branches of an `if`. */
function readDatabases(value: Value): Read {
  if (value.kind === 'unknown' && value.branches) return fromBranches(value.branches, readDatabases);
  const fallback = entry(value, 'default');
  if (!fallback) return { note: `DATABASES ${value.kind === 'dict' ? 'has no "default"' : `is not read (${describe(value)})`}` };
  return readDefault(fallback);
}

/** DATABASES["default"]: a URL (dj-database-url, django-environ) or a dict with ENGINE and NAME. */
function readDefault(fallback: Value): Read {
  if (fallback.kind === 'unknown' && fallback.branches) return fromBranches(fallback.branches, readDefault);
  // A URL: the dict comes from dj_database_url / env.db at run time.
  if (fallback.kind === 'str' || (fallback.kind === 'unknown' && fallback.env)) {
    const variable = fallback.env?.variable;
    const url = fallback.kind === 'str' ? databaseFromUrl(fallback.value) : urlFromPartial(fallback);
    return { facts: { ...url, form: 'url', ...(variable ? { variable } : {}) } };
  }
  if (fallback.kind !== 'dict') return { note: `DATABASES["default"] is not read (${describe(fallback)})` };
  const engineValue = entry(fallback, 'ENGINE');
  const nameValue = entry(fallback, 'NAME');
  const engine: DatabaseEngine = engineValue?.kind === 'str' ? engineOf(engineValue.value) : 'unknown';
  const name = nameValue?.kind === 'str' || nameValue?.kind === 'path' ? nameValue.value : undefined;
  const variable = engineValue?.kind === 'str' || engineValue?.kind === 'unknown' ? engineValue.env?.variable : undefined;
  const spatial = engineValue?.kind === 'str' && isSpatialEngine(engineValue.value) ? engineValue.value : undefined;
  return { facts: { engine, form: 'dict', ...(name !== undefined ? { name } : {}), ...(variable ? { variable } : {}), ...(spatial ? { spatial } : {}) } };
}

/** f"sqlite:///{BASE_DIR / 'db.sqlite3'}": the scheme is literal even when the rest is not. */
function urlFromPartial(value: Extract<Value, { kind: 'unknown' }>): Pick<DatabaseFacts, 'engine'> {
  const first = value.partial?.[0];
  return typeof first === 'string' && first.includes('://') ? { engine: databaseFromUrl(`${first.slice(0, first.indexOf('://'))}://x/`).engine } : { engine: 'unknown' };
}

/**
 * DATABASES set on the branches of an `if`: every branch is reported; the engine is the one
 * the branches that can be read agree on (unknown when they differ).
 */
function fromBranches(branches: Branch[], read: (value: Value) => Read): Read {
  const rows = flattenBranches(branches).map((branch) => ({ branch, read: read(branch.value) }));
  const known = rows.flatMap(({ branch, read }) => ('facts' in read ? [{ branch, facts: read.facts }] : []));
  const engines = [...new Set(known.map(({ facts }) => facts.engine).filter((engine) => engine !== 'unknown'))];
  const engine: DatabaseEngine = engines.length === 1 ? engines[0]! : 'unknown';
  // What this stack meets when nothing is set: prefer a branch with that engine written out.
  const main = known.find(({ facts }) => facts.engine === engine && facts.form === 'dict') ?? known.find(({ facts }) => facts.engine === engine) ?? known[0];
  const listed: DatabaseBranch[] = known.map(({ branch, facts }) => ({
    engine: facts.engine,
    form: facts.form,
    ...(facts.variable ? { variable: facts.variable } : {}),
    when: describeCondition(branch.when) || 'otherwise',
    file: branch.file,
    line: branch.line,
  }));
  if (!main) return { note: `DATABASES is set on branches that are not read (${rows.map(({ read }) => ('note' in read ? read.note : '')).join('; ')})` };
  // A spatial backend on any branch is one this stack may meet.
  const spatial = known.find(({ facts }) => facts.spatial)?.facts.spatial;
  return { facts: { ...main.facts, engine, branches: listed, ...(spatial ? { spatial } : {}) } };
}
