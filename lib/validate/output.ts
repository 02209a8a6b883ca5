/**
 * Validation of the complete output before anything is written: the compose schema, the
 * Dockerfile's syntax, and the cross-file invariants. Each problem names its file.
 */
import { parse } from 'yaml';
import type { StackConfig } from '../config/stack-config.js';
import { composeSchemaErrors } from './compose-schema.js';
import { dockerfileErrors } from './dockerfile.js';
import { checkInvariants, type FileReader, type Problem } from './invariants.js';
import { swarmOutputProblems } from './swarm-output.js';

export function validateOutput(config: StackConfig, read: FileReader): Problem[] {
  const problems: Problem[] = [];
  const compose = parseYaml(config.files.compose, read, problems);
  if (compose !== undefined) {
    for (const message of composeSchemaErrors(compose)) problems.push({ file: config.files.compose, message: `compose-spec schema: ${message}` });
  }
  if (config.swarm) problems.push(...swarmOutputProblems(config, parseYaml(config.files.stack, read, problems), read));
  const dockerfile = read(config.files.dockerfile);
  if (dockerfile === undefined) problems.push({ file: config.files.dockerfile, message: 'is missing' });
  else for (const message of dockerfileErrors(dockerfile)) problems.push({ file: config.files.dockerfile, message });

  problems.push(...checkInvariants(config, read));
  return problems;
}

/** The file as data; undefined when absent or broken (a problem says which). */
function parseYaml(file: string, read: FileReader, problems: Problem[]): unknown {
  const text = read(file);
  if (text === undefined) return undefined;
  try {
    return parse(text);
  } catch (error) {
    problems.push({ file, message: `is not valid YAML: ${(error as Error).message}` });
    return undefined;
  }
}

export class InvalidOutputError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`the generated files failed validation, so nothing was written:\n${problems.map((p) => `  ${p.file}: ${p.message}`).join('\n')}`);
    this.name = 'InvalidOutputError';
  }
}
