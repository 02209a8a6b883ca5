/**
 * A health rule: one row of the check's table, run against the started stack. Like doctor's
 * rules (lib/doctor/rule.ts): an id, what it needs, and a check that yields a verdict. The rules
 * are registered in one table, rules/index.ts; checks.ts runs them.
 */
import type { StackConfig } from '../config/stack-config.js';
import type { Endpoint } from '../probe/http-probe.js';
import type { CheckId, CheckResult, Verdict } from './check-result.js';
import type { StackRuntime } from './runtime.js';
import type { TlsTarget } from './tls-checks.js';

export type { Verdict } from './check-result.js';

/** What every rule reads: the config, the running stack, and where and as whom to probe. */
export interface CheckContext {
  config: StackConfig;
  stack: StackRuntime;
  /** With TLS on: what the TLS rules probe. */
  tls?: TlsTarget;
  /** Where the probes go: the published HTTP port, or with TLS the HTTPS endpoint of the first name. */
  port: number | Endpoint;
  host: { Host: string };
  /** The collected static file to probe (from staticfiles.json), read once for the rules that need it. */
  staticPath(): Promise<string | undefined>;
  /** Another rule's result, run first if it has not run yet (secure-cookies reads admin-login's). */
  result(id: CheckId): Promise<CheckResult>;
}

export interface HealthRule {
  id: CheckId;
  /** What the rule needs of the stack (TLS, a media volume); without it, the rule has no row. */
  needs?(context: CheckContext): boolean;
  /** Runs before every other rule, which need what it waits for (the first ACME certificate). */
  gate?: true;
  /** Slow (a Django shell, one-off containers): started once the gates passed, beside the others; printed at its place. */
  alongside?: true;
  check(context: CheckContext): Promise<Verdict>;
}
