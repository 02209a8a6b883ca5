/**
 * The processes beside the app, each a service on the app's image with the app's settings
 * overlay, environment and secrets: a Celery worker per queue, an RQ worker per queue, a
 * service per chosen Procfile process, at most one Celery beat, and the Procfile's release
 * one-shot. Stopped with SIGTERM, a Celery or RQ worker finishes the task in hand (a warm
 * shutdown) within stop_grace_period.
 */
import { SERVICES } from '../../config/names.js';
import type { Worker } from '../../config/processes.js';
import type { StackConfig } from '../../config/stack-config.js';
import type { Dependency, Feature, Healthcheck, ModelContext, Service } from '../service.js';
import { appBase } from './app.js';
import { processDependencies, redisDependency } from './process-dependencies.js';
import { sqliteMounts } from './sqlite.js';

/**
 * A worker's check starts a Python process that imports the project (a second or so of CPU):
 * every 15 s, with room for a slow first start (Django's imports, the broker's first connection).
 */
const WORKER_HEALTH_TIMING = { interval: '15s', timeout: '20s', retries: 3, start_period: '60s' };

/** Written into compose.yaml and stack.yaml, which read `$` as interpolation: `$$` is a literal `$`. */
const literalDollars = (command: string) => command.replaceAll('$', () => '$$');

/** The node name a Celery worker answers pings by: <queue>@<container hostname>. */
const celeryNode = (queue: string) => `${queue}@%h`;

/** `celery inspect ping` scoped to this container's own node: the worker is connected to the broker and answering. */
/**
 * Celery by its module, not its console script: a celery that came with the base image or a
 * system package (Debian's python3-celery has no `celery` script) is importable but has no
 * script on PATH, and `python -m celery` runs whichever celery the image's python imports.
 */
const CELERY = ['python', '-m', 'celery'];

export function celeryWorkerHealthcheck(app: string, queue: string): Healthcheck {
  return { test: ['CMD-SHELL', `${CELERY.join(' ')} -A ${app} inspect ping --timeout 10 -d ${queue}@$$HOSTNAME`], ...WORKER_HEALTH_TIMING };
}

/**
 * An RQ worker registers itself in Redis with its hostname and renews the key on every
 * heartbeat; one registered from this container (and not suspended) is alive and connected.
 */
export function rqWorkerHealthScript(queue: string): string {
  return [
    'import socket, sys, django',
    'django.setup()',
    'import django_rq',
    'from rq import Worker',
    `connection = django_rq.get_connection(${JSON.stringify(queue)})`,
    'mine = [w for w in Worker.all(connection=connection) if w.hostname == socket.gethostname()]',
    `print("RQ workers of this container on queue ${queue}: %s" % ", ".join("%s (%s)" % (w.name, w.get_state()) for w in mine))`,
    'sys.exit(0 if mine else 1)',
  ].join('\n');
}

/** Beat has nothing to ping: its check is that the broker it sends to answers. */
export function beatHealthScript(app: string): string {
  const [module, attribute = 'app'] = app.split(':');
  return [
    'import sys',
    `from ${module} import ${attribute} as app`,
    'try: app.connection_for_write().ensure_connection(max_retries=1)',
    'except Exception as error: sys.exit("beat cannot reach its broker: %s" % error)',
    'print("the broker answers")',
  ].join('\n');
}

function workerCommand(config: StackConfig, worker: Worker): string[] {
  const celery = config.processes!.celery;
  switch (worker.kind) {
    case 'celery':
      // --without-mingle/gossip: no chatter between workers at start-up; each answers pings on its own node name.
      return [...CELERY, '-A', celery!.app, 'worker', '--loglevel=INFO', '-Q', worker.queue!, '-n', celeryNode(worker.queue!), '--without-mingle', '--without-gossip'];
    case 'rq':
      return ['python', 'manage.py', 'rqworker', worker.queue!];
    case 'procfile':
      return ['sh', '-c', literalDollars(worker.command!)];
  }
}

function workerHealthcheck(config: StackConfig, worker: Worker): Healthcheck | undefined {
  if (worker.kind === 'celery') return celeryWorkerHealthcheck(config.processes!.celery!.app, worker.queue!);
  if (worker.kind === 'rq') return { test: ['CMD', 'python', '-c', rqWorkerHealthScript(worker.queue!)], ...WORKER_HEALTH_TIMING };
  return undefined; // a Procfile command of its own: nothing generic to ask it
}

/** What every process waits for: the schema (migrate, and release when there is one) and the broker. */
const ready = (config: StackConfig): Record<string, Dependency> => ({ [SERVICES.migrate]: 'completed', ...processDependencies(config) });

function longRunning(context: ModelContext, command: string[], healthcheck: Healthcheck | undefined, replicas: number, stopGracePeriod: number): Service {
  const { config } = context;
  return {
    ...appBase(context),
    image: { kind: 'app', reused: true },
    command,
    dependsOn: ready(config),
    mounts: sqliteMounts(config),
    ...(healthcheck ? { healthcheck } : {}),
    lifecycle: 'service',
    stopGracePeriodSeconds: stopGracePeriod,
    // Replicated like the app; no port, so no virtual IP either.
    schedule: { kind: 'rolling', replicas, endpoint: 'dnsrr' },
  };
}

export const workers: Feature = {
  name: 'workers',
  services(context): Record<string, Service> {
    const { config } = context;
    const processes = config.processes;
    if (!processes) return {};
    const services: Record<string, Service> = {};
    if (processes.release) {
      services[SERVICES.release] = {
        ...appBase(context),
        image: { kind: 'app', reused: true },
        command: ['sh', '-c', literalDollars(processes.release.command)],
        dependsOn: { [SERVICES.migrate]: 'completed', ...redisDependency(config) },
        mounts: sqliteMounts(config),
        lifecycle: 'one-shot',
        schedule: { kind: 'job' },
      };
    }
    const replicas = config.swarm?.replicas ?? 1;
    for (const worker of processes.workers) {
      services[worker.service] = longRunning(context, workerCommand(config, worker), workerHealthcheck(config, worker), replicas, processes.stopGracePeriod);
    }
    const beat = processes.celery?.beat;
    if (beat) {
      const app = processes.celery!.app;
      const schedule = beat.databaseScheduler ? ['--scheduler', 'django_celery_beat.schedulers:DatabaseScheduler'] : ['--schedule', '/tmp/celerybeat-schedule'];
      services[SERVICES.beat] = {
        ...longRunning(context, [...CELERY, '-A', app, 'beat', '--loglevel=INFO', ...schedule], { test: ['CMD', 'python', '-c', beatHealthScript(app)], ...WORKER_HEALTH_TIMING }, 1, 10),
        // Never two schedulers: one task, stopped before its replacement starts.
        schedule: { kind: 'single' },
      };
    }
    return services;
  },
};
