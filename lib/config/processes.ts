/**
 * The processes beside the app, decided once from the answers: a worker service per Celery
 * queue, per RQ queue and per chosen Procfile process, at most one beat, the Procfile's release
 * one-shot, and the broker (a Redis service of the stack, or the URLs the settings read).
 */
import { where, type Found } from '../detect/found.js';
import { namedCeleryPrefix, type UrlSetting } from '../detect/processes.js';
import type { ProjectFacts } from '../detect/project.js';
import IMAGES from './images.json' with { type: 'json' };
import { parseMemory, type Limit } from './limits.js';
import { SERVICES, VOLUMES } from './names.js';
import { procfileExtras, type Answers } from './questions.js';

export type WorkerKind = 'celery' | 'rq' | 'procfile';

export interface Worker {
  /** The service name: worker-<queue> (Celery), rq-<queue> (RQ), the Procfile's own name. */
  service: string;
  kind: WorkerKind;
  /** The Celery or RQ queue it consumes. */
  queue?: string;
  /** The Procfile's command, as written there (run by sh -c). */
  command?: string;
  /** Where it was read, for comments and reports. */
  source: string;
}

export interface RedisService {
  service: typeof SERVICES.redis;
  image: string;
  port: 6379;
  /** --redis-persistence: the append-only file in this volume. */
  volume?: typeof VOLUMES.redis;
}

export interface ProcessVariable {
  name: string;
  doc: string;
}

export interface ProcessesConfig {
  celery?: {
    /** celery -A's argument. */
    app: string;
    /** The settings' prefix (config_from_object's namespace). */
    prefix: string;
    /** The setting that runs tasks in the caller instead of the workers: the overlay turns it off. */
    eagerSetting: string;
    /** The project has a result backend setting: the overlay points it at the stack's Redis too. */
    resultBackend: boolean;
    /** Prefork children of a worker when neither the project nor .env sets <PREFIX>WORKER_CONCURRENCY: one per CHILD_MIB of its memory bound. */
    concurrency: number;
    /** beat, when asked for: django-celery-beat's database scheduler, or a schedule file in /tmp. */
    beat?: { databaseScheduler: boolean };
  };
  rq?: { queues: string[] };
  workers: Worker[];
  /** The Procfile's release command. */
  release?: { command: string; source: string };
  /** undefined: the workers use the URLs the settings read (--broker external). */
  redis?: RedisService;
  /** Redis database numbers per use, in the stack's Redis. */
  redisUrls?: { celeryBroker: string; celeryResults: string; rq: string };
  /**
   * The .env variable that sets each kind's broker URL, for naming it when a worker cannot
   * reach its broker: the overlay's with the stack's Redis, else the one the settings read
   * (absent when they set a literal URL).
   */
  brokerVariables: { celery?: string; rq?: string };
  /** What .env may set for the workers, as .env.example lists it: what an empty one means, or that it must be set. */
  environment: ProcessVariable[];
  /** Seconds a worker gets to finish its running tasks (a warm shutdown) before SIGKILL. */
  stopGracePeriod: number;
}

/**
 * A prefork child is a copy of the project's Django process: 256 MiB each leaves room for a
 * real project's imports and a task's working set. Celery's own default, a child per CPU of the
 * host, does not see the container's memory bound: 32 children on a 32-core host in 512m.
 */
const CHILD_MIB = 256;

/** Celery and RQ finish the task in hand on SIGTERM: a minute for it, then SIGKILL. */
const WORKER_STOP_GRACE_SECONDS = 60;
const REDIS_PORT = 6379;
/** The overlay's variable for RQ's Redis URL (templates/settings_docker.py.ejs). */
export const RQ_URL_VARIABLE = 'RQ_REDIS_URL';

/** Names the stack's own services already use: a Procfile process of that name gets a prefix. */
const TAKEN = new Set<string>(Object.values(SERVICES));

