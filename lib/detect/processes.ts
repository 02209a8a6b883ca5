/**
 * The processes a project runs beside its web server, read without running anything: the
 * Celery app (a module-level `X = Celery(...)` in the settings' package), its broker, result
 * backend, queues and beat schedule (the CELERY_-namespaced settings), django-celery-beat,
 * django-rq's RQ_QUEUES, a Procfile, and the Redis or RabbitMQ URLs they use.
 */
import fs from 'node:fs';
import path from 'node:path';
import { read } from '../read-text.js';
import type { DependencyFacts } from './dependencies/manifests.js';
import { heldBelow, isRuntimeDependency } from './dependencies/packages.js';
import type { Value } from './evaluate.js';
import { where, type Found } from './found.js';
import { readProcfile, type ProcfileProcess } from './procfile.js';
import { taskDecoratorQueues, type TaskQueues } from './celery-task-queues.js';
import { projectFiles } from './project-files.js';
import { moduleSteps } from './python-source.js';
import { childrenOf, keywordArgument, PythonSource, stringValue } from './python/tree.js';
import { moduleFile, type Setting } from './settings.js';

/** A URL setting: its literal value where the code has one, and the environment variable that overrides it. */
export interface UrlSetting {
  setting: string;
  url?: string;
  env?: string;
}

export interface CeleryFacts {
  /** celery -A's argument: module:attribute of the Celery instance; absent when celery is a dependency but no instance was found (--celery-app names it). */
  app?: Found<string>;
  /** The prefix of its settings (config_from_object's namespace): CELERY_ by default. */
  prefix: string;
  broker?: Found<UrlSetting>;
  resultBackend?: Found<UrlSetting>;
  /** Queues the settings name (default queue, routes) and the task decorators do; ["celery"], Celery's default, when none. */
  queues: Found<string[]>;
  /** The queues named in task decorators (`@app.task(queue="mail")`), each where first named. */
  taskQueues?: Found<string>[];
  /** The entries of CELERY_BEAT_SCHEDULE. */
  beatSchedule?: Found<string[]>;
  /** django_celery_beat in INSTALLED_APPS: beat reads its schedule from the database. */
  databaseScheduler?: Found<true>;
}

export interface RqFacts {
  /** RQ_QUEUES' names, with the line of the setting. */
  queues: Found<string[]>;
  /** Each queue's URL, where it has one. */
  urls: Found<UrlSetting>[];
}

export interface ProcessFacts {
  celery?: CeleryFacts;
  /** huey's Django integration: `huey.contrib.djhuey` in INSTALLED_APPS, or a HUEY setting (the generator refuses it). */
  huey?: Found<string>;
  rq?: RqFacts;
  procfile?: Found<ProcfileProcess[]>;
}

type SettingOf = (name: string) => Setting | undefined;

/** What is found, or undefined when the project runs nothing but its web server. */
export function detectProcesses(root: string, settingsModule: string, setting: SettingOf, dependencies: DependencyFacts | undefined, warnings: string[]): ProcessFacts | undefined {
  const facts: ProcessFacts = {};
  const celery = celeryFacts(root, settingsModule, setting, dependencies, warnings);
  if (celery) facts.celery = celery;
  const rq = rqFacts(setting, dependencies);
  if (rq) facts.rq = rq;
  const huey = hueyFacts(setting);
  if (huey) facts.huey = huey;
  const procfile = readProcfile(root);
  if (procfile) {
    warnings.push(...procfile.problems);
    if (procfile.processes.length) facts.procfile = { value: procfile.processes, source: { file: 'Procfile' } };
  }
  return Object.keys(facts).length ? facts : undefined;
}

// ---------- Celery ----------

interface CeleryApp {
  module: string;
  variable: string;
  file: string;
  line: number;
  /** config_from_object(..., namespace="X"): the settings' prefix. */
  namespace?: string;
  /** config_from_object's namespace is an expression not read (an environment value). */
  namespaceUnread?: true;
}

