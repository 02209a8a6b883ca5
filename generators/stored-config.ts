/**
 * The StackConfig of a project generated earlier, rebuilt from the answers `yo django-static`
 * stored in .yo-rc.json: what `check` and `rollback` run against is what was generated.
 */
import { isProjectFile, stackFiles } from '../lib/config/file-names.js';
import type { Answers } from '../lib/config/questions.js';
import { buildStackConfig, ConfigError, type StackConfig } from '../lib/config/stack-config.js';
import { answersOnDisk } from '../lib/config/answers-on-disk.js';
import { withDependencyFile } from '../lib/detect/dependencies/manifests.js';
import { detectProject } from '../lib/detect/project.js';
import type { Manifest } from '../lib/regen/manifest.js';

export function storedStackConfig(root: string, stored: Manifest | undefined, target: unknown): StackConfig {
  if (!stored) throw new Error('no .yo-rc.json from `yo django-static` here: generate the stack first');
  try {
    const answers = withTarget(stored.answers as Answers, target);
    const onDisk = answersOnDisk(root, answers);
    if (onDisk.length > 0) throw new ConfigError(onDisk);
    const facts = withDependencyFile(detectProject(root, { settingsModule: answers.settingsModule }), answers.dependencies);
    return buildStackConfig(answers, facts, stackFiles(isProjectFile(root), Object.keys(stored.files)));
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`the stored answers are no longer valid for this project:\n${error.message}`, { cause: error });
    throw error;
  }
}

/** --target overrides the stored answer for this run; swarm needs the answers a --target swarm generation stored. */
function withTarget(answers: Answers, target: unknown): Answers {
  if (target === undefined) return answers;
  if (target !== 'compose' && target !== 'swarm') throw new Error(`--target ${String(target)}: use compose or swarm`);
  if (target === 'swarm' && answers.target !== 'swarm')
    throw new Error('--target swarm: this project was generated for compose; generate it with `yo django-static --target swarm` first (it writes stack.yaml and swarm.sh)');
  return { ...answers, target };
}

/** --timeout in seconds, checked. */
export function timeoutSeconds(value: unknown): number {
  const timeout = Number(value);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new Error(`--timeout ${String(value)}: give a number of seconds`);
  return timeout;
}