export function processesConfig(answers: Answers, facts: ProjectFacts): ProcessesConfig | undefined {
  const detected = facts.processes;
  if (!detected) return undefined;
  const celeryFacts = detected.celery;
  const celeryOn = Boolean(celeryFacts && answers.celeryApp && answers.celeryApp !== 'none');
  // The found app's prefix; an app --celery-app names elsewhere is read for its own (CELERY_ when it cannot be).
  const foundApp = celeryFacts?.app?.value === answers.celeryApp ? celeryFacts?.app : undefined;
  const celeryPrefix = celeryOn && !foundApp ? (namedCeleryPrefix(facts.root, answers.celeryApp!) ?? 'CELERY_') : celeryFacts?.prefix;
  const celerySource = foundApp?.source?.file ?? '--celery-app';
  const workers: Worker[] = [];
  if (celeryOn) {
    for (const queue of answers.celeryQueues ?? []) workers.push({ service: `worker-${serviceSafe(queue)}`, kind: 'celery', queue, source: celerySource });
  }
  for (const queue of answers.rqQueues ?? []) workers.push({ service: `rq-${serviceSafe(queue)}`, kind: 'rq', queue, source: detected.rq?.queues.source?.file ?? '--rq-queues' });
  for (const name of answers.procfileProcesses ?? []) {
    const process = procfileExtras(facts).find((candidate) => candidate.name === name);
    if (!process) continue; // validated in stack-config
    const service = TAKEN.has(name) || workers.some((worker) => worker.service === name) ? `procfile-${name}` : name;
    workers.push({ service, kind: 'procfile', command: process.command, source: `Procfile:${process.line}` });
  }
  const release = answers.procfileRelease ? detected.procfile?.value.find((process) => process.name === 'release') : undefined;
  const brokered = celeryOn || (answers.rqQueues?.length ?? 0) > 0;
  const redis: RedisService | undefined =
    brokered && answers.broker === 'redis' ? { service: SERVICES.redis, image: IMAGES.redis, port: REDIS_PORT, ...(answers.redisPersistence ? { volume: VOLUMES.redis } : {}) } : undefined;
  if (!workers.length && !release) return undefined;
  const redisAt = (db: number) => `redis://${SERVICES.redis}:${REDIS_PORT}/${db}`;
  const redisUrls = redis ? { celeryBroker: redisAt(0), celeryResults: redisAt(1), rq: redisAt(2) } : undefined;
  const rqOn = (answers.rqQueues?.length ?? 0) > 0;
  const brokerVariables = redis
    ? { ...(celeryOn ? { celery: `${celeryPrefix}BROKER_URL` } : {}), ...(rqOn ? { rq: RQ_URL_VARIABLE } : {}) }
    : { ...(celeryOn && celeryFacts!.broker?.value.env ? { celery: celeryFacts!.broker.value.env } : {}), ...(rqOn ? withValue('rq', detected.rq?.urls.find((url) => url.value.env)?.value.env) : {}) };
  const celery = celeryOn
    ? {
        app: answers.celeryApp!,
        prefix: celeryPrefix!,
        // Without a namespace Celery reads its old upper-case names from the Django settings.
        eagerSetting: celeryPrefix ? `${celeryPrefix}TASK_ALWAYS_EAGER` : 'CELERY_ALWAYS_EAGER',
        resultBackend: Boolean(celeryFacts!.resultBackend),
        concurrency: Math.max(1, Math.floor((parseMemory(answers.workerMemory ?? '') ?? CHILD_MIB) / CHILD_MIB)),
        ...(answers.celeryBeat ? { beat: { databaseScheduler: Boolean(celeryFacts!.databaseScheduler) } } : {}),
      }
    : undefined;
  return {
    ...(celery ? { celery } : {}),
    ...(rqOn ? { rq: { queues: answers.rqQueues! } } : {}),
    workers,
    ...(release ? { release: { command: release.command, source: `Procfile:${release.line}` } } : {}),
    ...(redis ? { redis, redisUrls } : {}),
    brokerVariables,
    environment: [
      ...(celery ? celeryEnvironment(celery, brokerVariables.celery, redisUrls, celeryFacts!.broker) : []),
      ...(rqOn
        ? rqEnvironment(
            brokerVariables.rq,
            redisUrls,
            detected.rq?.urls.find((url) => url.value.env),
          )
        : []),
    ],
    stopGracePeriod: WORKER_STOP_GRACE_SECONDS,
  };
}

type RedisUrls = NonNullable<ProcessesConfig['redisUrls']>;