function celeryFacts(root: string, settingsModule: string, setting: SettingOf, dependencies: DependencyFacts | undefined, warnings: string[]): CeleryFacts | undefined {
  const app = findCeleryApp(root, settingsModule);
  const installed = dependencies ? isRuntimeDependency(dependencies, 'celery') : false;
  if (!app && !installed) return undefined;
  // Without an app the facts are still read (with Celery's default prefix): --celery-app can name one.
  if (!app)
    warnings.push(
      `celery is a dependency, but no module-level Celery(...) was found beside the settings nor in a package's celery.py or celery_app.py; pass --celery-app module:attribute to run workers`,
    );
  if (app?.namespaceUnread) warnings.push(`${app.file}:${app.line}: config_from_object's namespace is not a literal string: the settings' prefix is taken to be CELERY_`);
  const prefix = celeryPrefix(app?.namespace);
  const named = (key: string) => setting(prefix + key);
  const decorators = taskDecoratorQueues(root);
  if (decorators.unread.length) {
    warnings.push(
      `${decorators.unread.length} task decorator(s) name their queue with an expression not read (${decorators.unread.slice(0, 3).join(', ')}${decorators.unread.length > 3 ? ', ...' : ''}): add each such queue to --celery-queues, or its tasks are never run`,
    );
  }
  const oldDefault = setting('CELERY_DEFAULT_QUEUE');
  if (app?.namespace && oldDefault && !named('TASK_DEFAULT_QUEUE')) {
    warnings.push(
      `${oldDefault.file}:${oldDefault.line}: CELERY_DEFAULT_QUEUE is Celery's old name, which it ignores under config_from_object(namespace=...) [${app.file}:${app.line}]: tasks with no queue of their own go to ${prefix}TASK_DEFAULT_QUEUE's default, "celery"; rename it ${prefix}TASK_DEFAULT_QUEUE`,
    );
  }
  const facts: CeleryFacts = {
    ...(app ? { app: { value: `${app.module}:${app.variable}`, source: { file: app.file, line: app.line } } } : {}),
    prefix,
    queues: celeryQueues(named('TASK_DEFAULT_QUEUE'), app?.namespace ? undefined : setting('CELERY_DEFAULT_QUEUE'), named('TASK_ROUTES'), decorators),
  };
  if (decorators.queues.length) facts.taskQueues = decorators.queues;
  const broker = urlSetting(prefix + 'BROKER_URL', named('BROKER_URL'));
  if (broker) facts.broker = broker;
  if (!broker?.value.url?.startsWith('amqp')) warnings.push(...oldKombuOnRedis(dependencies));
  const backend = urlSetting(prefix + 'RESULT_BACKEND', named('RESULT_BACKEND'));
  if (backend) facts.resultBackend = backend;
  const schedule = named('BEAT_SCHEDULE');
  if (schedule?.value.kind === 'dict') {
    facts.beatSchedule = { value: stringKeys(schedule.value), source: { file: schedule.file, line: schedule.line } };
  } else if (schedule) {
    facts.beatSchedule = { value: [], source: { file: schedule.file, line: schedule.line }, note: 'entries not read' };
  }
  const apps = setting('INSTALLED_APPS');
  if (apps && listNames(apps.value).includes('django_celery_beat')) facts.databaseScheduler = { value: true, source: { file: apps.file, line: apps.line } };
  return facts;
}

/**
 * kombu before 5.3 loses a task when a worker stops while its Redis fetch (BRPOP) is answered:
 * Redis has removed the message, the closing worker never reads it (celery/kombu#1733, fixed in
 * 5.3.0; measured here: 1 to 2 tasks of ~700 lost per rolling update of the workers).
 */
function oldKombuOnRedis(dependencies: DependencyFacts | undefined): string[] {
  const held = dependencies && heldBelow(dependencies, 'kombu', '5.3.0');
  if (!held) return [];
  return [
    `kombu ${held.value} [${where(held)}] loses a queued task when a worker stops while fetching from Redis (celery/kombu#1733, fixed in kombu 5.3.0): every restart or rolling update of the workers may drop one. Upgrade kombu (and celery) to 5.3 or newer.`,
  ];
}

