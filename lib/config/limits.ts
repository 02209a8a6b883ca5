/**
 * Memory and process bounds per service, decided once here. The compose renderer writes them
 * as mem_limit/memswap_limit/pids_limit; a Swarm renderer can write the same figures as
 * deploy.resources. The health check compares the running containers against them.
 */
import { SERVICES } from './names.js';

export interface Limit {
  /** Memory bound in MiB (swap included: the container gets no swap on top). */
  memoryMiB: number;
  /** Most processes and threads the container may hold. */
  pids: number;
}

/**
 * The app's default memory: gunicorn's master plus one-off processes in the container (the
 * healthcheck's Python, `manage.py shell` for the admin login check) get BASE, and each
 * worker PER_WORKER. Measured on the stand-in (Debian's Django 4.2, Python 3.13), a
 * startproject worker holds about 45 MiB RSS after serving the admin, and the master 24 MiB;
 * PER_WORKER is about twice that, for a real project's heavier imports and caches.
 */
export const APP_MEMORY = { baseMiB: 128, perWorkerMiB: 96 } as const;
/** "auto" workers is 2 × CPUs + 1: the default memory assumes a 2-CPU host (5 workers); gunicorn then starts no more workers than fit. */
export const AUTO_WORKERS_FOR_MEMORY = 5;
/** Below this, Django and one gunicorn worker do not start. */
export const MIN_APP_MEMORY_MIB = 64;

/** Fixed bounds of the services that do not scale with the answers, and of any service not listed. */
const FIXED: Record<string, Limit> = {
  // One-shots in the app image: one Django process each (collectstatic hashes files in memory).
  [SERVICES.collectstatic]: { memoryMiB: 256, pids: 64 },
  [SERVICES.migrate]: { memoryMiB: 256, pids: 64 },
  [SERVICES.backup]: { memoryMiB: 256, pids: 64 },
  // --tls acme: sh, then one openssl at a time making a P-256 key and certificate (a few MiB).
  [SERVICES.tlsBootstrap]: { memoryMiB: 32, pids: 16 },
  // nginx starts a worker per CPU (worker_processes auto), a few MiB each.
  [SERVICES.nginx]: { memoryMiB: 128, pids: 128 },
  // --target swarm: the same nginx, serving files only.
  [SERVICES.static]: { memoryMiB: 128, pids: 128 },
  // PostgreSQL: 128 MiB shared_buffers by default, plus one process per connection (max_connections 100).
  [SERVICES.db]: { memoryMiB: 512, pids: 256 },
};
/** A service added to the stack without a row of its own gets the strictest bounds. */
export const UNLISTED_LIMIT: Limit = { memoryMiB: 256, pids: 64 };

/** "768m" or "1g" -> MiB; undefined for anything else. */
export function parseMemory(size: string): number | undefined {
  const match = /^(\d+)([mMgG])$/.exec(size.trim());
  if (!match) return undefined;
  return Number(match[1]) * (match[2]!.toLowerCase() === 'g' ? 1024 : 1);
}

/** The app's memory in MiB: the answer, or derived from the worker count. */
export function appMemoryMiB(appMemory: string, workers: 'auto' | number): number {
  if (appMemory !== 'auto') return parseMemory(appMemory)!;
  return APP_MEMORY.baseMiB + APP_MEMORY.perWorkerMiB * (workers === 'auto' ? AUTO_WORKERS_FOR_MEMORY : workers);
}

/** Every generated service's bounds, keyed by service name. */
export function serviceLimits(appMemory: number): Record<string, Limit> {
  return { ...FIXED, [SERVICES.app]: { memoryMiB: appMemory, pids: 256 } };
}

/** A service's bounds: its own row, else the strictest. */
export const limitOf = (limits: Record<string, Limit>, service: string): Limit => limits[service] ?? UNLISTED_LIMIT;
