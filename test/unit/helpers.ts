import { spawnSync } from 'node:child_process';
import { defaultAnswers as resolveDefaults, type Resolved } from '../../lib/config/answers.js';
import type { Answers } from '../../lib/config/questions.js';
import { buildStackConfig, type StackConfig } from '../../lib/config/stack-config.js';
import { detectProject } from '../../lib/detect/project.js';
import { materialize, renderStack } from '../../lib/stack.js';
import { writeProject, type Files } from '../fixtures/projects.js';

/** What --yes resolves for the project in `root`, through the product's own answer resolution. */
export function resolveForTest(root: string, overrides: Partial<Answers> = {}): Resolved {
  return resolveDefaults({
    facts: detectProject(root),
    cliValues: overrides,
    warn: () => {},
    redetect: (settingsModule) => detectProject(root, { settingsModule }),
  });
}

/** Answers as --yes would take them. */
export function defaultAnswers(root: string, overrides: Partial<Answers> = {}): Answers {
  return resolveForTest(root, overrides).answers;
}

/** Every file the generator would write, through the product's own renderStack. */
export function renderAll(files: Files, overrides: Partial<Answers> = {}): { root: string; config: StackConfig; output: Map<string, string> } {
  const root = writeProject(files);
  const { answers, facts } = resolveForTest(root, overrides);
  const config = buildStackConfig(answers, facts);
  return { root, config, output: materialize(renderStack(config)) };
}

/** The Dockerfile's `RUN python -c "..."` that lists the requirements, run by the shell as the image's would; python3 stands in for the image's python. */
export function runRequirementsCommand(dockerfile: string, cwd: string) {
  const command = dockerfile.split('\n').find((line) => line.startsWith('RUN python -c'))!;
  return spawnSync('sh', ['-c', `python3${command.slice('RUN python'.length, command.indexOf(' > /tmp/requirements.txt'))}`], { cwd, encoding: 'utf8' });
}
