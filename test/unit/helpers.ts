import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import { DEFAULTS, QUESTIONS, type Answers } from '../../lib/config/questions.js';
import { buildStackConfig, type StackConfig } from '../../lib/config/stack-config.js';
import { detectProject } from '../../lib/detect/project.js';
import { packageRoot } from '../../lib/package-root.js';
import { renderCompose } from '../../lib/render/compose.js';
import { GENERATED_FILES, templateFiles } from '../../lib/render/files.js';
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

/** Renders every file the generator would write (ejs directly, same templates and data). */
export function renderAll(files: Files, overrides: Partial<Answers> = {}): { root: string; config: StackConfig; output: Map<string, string> } {
  const root = writeProject(files);
  const config = buildStackConfig(defaultAnswers(root, overrides), detectProject(root));
  const output = new Map<string, string>([[GENERATED_FILES.compose, renderCompose(config)]]);
  for (const file of templateFiles(config)) {
    if ('template' in file) {
      const template = fs.readFileSync(path.join(packageRoot(), 'templates', file.template), 'utf8');
      output.set(file.path, ejs.render(template, file.data));
    } else output.set(file.path, file.content);
  }
  return { root, config, output };
}
