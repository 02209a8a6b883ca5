/** The compose target: compose.yaml, built and started on one engine; always written, as the local target. */
import { parse } from 'yaml';
import { composeSchemaErrors } from '../../validate/compose-schema.js';
import type { Target } from '../target.js';
import { COMPOSE_TRAITS, renderCompose } from './render.js';

export const compose: Target = {
  name: 'compose',
  traits: COMPOSE_TRAITS,
  stackFile: (config) => ({ path: config.files.compose, content: renderCompose(config) }),
  files: () => [],
  validate(config, read) {
    const file = config.files.compose;
    const text = read(file);
    if (text === undefined) return [];
    let data: unknown;
    try {
      data = parse(text);
    } catch (error) {
      return [{ file, message: `is not valid YAML: ${(error as Error).message}` }];
    }
    return composeSchemaErrors(data).map((message) => ({ file, message: `compose-spec schema: ${message}` }));
  },
  notices: () => [],
  nextSteps: () => [],
  runtime: async (...args) => (await import('./runtime.js')).openComposeRuntime(...args),
};
