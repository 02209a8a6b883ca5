/**
 * Every deployment target, in one table. A new target is one folder beside compose/ and swarm/
 * and one row here. compose.yaml is always written (the local target); --target names the one
 * the stack is deployed with.
 */
import type { StackConfig } from '../config/stack-config.js';
import type { HealthOptions, HealthResult } from '../health/run.js';
import type { StackRuntime } from '../health/runtime.js';
import { compose } from './compose/index.js';
import { swarm } from './swarm/index.js';
import type { Target } from './target.js';

export type { Target } from './target.js';

export const TARGETS: Record<StackConfig['target'], Target> = { compose, swarm };

/** The target the stack is deployed with (--target). */
export const targetOf = (config: StackConfig): Target => TARGETS[config.target];

/** Every target whose files this config writes: compose, and the deployment target when it is another. */
export const targetsOf = (config: StackConfig): Target[] => [compose, ...(config.target === 'compose' ? [] : [TARGETS[config.target]])];

/** The health check of the running stack, through its target's runtime (Docker code loads only now). */
export async function checkStack(options: HealthOptions): Promise<HealthResult | 'no-engine'> {
  const { runHealthCheck } = await import('../health/run.js');
  const { recordRunningRelease } = await import('../release/probe.js');
  // A release that passed is recorded (and the running one named): rollback reads the record.
  const afterHealthy = (stack: StackRuntime) => recordRunningRelease(options.config, options.cwd, stack, options.log);
  return runHealthCheck(targetOf(options.config).runtime, { afterHealthy, ...options });
}
