/** The swarm target: stack.yaml, swarm.sh and the release images, deployed by swarm.sh on a manager. */
import { parse } from 'yaml';
import { swarmNextSteps, swarmNotices } from './notices.js';
import { swarmOutputProblems } from '../../validate/swarm-output.js';
import type { Problem } from '../../validate/invariants.js';
import type { Target } from '../target.js';
import { swarmFiles } from './files.js';
import { SWARM_TRAITS, renderSwarmStack } from './render.js';

export const swarm: Target = {
  name: 'swarm',
  traits: SWARM_TRAITS,
  stackFile: (config) => ({ path: config.files.stack, content: renderSwarmStack(config) }),
  files: swarmFiles,
  validate(config, read) {
    const problems: Problem[] = [];
    const file = config.files.stack;
    const text = read(file);
    let stack: unknown;
    try {
      stack = text === undefined ? undefined : parse(text);
    } catch (error) {
      problems.push({ file, message: `is not valid YAML: ${(error as Error).message}` });
    }
    return [...problems, ...swarmOutputProblems(config, stack, read)];
  },
  notices: swarmNotices,
  nextSteps: swarmNextSteps,
  runtime: async (...args) => (await import('./runtime.js')).openSwarmRuntime(...args),
};
