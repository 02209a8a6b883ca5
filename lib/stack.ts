/**
 * The pipeline's two pure steps over every target: renderStack (the whole stack as a function
 * of its StackConfig; no Yeoman, no disk: the generator writes the plan through this.fs, tests
 * and golden files turn it into text with `materialize`) and validateOutput (the complete
 * output checked before anything is written; each problem names its file).
 */
import type { StackConfig } from './config/stack-config.js';
import { templateFiles, type PlannedFile } from './render/files.js';
import { targetsOf } from './targets/index.js';
import { dockerfileErrors } from './validate/dockerfile.js';
import { checkInvariants, type FileReader, type Problem } from './validate/invariants.js';

export type { PlannedFile } from './render/files.js';
export { materialize, TEMPLATES_DIR } from './render/materialize.js';

export function renderStack(config: StackConfig): PlannedFile[] {
  const targets = targetsOf(config);
  return [...targets.map((target) => target.stackFile(config)), ...templateFiles(config), ...targets.flatMap((target) => target.files(config))];
}

export function validateOutput(config: StackConfig, read: FileReader): Problem[] {
  const problems = targetsOf(config).flatMap((target) => target.validate(config, read));
  const dockerfile = read(config.files.dockerfile);
  if (dockerfile === undefined) problems.push({ file: config.files.dockerfile, message: 'is missing' });
  else for (const message of dockerfileErrors(dockerfile)) problems.push({ file: config.files.dockerfile, message });
  problems.push(...checkInvariants(config, read));
  return problems;
}

export class InvalidOutputError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the generated files failed validation, so nothing was written:\n${problems.map((p) => `  ${p.file}: ${p.message}`).join('\n')}`);
    this.name = 'InvalidOutputError';
  }
}
