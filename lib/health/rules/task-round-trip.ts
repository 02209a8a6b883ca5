import type { HealthRule } from '../rule.js';
import { taskRoundTrip as roundTrip } from '../task-round-trip.js';

/** Workers (Celery, RQ): a task from the app, through the broker, to each queue's worker and back. */
export const taskRoundTrip: HealthRule = {
  id: 'task-round-trip',
  needs: ({ config }) => config.processes !== undefined,
  check: ({ config, stack }) => roundTrip(config, stack),
};
