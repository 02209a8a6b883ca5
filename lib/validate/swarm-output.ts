/**
 * --target swarm, before anything is written: stack.yaml against the compose-spec schema and
 * Swarm's own rules, the two nginx configurations read with nginx's grammar (the static
 * service serves exactly where the release Dockerfile copies the files), and the Dockerfile.
 */
import type { StackConfig } from '../config/stack-config.js';
import { NginxSyntaxError } from '../nginx/parse.js';
import { composeSchemaErrors } from './compose-schema.js';
import { dockerfileErrors } from './dockerfile.js';
import type { FileReader, Problem } from './invariants.js';
import { fileLocations, parseNginx } from './nginx-conf.js';
import { swarmRuleErrors } from './swarm-rules.js';

export function swarmOutputProblems(config: StackConfig, stack: unknown, read: FileReader): Problem[] {
  const problems: Problem[] = [];
  const missing = (file: string) => read(file) === undefined && problems.push({ file, message: 'is missing' });
  for (const file of [config.files.stack, config.files.swarmScript, config.files.releaseDockerfile, config.files.nginxFrontConf, config.files.nginxStaticConf]) missing(file);
  if (stack !== undefined) {
    for (const message of composeSchemaErrors(stack)) problems.push({ file: config.files.stack, message: `compose-spec schema: ${message}` });
    for (const message of swarmRuleErrors(stack)) problems.push({ file: config.files.stack, message: `Swarm: ${message}` });
  }
  const release = read(config.files.releaseDockerfile);
  for (const message of release === undefined ? [] : dockerfileErrors(release)) problems.push({ file: config.files.releaseDockerfile, message });

  for (const file of [config.files.nginxFrontConf, config.files.nginxStaticConf]) {
    const text = read(file);
    if (text === undefined) continue;
    try {
      parseNginx(text);
    } catch (error) {
      if (!(error instanceof NginxSyntaxError)) throw error;
      problems.push({ file, message: `line ${error.line}: ${error.reason}` });
      continue;
    }
    for (const location of fileLocations(text)) for (const message of location.problems) problems.push({ file, message });
  }
  const staticConf = read(config.files.nginxStaticConf);
  if (staticConf !== undefined && problems.every((problem) => problem.file !== config.files.nginxStaticConf)) {
    const served = fileLocations(staticConf).find((location) => location.prefix === config.static.url);
    if (served?.directory !== config.static.nginxDir) {
      problems.push({
        file: config.files.nginxStaticConf,
        message: `serves ${config.static.url} from ${served?.directory ?? 'nowhere'}, but ${config.files.releaseDockerfile} copies the collected files to ${config.static.nginxDir}`,
      });
    }
  }
  return problems;
}
