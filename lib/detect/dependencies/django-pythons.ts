/**
 * The Python versions a project's Django supports, from Django's FAQ ("What Python version can I
 * use with Django?"): a project that holds Django 2.2 runs on Python 3.9 at the newest, whatever
 * its own `python = ">=3.7"` allows.
 */
import { compare, major, minor, valid } from '@renovatebot/pep440';
import type { DependencyFacts } from './manifests.js';
import { allows } from './versions.js';

interface DjangoPythons {
  oldest: string;
  newest: string;
  /** Pythons a later patch release added: 2.2.8 added 3.8. */
  since?: Record<string, string>;
}

/** Django feature release → the Pythons it supports (2.7 of 1.11 left out: no image runs it). */
const PYTHONS_OF_DJANGO: Readonly<Record<string, DjangoPythons>> = {
  '1.11': { oldest: '3.4', newest: '3.7', since: { '3.7': '1.11.17' } },
  '2.0': { oldest: '3.4', newest: '3.7' },
  '2.1': { oldest: '3.5', newest: '3.7' },
  '2.2': { oldest: '3.5', newest: '3.9', since: { '3.8': '2.2.8', '3.9': '2.2.17' } },
  '3.0': { oldest: '3.6', newest: '3.9', since: { '3.9': '3.0.11' } },
  '3.1': { oldest: '3.6', newest: '3.9', since: { '3.9': '3.1.3' } },
  '3.2': { oldest: '3.6', newest: '3.10', since: { '3.10': '3.2.9' } },
  '4.0': { oldest: '3.8', newest: '3.10' },
  '4.1': { oldest: '3.8', newest: '3.11', since: { '3.11': '4.1.3' } },
  '4.2': { oldest: '3.8', newest: '3.12', since: { '3.12': '4.2.8' } },
  '5.0': { oldest: '3.10', newest: '3.12' },
  '5.1': { oldest: '3.10', newest: '3.13', since: { '3.13': '5.1.3' } },
  '5.2': { oldest: '3.10', newest: '3.14', since: { '3.14': '5.2.8' } },
  '6.0': { oldest: '3.12', newest: '3.14' },
};

export interface DjangoPythonLimit {
  /** Whether the project's Django supports this Python (major.minor). */
  supports: (python: string) => boolean;
  /** "Django 2.2.28 supports Python 3.5–3.9". */
  why: string;
}

const byVersion = (a: string, b: string) => compare(a, b);
const minorOf = (version: string) => `${major(version)}.${minor(version)}`;

/** The Pythons one Django version supports (patch-level additions counted), or undefined for a release the table does not know. */
function pythonsOf(django: string): { oldest: string; newest: string } | undefined {
  const row = PYTHONS_OF_DJANGO[minorOf(django)];
  if (!row) return undefined;
  const later = Object.entries(row.since ?? {})
    .filter(([, since]) => compare(django, since) < 0)
    .map(([python]) => python)
    .sort(byVersion);
  const newest = later.length ? `3.${Number(later[0]!.split('.')[1]) - 1}` : row.newest;
  return { oldest: row.oldest, newest };
}

/**
 * The limit the project's Django sets: its locked version, else every Django its runtime
 * requirement allows (each feature release's newest patch, and the exact versions it names).
 * Undefined when Django is not held to releases the table knows (no specifier, `>=4.2` with no cap).
 */
export function djangoPythonLimit(dependencies: DependencyFacts | undefined): DjangoPythonLimit | undefined {
  if (!dependencies) return undefined;
  const locked = dependencies.locked.find((entry) => entry.name === 'django');
  const requirement = dependencies.runtime.find((entry) => entry.name === 'django');
  let ranges: { oldest: string; newest: string }[];
  let what: string;
  if (locked && valid(locked.version) !== null) {
    ranges = [pythonsOf(locked.version)].flatMap((range) => range ?? []);
    what = `Django ${locked.version}`;
  } else if (requirement?.specifier && !allows('999', requirement.ranges)) {
    const named = requirement.ranges.flat().map((clause) => clause.version);
    const candidates = [...Object.keys(PYTHONS_OF_DJANGO).map((release) => `${release}.9999`), ...named.filter((version) => valid(version) !== null)];
    ranges = candidates.filter((version) => allows(version, requirement.ranges)).flatMap((version) => pythonsOf(version) ?? []);
    what = `Django "${requirement.specifier}"`;
  } else return undefined;
  if (ranges.length === 0) return undefined;
  const oldest = ranges.map((range) => range.oldest).sort(byVersion)[0]!;
  const newest = ranges
    .map((range) => range.newest)
    .sort(byVersion)
    .at(-1)!;
  return { supports: (python) => compare(python, oldest) >= 0 && compare(python, newest) <= 0, why: `${what} supports Python ${oldest}–${newest}` };
}
