/**
 * The stack as data, before any target: which services run, from which image, with which
 * command, mounts, ports, environment, secrets, healthcheck and dependencies. Feature modules
 * (./features) build it from the StackConfig; target modules (lib/targets) write it in their
 * own terms (compose.yaml, stack.yaml). A target skips what it has no key for (Swarm has no
 * depends_on, compose no secrets files) and the features make up for it where the target's
 * traits say so (Swarm's app waits for the schema itself).
 *
 * A service's fields are rendered in the order the feature set them: the order a reader sees
 * in the generated file is decided once, in the feature, for every target.
 */
import type { StackConfig } from '../config/stack-config.js';

/** What a target can do, which decides what the features contribute. */
export interface TargetTraits {
  /** Services start in order of their dependencies (compose depends_on); else each waits for what it needs itself. */
  ordersStartup: boolean;
  /** The collected static files are baked into a release image served by its own nginx; else they are in a shared volume. */
  bakesStatic: boolean;
  /** Secrets are files the services read through <VARIABLE>_FILE; else the services read .env. */
  secretsAsFiles: boolean;
  /** One-shots can be run on demand (compose profiles: the backup service). */
  onDemandServices: boolean;
}

/**
 * The app image (the Dockerfile's), the static release image, or a stock image by reference.
 * reused: the service runs the app image the others build, and never builds it itself.
 */
export type Image = { kind: 'app'; reused?: true } | { kind: 'static' } | { kind: 'stock'; ref: string };

/** A named volume or a file/folder of the project (source starts with ./ or /). */
export interface Mount {
  type: 'volume' | 'bind';
  source: string;
  target: string;
  readOnly?: boolean;
}

/** A port the service listens on inside its container, and the host port it is published on. */
export interface Port {
  container: number;
  published: number;
}

/** A secret file: its name on the target, its path in the container, and who may read it (mode 0400). */
export interface SecretFile {
  name: string;
  file: string;
  uid: number;
  gid: number;
}

export interface Healthcheck {
  test: string[];
  interval: string;
  timeout: string;
  retries: number;
  start_period: string;
}

/** Started after the other service is healthy, or after it ran to completion. */
export type Dependency = 'healthy' | 'completed';

/** How a scheduler keeps the service running (targets without a scheduler ignore it). */
export type Schedule =
  /** Replicas replaced one at a time, a new one healthy before an old one stops. */
  | { kind: 'rolling'; replicas: number; endpoint: 'dnsrr' | 'vip' }
  /** One task per node, stopped before its replacement binds the node's port. */
  | { kind: 'per-node' }
  /** One task, stopped before its replacement starts (its data is on one node). */
  | { kind: 'single' }
  /** Runs to completion; a failure is retried a few times. */
  | { kind: 'job' };

export interface Service {
  image: Image;
  /** A configuration file of the project the service reads at `target` (compose: a read-only bind mount; Swarm: a config). */
  config?: { file: string; target: string };
  /** Only run on demand, under this name (compose: a profile). */
  profile?: string;
  user?: string;
  entrypoint?: string[];
  /** Reads the project's .env (where the target has one). */
  envFile?: boolean;
  /** null: passed from the deploying shell when set there, left out otherwise. */
  environment?: Record<string, string | null>;
  secrets?: SecretFile[];
  command?: string[];
  dependsOn?: Record<string, Dependency>;
  ports?: Port[];
  /** Ports other services reach it on, unpublished. */
  expose?: number[];
  mounts?: Mount[];
  networkAliases?: string[];
  healthcheck?: Healthcheck;
  /** one-shot: runs to completion and is not restarted; service: restarted unless stopped. */
  lifecycle?: 'one-shot' | 'service';
  stopGracePeriodSeconds?: number;
  stopSignal?: string;
  schedule?: Schedule;
}

export interface StackModel {
  services: Record<string, Service>;
  /** Named volumes, in the order the file lists them. */
  volumes: string[];
}

/** What every feature gets: the answers and what the target can do. */
export interface ModelContext {
  config: StackConfig;
  traits: TargetTraits;
}

/**
 * A feature's part of the stack: its services (in the order the file lists them) and the named
 * volumes it owns. Features call each other's helpers for what they add to another's service
 * (media's mount on the app), so each service is built in one place.
 */
export interface Feature {
  name: string;
  services?(context: ModelContext): Record<string, Service>;
  volumes?(context: ModelContext): string[];
}

/** A mount's short form: source:target[:ro]. */
export const mountString = (mount: Mount) => `${mount.source}:${mount.target}${mount.readOnly ? ':ro' : ''}`;
