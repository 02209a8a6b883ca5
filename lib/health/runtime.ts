/**
 * What the checks need from a running stack, whichever engine runs it: a Compose project
 * (compose-cli.ts) or a Swarm stack (swarm-cli.ts). The checks take this, not either one.
 */
import type { ComposeRun, ComposeSession, ContainerState } from './compose-cli.js';

export interface StackRuntime {
  readonly target: 'compose' | 'swarm';
  /** A command in one running container of a generated service (`exec -T`). */
  exec(service: string, command: string[], options?: { timeoutMs?: number }): Promise<ComposeRun>;
  /** The same, kept running with its stdin open (see ComposeSession). */
  startExec(service: string, command: string[], options?: { timeoutMs?: number }): Promise<ComposeSession>;
  /** The service's log tail (every replica's, in Swarm). */
  logs(service: string, tail?: number): Promise<string>;
  /** One container of the service (a running one first), or undefined. */
  state(service: string): Promise<ContainerState | undefined>;
  /** The ports the service publishes on the host; undefined when the service has no container. */
  publishedPorts(service: string): Promise<string[] | undefined>;
  /** One container of the service (a running one first), by id, or undefined. */
  containerId(service: string): Promise<string | undefined>;
  /** The containers the stack runs now, and the last one of each one-shot. */
  containerIds(): Promise<string[]>;
  /** The generated service an inspected container belongs to (by its engine's labels). */
  serviceOf(labels: Record<string, string> | undefined): string | undefined;
  /** Runs a command in a throwaway container with the static volume writable; absent where the files are baked into an image. */
  runWithStaticVolume?(command: string[]): Promise<ComposeRun>;
  /** Hardening this engine cannot apply, with why (the least-privilege row says so instead of failing). */
  readonly cannotSet: { noNewPrivileges?: string };
}
