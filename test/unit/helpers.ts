import { DEFAULTS, QUESTIONS, type Answers } from '../../lib/config/questions.js';
import { buildStackConfig, type StackConfig } from '../../lib/config/stack-config.js';
import { detectProject } from '../../lib/detect/project.js';
import { materialize, renderStack } from '../../lib/render/stack.js';
import { writeProject, type Files } from '../fixtures/projects.js';

/** Answers as --yes would take them: every question's detected default. */
export function defaultAnswers(root: string, overrides: Partial<Answers> = {}): Answers {
  const facts = detectProject(root);
  const answers: Partial<Answers> = {};
  for (const q of QUESTIONS) {
    (answers as Record<string, unknown>)[q.name] = overrides[q.name] ?? q.detect(facts, answers) ?? (q.name === 'mediaUrl' ? DEFAULTS.mediaUrl : undefined);
  }
  return answers as Answers;
}

/** Every file the generator would write, through the product's own renderStack. */
export function renderAll(files: Files, overrides: Partial<Answers> = {}): { root: string; config: StackConfig; output: Map<string, string> } {
  const root = writeProject(files);
  const config = buildStackConfig(defaultAnswers(root, overrides), detectProject(root));
  return { root, config, output: materialize(renderStack(config)) };
}
