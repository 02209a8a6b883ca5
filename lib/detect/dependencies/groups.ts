/**
 * Dependency groups (PEP 735 [dependency-groups], Poetry's [tool.poetry.group.<name>], PDM's groups)
 * and the project's own extras ([project.optional-dependencies], [tool.poetry.extras]): which ones a
 * production image installs. Both are chosen alike: one named for production wins; otherwise those
 * that hold what the stack runs (gunicorn, uWSGI, a database driver), minus those named for development.
 */
import path from 'node:path';
import { MANIFEST_OF, type DependencyFacts, type DependencyGroup } from './manifests.js';

export interface GroupChoice {
  groups: string[];
  /** Why, for the run's output. */
  why: string;
}

const PRODUCTION_NAMES = new Set(['prod', 'production', 'deploy', 'deployment', 'release', 'server', 'web']);
const DEVELOPMENT_NAMES = /^(dev|develop|development|test|tests|testing|lint|linting|docs|doc|typing|types|ci|debug|local|format|mypy)$/;
/** Extras that are alternatives or everything at once (`mysql` beside `postgres`, `all`): chosen by name only. */
const ALTERNATIVE_NAMES = /^(mysql|mariadb|postgres|postgresql|pg|psycopg|psycopg2|sqlite|oracle|mssql|all|full)$/;
const RUNS_THE_STACK = new Set(['gunicorn', 'uwsgi', 'uvicorn', 'psycopg', 'psycopg-binary', 'psycopg-c', 'psycopg2', 'psycopg2-binary', 'mysqlclient']);

/**
 * The groups a production image installs when no --dependency-groups says otherwise. `server`: the
 * packages the chosen app server runs on (uvicorn for an ASGI project), so that a group holding it
 * beside one named for production is installed too (an ASGI app imports what that group brings).
 */
export const defaultGroups = (groups: readonly DependencyGroup[], server: readonly string[] = []): GroupChoice => defaultChoice(groups, DEVELOPMENT_NAMES, server);

/** The extras it installs when no --dependency-extras says otherwise: as groups, but not one named for a single database or for all. */
export const defaultExtras = (extras: readonly DependencyGroup[], server: readonly string[] = []): GroupChoice =>
  defaultChoice(extras, new RegExp(`${DEVELOPMENT_NAMES.source}|${ALTERNATIVE_NAMES.source}`), server);

function defaultChoice(groups: readonly DependencyGroup[], notForProduction: RegExp, server: readonly string[]): GroupChoice {
  const named = groups.filter((group) => PRODUCTION_NAMES.has(group.name.toLowerCase()));
  if (named.length > 0) {
    const holds = (group: DependencyGroup, name: string) => group.requirements.some((requirement) => requirement.name === name);
    const missing = server.filter((name) => !named.some((group) => holds(group, name)));
    const serving = groups.filter((group) => !named.includes(group) && !notForProduction.test(group.name.toLowerCase()) && missing.some((name) => holds(group, name)));
    const why = 'named for production';
    if (serving.length === 0) return { groups: named.map((group) => group.name), why };
    const served = missing.filter((name) => serving.some((group) => holds(group, name)));
    return { groups: [...named, ...serving].map((group) => group.name), why: `${why}; ${serving.map((group) => group.name).join(', ')} for ${served.join(', ')}, the app server` };
  }
  const holding = groups.filter((group) => !notForProduction.test(group.name.toLowerCase()) && group.requirements.some((requirement) => RUNS_THE_STACK.has(requirement.name)));
  if (holding.length > 0) {
    const what = [...new Set(holding.flatMap((group) => group.requirements.map((requirement) => requirement.name).filter((name) => RUNS_THE_STACK.has(name))))];
    return { groups: holding.map((group) => group.name), why: `they hold ${what.join(', ')}` };
  }
  return { groups: [], why: groups.length ? 'none is named for production (prod, production, deploy) or holds gunicorn or a database driver' : 'there are none' };
}

/** The --dependency-groups (--dependency-extras) answer as names ('none': none). */
export const groupNames = (answer: string): string[] =>
  answer.trim() === 'none'
    ? []
    : answer
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);

