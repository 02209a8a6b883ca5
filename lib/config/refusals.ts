/**
 * Everything that stops a run before anything is written, besides an answer that cannot be had:
 * gathered in one list so that one run reports every one of them (a project that needs three
 * options and a different database learns it all at once). Each check runs on as much of the
 * answers as there is: under --yes with missing answers, the others are still checked.
 */
import { answersOnDisk } from './answers-on-disk.js';
import type { ProjectFacts } from '../detect/project.js';
import { checkTlsFiles } from './tls-files.js';
import { defaultDatabase, type Answers } from './questions.js';
import { hueyRefusal } from './processes.js';
import { remoteStaticStop } from './remote-static.js';
import { databaseProblem } from './stack-config.js';
import { groupNames, unknownNames, withGroups } from '../detect/dependencies/groups.js';

export function refusals(root: string, answers: Partial<Answers>, facts: ProjectFacts): string[] {
  const lines: string[] = [];
  const attempt = (check: () => void) => {
    try {
      check();
    } catch {
      // A check that needs an answer this run does not have: the missing answer is reported instead.
    }
  };
  if (facts.remoteStatic && answers.remoteStatic === 'stop') lines.push(remoteStaticStop(facts));
  for (const shape of facts.unsupported ?? []) lines.push(`${shape.why}; found ${shape.found} (nothing written)`);
  if (facts.processes?.huey) lines.push(hueyRefusal(facts.processes.huey));
  attempt(() => {
    // A postgres stack without a driver would fail in migrate.
    const dependencies = facts.dependencyCandidates.find((candidate) => candidate.file === answers.dependencies);
    // The chosen dependency groups and extras are installed too: a driver in one of them counts.
    const groups = groupNames(answers.dependencyGroups ?? 'none');
    const extras = groupNames(answers.dependencyExtras ?? 'none');
    // A name that is no group or extra is refused by StackConfig, with the names there are: not taken for a missing driver.
    if (!dependencies || unknownNames('dependency-groups', groups, dependencies) || unknownNames('dependency-extras', extras, dependencies)) return;
    const noDriver = answers.database && databaseProblem(answers.database, withGroups(dependencies, groups, extras));
    if (!noDriver) return;
    const swarmDefault = answers.target === 'swarm' && defaultDatabase(facts) === 'sqlite';
    lines.push(swarmDefault ? `${noDriver} (PostgreSQL is the default with --target swarm, whose replicas cannot share a SQLite file)` : noDriver);
  });
  for (const problem of answersOnDisk(root, answers)) lines.push(`--${problem.field}: ${problem.message}`);
  attempt(() => lines.push(...checkTlsFiles(root, answers as Answers).problems.map((problem) => `${problem} (nothing written)`)));
  return lines;
}
