/** Package lookups on detected dependencies: is X installed at run time, and which version. */
import type { Found } from '../found.js';
import type { DependencyFacts } from './manifests.js';
import { normalizeName } from './requirements.js';
import { lowestAllowed } from './versions.js';

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

export const djangoVersion = (dependencies: DependencyFacts): Found<string> | undefined => packageVersion(dependencies, 'django', DJANGO_RELEASES);
