/** What the app and the workers wait for when the project has processes: the release step and the broker. */
import { SERVICES } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import type { Dependency } from '../service.js';

/** The stack's Redis, healthy (nothing when the broker is external). */
export const redisDependency = (config: StackConfig): Record<string, Dependency> => (config.processes?.redis ? { [SERVICES.redis]: 'healthy' } : {});

/** The Procfile's release step, completed, and the broker: nothing at all for a project without processes. */
export const processDependencies = (config: StackConfig): Record<string, Dependency> => ({
  ...(config.processes?.release ? { [SERVICES.release]: 'completed' } : {}),
  ...redisDependency(config),
});