/** What the overlay reads for Celery (templates/settings_docker.py.ejs), and the settings' broker variable with --broker external. */
function celeryEnvironment(celery: NonNullable<ProcessesConfig['celery']>, broker: string | undefined, urls: RedisUrls | undefined, read: Found<UrlSetting> | undefined): ProcessVariable[] {
  return [
    ...(urls ? [{ name: broker!, doc: `Celery's broker URL; empty: the stack's Redis (${urls.celeryBroker}).` }] : externalBroker("Celery's broker", broker, read)),
    ...(urls && celery.resultBackend ? [{ name: `${celery.prefix}RESULT_BACKEND`, doc: `Celery's result backend URL; empty: the stack's Redis (${urls.celeryResults}).` }] : []),
    { name: `${celery.prefix}WORKER_CONCURRENCY`, doc: `Prefork children per Celery worker; empty: the settings' value, else ${celery.concurrency} (one per ${CHILD_MIB} MiB of --worker-memory).` },
  ];
}

function rqEnvironment(broker: string | undefined, urls: RedisUrls | undefined, read: Found<UrlSetting> | undefined): ProcessVariable[] {
  return urls ? [{ name: broker!, doc: `RQ's Redis URL, for every queue; empty: the stack's Redis (${urls.rq}).` }] : externalBroker("RQ's Redis", broker, read);
}

/**
 * --broker external: the variable the settings read the broker from, which .env must set to an
 * address the containers reach (the settings' own default is most often localhost, the container
 * itself). None when the settings set a literal URL: nothing in .env changes it.
 */
function externalBroker(what: string, variable: string | undefined, read: Found<UrlSetting> | undefined): ProcessVariable[] {
  if (!variable) return [];
  const fallback = read?.value.url ? `; unset, your settings use ${read.value.url.replace(/\/\/[^@/]*@/, '//…@')}` : '';
  return [{ name: variable, doc: `${what} URL (--broker external, read at ${read ? where(read) : 'your settings'}). Required: the broker's address as the containers reach it${fallback}.` }];
}

const withValue = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

/** A queue name as part of a service name: lower case, dots and underscores as dashes. */
const serviceSafe = (name: string) => name.toLowerCase().replace(/[._]/g, '-');

/**
 * huey is refused, not run: djhuey opens its store when Django starts (a SqliteHuey file on the
 * stack's read-only root stops collectstatic, migrate and the app), and no run_huey worker would
 * run its tasks.
 */
export function hueyRefusal(huey: Found<string>): string {
  return (
    `huey (${huey.value} [${where(huey)}]) is not supported: djhuey opens its task store when Django starts, and a SqliteHuey file ` +
    `on the stack's read-only root stops collectstatic, migrate and the app; nor does the stack run a run_huey worker for its tasks ` +
    `(nothing written; docs/known-limits.md)`
  );
}

/** Every service the processes add, for limits, privileges and the check. */
export function processServices(processes: ProcessesConfig | undefined): string[] {
  if (!processes) return [];
  return [
    ...processes.workers.map((worker) => worker.service),
    ...(processes.celery?.beat ? [SERVICES.beat] : []),
    ...(processes.release ? [SERVICES.release] : []),
    ...(processes.redis ? [SERVICES.redis] : []),
  ];
}

/** Bounds of the process services: each worker the answer's memory; beat, release and Redis fixed. */
export function processLimits(processes: ProcessesConfig | undefined, workerMemoryMiB: number): Record<string, Limit> {
  if (!processes) return {};
  return {
    // A worker is a Django process plus its pool's children (prefork: one per 256 MiB of this bound, see CHILD_MIB).
    ...Object.fromEntries(processes.workers.map((worker) => [worker.service, { memoryMiB: workerMemoryMiB, pids: 128 }])),
    ...(processes.celery?.beat ? { [SERVICES.beat]: { memoryMiB: 256, pids: 64 } } : {}),
    ...(processes.release ? { [SERVICES.release]: { memoryMiB: 256, pids: 64 } } : {}),
    // Queues and results are small; maxmemory is left to the container bound.
    ...(processes.redis ? { [SERVICES.redis]: { memoryMiB: 256, pids: 64 } } : {}),
  };
}
