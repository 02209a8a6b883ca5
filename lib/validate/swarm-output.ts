/**
 * --target swarm, before anything is written: stack.yaml against the compose-spec schema and
 * Swarm's own rules, the two nginx configurations read with nginx's grammar (the static
 * service serves exactly where the release Dockerfile copies the files), and the Dockerfile.
 */
import { GENERATED_FILES } from '../config/names.js';
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
  for (const file of [GENERATED_FILES.stack, GENERATED_FILES.swarmScript, GENERATED_FILES.releaseDockerfile, GENERATED_FILES.nginxFrontConf, GENERATED_FILES.nginxStaticConf]) missing(file);
  if (stack !== undefined) {
    for (const message of composeSchemaErrors(stack)) problems.push({ file: GENERATED_FILES.stack, message: `compose-spec schema: ${message}` });
    for (const message of swarmRuleErrors(stack)) problems.push({ file: GENERATED_FILES.stack, message: `Swarm: ${message}` });
  }
  const release = read(GENERATED_FILES.releaseDockerfile);
  for (const message of release === undefined ? [] : dockerfileErrors(release)) problems.push({ file: GENERATED_FILES.releaseDockerfile, message });

  for (const file of [GENERATED_FILES.nginxFrontConf, GENERATED_FILES.nginxStaticConf]) {
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
  const staticConf = read(GENERATED_FILES.nginxStaticConf);
  if (staticConf !== undefined && problems.every((problem) => problem.file !== GENERATED_FILES.nginxStaticConf)) {
    const served = fileLocations(staticConf).find((location) => location.prefix === config.static.url);
    if (served?.directory !== config.static.nginxDir) {
      problems.push({
        file: GENERATED_FILES.nginxStaticConf,
        message: `serves ${config.static.url} from ${served?.directory ?? 'nowhere'}, but ${GENERATED_FILES.releaseDockerfile} copies the collected files to ${config.static.nginxDir}`,
      });
    }
  }
  return problems;
}
