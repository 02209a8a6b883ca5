import { leastPrivilege as inspect } from '../least-privilege.js';
import type { HealthRule } from '../rule.js';

/** The containers run as hardened as generated (least-privilege.ts inspects them). */
export const leastPrivilege: HealthRule = {
  id: 'least-privilege',
  check: ({ config, stack }) => inspect(config, stack),
};
