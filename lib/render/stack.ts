/**
 * renderStack: the whole stack as a pure function of its StackConfig. No Yeoman, no disk:
 * the generator writes the plan through this.fs (templates with copyTpl), and tests, golden
 * files and other targets turn it into text with `materialize`.
 */
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { StackConfig } from '../config/stack-config.js';
import { packageRoot } from '../package-root.js';
import { renderCompose } from './compose.js';
import { renderSwarmStack } from './swarm.js';
import { templateFiles, type PlannedFile } from './files.js';

export type { PlannedFile } from './files.js';

export function renderStack(config: StackConfig): PlannedFile[] {
  const stack = config.swarm ? [{ path: config.files.stack, content: renderSwarmStack(config) }] : [];
  return [{ path: config.files.compose, content: renderCompose(config) }, ...stack, ...templateFiles(config)];
}

export const TEMPLATES_DIR = path.join(packageRoot(), 'templates');

/** The plan as file contents, rendered with the same ejs options copyTpl uses. */
export function materialize(plan: PlannedFile[], templatesDir = TEMPLATES_DIR): Map<string, string> {
  return new Map(
    plan.map((file) => {
      if ('content' in file) return [file.path, file.content];
      const filename = path.join(templatesDir, file.template);
      return [file.path, ejs.render(fs.readFileSync(filename, 'utf8'), file.data, { filename })];
    }),
  );
}