/**
 * What the install step installs with these groups and extras: the runtime requirements plus
 * theirs, and only the lock entries the main dependencies, a chosen group or a chosen extra
 * install (when the lock says).
 */
export function withGroups(facts: DependencyFacts, names: readonly string[], extraNames: readonly string[] = []): DependencyFacts {
  const chosen = [...(facts.groups ?? []).filter((group) => names.includes(group.name)), ...(facts.extras ?? []).filter((extra) => extraNames.includes(extra.name))];
  const locked = facts.locked.filter(
    (entry) =>
      !entry.installedBy || entry.installedBy.main || entry.installedBy.groups.some((group) => names.includes(group)) || (entry.installedBy.extras ?? []).some((extra) => extraNames.includes(extra)),
  );
  return { ...facts, runtime: [...facts.runtime, ...chosen.flatMap((group) => group.requirements)], locked };
}

/** What the install step installs when nothing is answered: the default groups and extras. */
export const withDefaults = (facts: DependencyFacts): DependencyFacts => withGroups(facts, defaultGroups(facts.groups ?? []).groups, defaultExtras(facts.extras ?? []).groups);

/** The default answer for a dependency file: its default groups, or 'none'. `server`: as for defaultGroups. */
export const defaultGroupsAnswer = (facts: DependencyFacts, server: readonly string[] = []): string => defaultGroups(facts.groups ?? [], notMain(facts, server)).groups.join(',') || 'none';

/** The default answer for a dependency file's extras: its default extras, or 'none'. */
export const defaultExtrasAnswer = (facts: DependencyFacts, server: readonly string[] = []): string => defaultExtras(facts.extras ?? [], notMain(facts, server)).groups.join(',') || 'none';

/** The server's packages the main dependencies lack. */
const notMain = (facts: DependencyFacts, server: readonly string[]) => server.filter((name) => !facts.runtime.some((requirement) => requirement.name === name));

/** The run's line on the groups (or extras): which are installed and why, and how to choose others. */
function choiceNotice(kind: 'groups' | 'extras', facts: DependencyFacts, chosen: readonly string[], server: readonly string[]): string | undefined {
  const groups = (kind === 'groups' ? facts.groups : facts.extras) ?? [];
  if (groups.length === 0) return undefined;
  const byDefault = kind === 'groups' ? defaultGroups(groups, notMain(facts, server)) : defaultExtras(groups, notMain(facts, server));
  const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');
  const others = groups.map((group) => group.name).filter((name) => !chosen.includes(name));
  const why = chosen.join(',') === byDefault.groups.join(',') ? byDefault.why : `as answered; by default: ${list(byDefault.groups)}, ${byDefault.why}`;
  const what = kind === 'groups' ? 'dependency groups' : 'optional extras';
  return `${what} of ${facts.file}: installing ${list(chosen)} (${why}), not ${list(others)}; --dependency-${kind} <a,b> (or none) to choose`;
}

export const groupNotice = (facts: DependencyFacts, chosen: readonly string[], server: readonly string[] = []): string | undefined => choiceNotice('groups', facts, chosen, server);
export const extrasNotice = (facts: DependencyFacts, chosen: readonly string[], server: readonly string[] = []): string | undefined => choiceNotice('extras', facts, chosen, server);

/**
 * Names answered for --dependency-groups (--dependency-extras) that the manifest does not have,
 * said with those it has. A file with none is said so: the option is then not for this project.
 */
export function unknownNames(option: 'dependency-groups' | 'dependency-extras', names: readonly string[], dependencies: DependencyFacts): string | undefined {
  const known = (option === 'dependency-groups' ? dependencies.groups : dependencies.extras) ?? [];
  const unknown = names.filter((name) => !known.some((group) => group.name === name));
  if (unknown.length === 0) return undefined;
  const what = option === 'dependency-groups' ? 'dependency group' : 'optional extra';
  const file = MANIFEST_OF[path.posix.basename(dependencies.file)] ?? dependencies.file;
  if (known.length === 0) return `${unknown.join(', ')}: ${file} has no ${what}s to choose from; leave --${option} out (or pass none)`;
  return `${unknown.join(', ')}: no such ${what} in ${file} (it has ${known.map((group) => group.name).join(', ')}); pass --${option} with those, or none`;
}
