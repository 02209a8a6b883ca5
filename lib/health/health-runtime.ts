/**
 * What a target contributes to the one health flow (run.ts): its runtime. The checks read the
 * running stack through StackRuntime (runtime.ts); this adds how the stack starts and stops.
 */
import type { StackConfig } from '../config/stack-config.js';
import type { Evidence } from './diagnose.js';
import type { StackRuntime } from './runtime.js';

/** What starting (or waiting for) the stack came to. */
export interface StartOutcome {
  ok: boolean;
  timedOut: boolean;
  /** What the start printed, read by the diagnosis (a port already in use, a failed one-shot). */
  output: string;
}

/** Why the check does not run here, said in one line (no swarm, a bind address it cannot probe). */
export interface NotRun {
  notRun: string;
}

/** What only the engine knows about a failure: causes it names itself, and the one-shots' exits and logs. */
export interface FailureEvidence {
  causes: string[];
  oneShots: Pick<Evidence, 'collectstatic' | 'migrate' | 'acme' | 'tlsBootstrap'>;
}

/**
 * What a target contributes to the one health flow (run.ts): the running stack the checks
 * read, how it is started or awaited, what it knows when something failed, and how it stops.
 * Everything else (the checks, the table, the diagnosis) is the same for every target.
 */
export interface HealthRuntime {
  readonly stack: StackRuntime;
  /** How the readiness is worded: "healthy" (compose starts the stack) or "converged" (swarm.sh deployed it). */
  readonly words: { ready: string; missed: string; failed: string };
  /** Builds (unless build is false) and starts the stack, or waits for the deployed one, logging what it does. */
  start(timeoutMs: number, log: (line: string) => void, options: { build: boolean }): Promise<StartOutcome | NotRun>;
  failureEvidence(config: StackConfig): Promise<FailureEvidence>;
  /** --down: stops the stack, saying what is kept; deleteData removes the data volumes too (where the target can). */
  stop(config: StackConfig, deleteData: boolean, log: (line: string) => void): Promise<void>;
  /** How the user stops the stack that keeps running ("stop it with `docker compose down`"). */
  stopHint(config: StackConfig): string;
}

/** A target's runtime on this machine: absent engine, a reason not to run, or the runtime. */
export type OpenedRuntime = HealthRuntime | NotRun | 'no-engine';

/** How a target opens its runtime (lazily: Docker code loads only when a check runs). */
export type OpenRuntime = (config: StackConfig, cwd: string, log: (line: string) => void) => Promise<OpenedRuntime>;
