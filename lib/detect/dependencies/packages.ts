/** Package lookups on detected dependencies: is X installed at run time, and which version. */
import type { Found } from '../found.js';
import type { DependencyFacts } from './manifests.js';
import { normalizeName } from './requirements.js';
import { compare } from '@renovatebot/pep440';
import { cappedBelow, lowestAllowed } from './versions.js';

/** Django's feature releases: a range is reported as the lowest of these it allows. */
export const DJANGO_RELEASES = ['1.11', '2.0', '2.1', '2.2', '3.0', '3.1', '3.2', '4.0', '4.1', '4.2', '5.0', '5.1', '5.2', '6.0'] as const;

/** Whether the Dockerfile's install step installs `name` (dev groups, extras and constraints do not count). */
export function isRuntimeDependency(dependencies: DependencyFacts, name: string): boolean {
  const wanted = normalizeName(name);
  return dependencies.runtime.some((requirement) => requirement.name === wanted);
}

/**
 * A package's version: the locked one when the manager has a lock file, else the lowest of
 * `releases` (or of the versions the specifier names) that its runtime specifier allows.
 */
export function packageVersion(dependencies: DependencyFacts, name: string, releases: readonly string[]): Found<string> | undefined {
  const wanted = normalizeName(name);
  const locked = dependencies.locked.find((entry) => entry.name === wanted);
  if (locked) return { value: locked.version, source: locked.source };
  const requirement = dependencies.runtime.find((entry) => entry.name === wanted);
  if (!requirement) return undefined;
  if (!requirement.specifier) return { value: 'any version', source: requirement.source, note: 'no version specifier' };
  const lowest = lowestAllowed(requirement.ranges, releases);
  return lowest ? { value: lowest, source: requirement.source, note: `from "${requirement.specifier}"` } : undefined;
}

/**
 * A package held below `limit`: locked at an older version, or a runtime requirement that
 * allows nothing from `limit` on (`==5.2.4` from a pip freeze, `<5.3`). Undefined when the
 * installer may pick `limit` or newer, or when the package is not named at all.
 */
export function heldBelow(dependencies: DependencyFacts, name: string, limit: string): Found<string> | undefined {
  const wanted = normalizeName(name);
  const locked = dependencies.locked.find((entry) => entry.name === wanted);
  if (locked) return compare(locked.version, limit) < 0 ? { value: locked.version, source: locked.source } : undefined;
  const requirement = dependencies.runtime.find((entry) => entry.name === wanted && entry.ranges.every((range) => cappedBelow(range, limit)));
  return requirement ? { value: requirement.specifier, source: requirement.source } : undefined;
}

export const djangoVersion = (dependencies: DependencyFacts): Found<string> | undefined => packageVersion(dependencies, 'django', DJANGO_RELEASES);

/**
 * A PostgreSQL driver the image installs, and what it needs from the system (the Debian
 * packages themselves come from system-packages.ts, the one table):
 * - psycopg[binary] (or psycopg-binary beside it) and psycopg2-binary bring their own libpq;
 * - plain psycopg loads the system's libpq at run time: python:*-slim has none (libpq5);
 * - psycopg[c] (psycopg-c) and psycopg2 build from source: libpq's headers and a compiler in
 *   the builder, libpq5 at run time.
 */
export interface PostgresDriver {
  module: 'psycopg' | 'psycopg2';
  system: 'none' | 'libpq' | 'build';
}

export function postgresDriver(dependencies: DependencyFacts): Found<PostgresDriver> | undefined {
  const runtime = (name: string) => dependencies.runtime.find((requirement) => requirement.name === name);
  const present = (name: string) => Boolean(runtime(name) ?? dependencies.locked.find((entry) => entry.name === name));
  const psycopg = runtime('psycopg');
  if (psycopg) {
    const extras = dependencies.runtime.filter((requirement) => requirement.name === 'psycopg').flatMap((requirement) => requirement.extras ?? []);
    // With both, psycopg imports the binary build first.
    if (extras.includes('binary') || present('psycopg-binary')) return { value: { module: 'psycopg', system: 'none' }, source: psycopg.source, note: 'with its own libpq' };
    if (extras.includes('c') || present('psycopg-c')) {
      return { value: { module: 'psycopg', system: 'build' }, source: psycopg.source, note: 'psycopg-c, built from source: needs libpq-dev and a compiler' };
    }
    return { value: { module: 'psycopg', system: 'libpq' }, source: psycopg.source, note: 'needs the system libpq' };
  }
  const binary2 = runtime('psycopg2-binary');
  if (binary2) return { value: { module: 'psycopg2', system: 'none' }, source: binary2.source, note: 'psycopg2-binary' };
  const source2 = runtime('psycopg2');
  if (source2) return { value: { module: 'psycopg2', system: 'build' }, source: source2.source, note: 'built from source: needs libpq-dev and a compiler' };
  return undefined;
}