const celeryPrefix = (namespace: string | undefined) => (namespace === undefined ? 'CELERY_' : namespace ? `${namespace}_` : '');

/**
 * Where projects keep the Celery app: a module of the package that holds the settings
 * (mysite/celery.py, config/celery_app.py), the `proj.celery` Celery's docs show; else a
 * celery.py or celery_app.py in another package (tubearchivist's task/celery.py).
 */
function findCeleryApp(root: string, settingsModule: string): CeleryApp | undefined {
  const packages = new Set<string>();
  const parts = settingsModule.split('.');
  for (let cut = parts.length - 1; cut >= 1; cut--) packages.add(parts.slice(0, cut).join('.'));
  for (const pkg of packages) {
    const dir = path.join(root, ...pkg.split('.'));
    let files: string[];
    try {
      files = fs.readdirSync(dir).filter((name) => name.endsWith('.py'));
    } catch {
      continue;
    }
    // celery.py and celery_app.py first, as Celery's own lookup (-A proj tries proj.celery).
    files.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    for (const name of files) {
      const found = appIn(root, path.posix.join(...pkg.split('.'), name));
      if (found) return found;
    }
  }
  const elsewhere = projectFiles(root, 2).filter((file) => file.folders.length && rank(file.name) < 2 && !packages.has(file.folders.join('.')));
  for (const file of elsewhere.sort((a, b) => rank(a.name) - rank(b.name))) {
    const found = appIn(root, file.relative);
    if (found) return found;
  }
  return undefined;
}

const rank = (name: string) => (name === 'celery.py' ? 0 : name === 'celery_app.py' ? 1 : 2);

/** The Celery app a module file holds, with the module's dotted name. */
function appIn(root: string, file: string): CeleryApp | undefined {
  const text = read(root, file);
  if (text === undefined || !text.includes('Celery')) return undefined;
  const module = file
    .replace(/(\/__init__)?\.py$/, '')
    .split('/')
    .join('.');
  const found = celeryInstance(new PythonSource(text));
  return found && { module, file, ...found };
}

/**
 * The settings' prefix of the app --celery-app names (module:attribute), read from its module as
 * for a found app; undefined when that module is not a file of the project or holds no Celery(...).
 */
export function namedCeleryPrefix(root: string, app: string): string | undefined {
  const file = moduleFile(root, app.split(':')[0]!);
  const found = file && appIn(root, file);
  return found ? celeryPrefix(found.namespace) : undefined;
}

type Instance = Pick<CeleryApp, 'variable' | 'line' | 'namespace' | 'namespaceUnread'>;

/** `app = Celery(...)` (or celery.Celery) at module level, and its config_from_object namespace. */
function celeryInstance(python: PythonSource): Instance | undefined {
  let instance: Instance | undefined;
  for (const step of moduleSteps(python)) {
    if (step.kind === 'assign' && !instance && step.value.name === 'CallExpression') {
      const callee = python.textOf(childrenOf(step.value)[0]!);
      if (callee === 'Celery' || callee === 'celery.Celery') instance = { variable: step.names[0]!, line: step.line };
    }
    if (step.kind === 'call' && instance) {
      const [callee, args] = childrenOf(step.call);
      if (callee && args && python.textOf(callee) === `${instance.variable}.config_from_object`) {
        const namespace = keywordArgument(python, args, 'namespace');
        if (namespace?.name === 'String') instance.namespace = stringValue(python.textOf(namespace));
        else if (namespace) instance.namespaceUnread = true;
      }
    }
  }
  return instance;
}

/**
 * The queues tasks are sent to: the default queue (its old setting name too, which Celery reads
 * only when config_from_object has no namespace), each route's, and each task decorator's.
 */
