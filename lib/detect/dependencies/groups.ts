/**
 * Dependency groups (PEP 735 [dependency-groups], Poetry's [tool.poetry.group.<name>], PDM's groups): which
 * ones a production image installs. A group named for production wins; otherwise the groups that
 * hold what the stack runs (gunicorn, uWSGI, a database driver), minus those named for development.
 */
import type { DependencyFacts, DependencyGroup } from './manifests.js';

export interface GroupChoice {
  groups: string[];
  /** Why, for the run's output. */
  why: string;
}

const PRODUCTION_NAMES = new Set(['prod', 'production', 'deploy', 'deployment', 'release', 'server', 'web']);
const DEVELOPMENT_NAMES = /^(dev|develop|development|test|tests|testing|lint|linting|docs|doc|typing|types|ci|debug|local|format|mypy)$/;
const RUNS_THE_STACK = new Set(['gunicorn', 'uwsgi', 'psycopg', 'psycopg-binary', 'psycopg-c', 'psycopg2', 'psycopg2-binary', 'mysqlclient']);

/** The groups a production image installs when no --dependency-groups says otherwise. */
export function defaultGroups(groups: readonly DependencyGroup[]): GroupChoice {
  const named = groups.filter((group) => PRODUCTION_NAMES.has(group.name.toLowerCase()));
  if (named.length > 0) return { groups: named.map((group) => group.name), why: 'named for production' };
  const holding = groups.filter((group) => !DEVELOPMENT_NAMES.test(group.name.toLowerCase()) && group.requirements.some((requirement) => RUNS_THE_STACK.has(requirement.name)));
  if (holding.length > 0) {
    const what = [...new Set(holding.flatMap((group) => group.requirements.map((requirement) => requirement.name).filter((name) => RUNS_THE_STACK.has(name))))];
    return { groups: holding.map((group) => group.name), why: `they hold ${what.join(', ')}` };
  }
  return { groups: [], why: groups.length ? 'none is named for production (prod, production, deploy) or holds gunicorn or a database driver' : 'there are none' };
}

/** The --dependency-groups answer as group names ('none': no group). */
export const groupNames = (answer: string): string[] =>
  answer.trim() === 'none'
    ? []
    : answer
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean);

/**
 * What the install step installs with these groups: the runtime requirements plus theirs, and
 * only the lock entries the main dependencies or a chosen group install (when the lock says).
 */
export function withGroups(facts: DependencyFacts, names: readonly string[]): DependencyFacts {
  const chosen = (facts.groups ?? []).filter((group) => names.includes(group.name));
  const locked = facts.locked.filter((entry) => !entry.installedBy || entry.installedBy.main || entry.installedBy.groups.some((group) => names.includes(group)));
  return { ...facts, runtime: [...facts.runtime, ...chosen.flatMap((group) => group.requirements)], locked };
}

/** The default answer for a dependency file: its default groups, or 'none'. */
export const defaultGroupsAnswer = (facts: DependencyFacts): string => defaultGroups(facts.groups ?? []).groups.join(',') || 'none';

/** The run's line on the groups: which are installed and why, and how to choose others. */
export function groupNotice(facts: DependencyFacts, chosen: readonly string[]): string | undefined {
  const groups = facts.groups ?? [];
  if (groups.length === 0) return undefined;
  const byDefault = defaultGroups(groups);
  const list = (names: readonly string[]) => (names.length ? names.join(', ') : 'none');
  const others = groups.map((group) => group.name).filter((name) => !chosen.includes(name));
  const why = chosen.join(',') === byDefault.groups.join(',') ? byDefault.why : `as answered; by default: ${list(byDefault.groups)}, ${byDefault.why}`;
  return `dependency groups of ${facts.file}: installing ${list(chosen)} (${why}), not ${list(others)}; --dependency-groups <a,b> (or none) to choose`;
}