function celeryQueues(defaultQueue: Setting | undefined, oldDefaultQueue: Setting | undefined, routes: Setting | undefined, decorators: TaskQueues): Found<string[]> {
  const queues: string[] = [];
  let source: Found<string[]>['source'];
  const named = defaultQueue ?? oldDefaultQueue;
  if (named?.value.kind === 'str') {
    queues.push(named.value.value);
    source = { file: named.file, line: named.line };
  } else queues.push('celery');
  // CELERY_TASK_ROUTES = {"app.tasks.x": {"queue": "high"}}
  if (routes?.value.kind === 'dict') {
    for (const [, route] of routes.value.entries) {
      const queue = route.kind === 'dict' ? route.entries.find(([key]) => key.kind === 'str' && key.value === 'queue')?.[1] : undefined;
      if (queue?.kind === 'str' && !queues.includes(queue.value)) queues.push(queue.value);
    }
    source ??= { file: routes.file, line: routes.line };
  }
  for (const queue of decorators.queues) if (!queues.includes(queue.value)) queues.push(queue.value);
  source ??= decorators.queues[0]?.source;
  return source ? { value: queues, source } : { value: queues, note: "Celery's default queue" };
}

// ---------- RQ ----------

function rqFacts(setting: SettingOf, dependencies: DependencyFacts | undefined): RqFacts | undefined {
  const queues = setting('RQ_QUEUES');
  if (!queues) return undefined;
  const source = { file: queues.file, line: queues.line };
  if (queues.value.kind !== 'dict') {
    // Read from elsewhere: django-rq is in use, its queues are not in the code.
    const installed = dependencies ? isRuntimeDependency(dependencies, 'django-rq') : false;
    return installed ? { queues: { value: ['default'], source, note: 'RQ_QUEUES not read: the default queue' }, urls: [] } : undefined;
  }
  const urls: Found<UrlSetting>[] = [];
  for (const [key, entry] of queues.value.entries) {
    if (key.kind !== 'str' || entry.kind !== 'dict') continue;
    const url = entry.entries.find(([name]) => name.kind === 'str' && name.value === 'URL')?.[1];
    if (url) urls.push({ value: urlOf(`RQ_QUEUES["${key.value}"]["URL"]`, url), source });
  }
  return { queues: { value: stringKeys(queues.value), source }, urls };
}

// ---------- huey ----------

function hueyFacts(setting: SettingOf): Found<string> | undefined {
  const apps = setting('INSTALLED_APPS');
  if (apps?.value.kind === 'list' && apps.value.items.some((item) => item.kind === 'str' && item.value.startsWith('huey.contrib.djhuey'))) {
    return { value: 'huey.contrib.djhuey in INSTALLED_APPS', source: { file: apps.file, line: apps.line } };
  }
  const huey = setting('HUEY');
  return huey ? { value: 'HUEY', source: { file: huey.file, line: huey.line } } : undefined;
}

// ---------- values ----------

function urlSetting(name: string, setting: Setting | undefined): Found<UrlSetting> | undefined {
  if (!setting) return undefined;
  const value = urlOf(name, setting.value);
  return { value, source: { file: setting.file, line: setting.line }, ...(value.env ? { env: value.env } : {}) };
}

function urlOf(name: string, value: Value): UrlSetting {
  const env = 'env' in value ? value.env?.variable : undefined;
  return { setting: name, ...(value.kind === 'str' ? { url: value.value } : {}), ...(env ? { env } : {}) };
}

const stringKeys = (value: Extract<Value, { kind: 'dict' }>) => value.entries.flatMap(([key]) => (key.kind === 'str' ? [key.value] : []));

function listNames(value: Value): string[] {
  if (value.kind !== 'list') return [];
  return value.items.flatMap((item) => (item.kind === 'str' ? [item.value.split('.')[0]!] : []));
}

/** redis, rediss, amqp, ...: the scheme of a URL, or undefined. */
export function urlScheme(url: string | undefined): string | undefined {
  const colon = url?.indexOf('://') ?? -1;
  return url && colon > 0 ? url.slice(0, colon).toLowerCase() : undefined;
}
