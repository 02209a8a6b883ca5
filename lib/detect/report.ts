/** The "Detected:" report: every finding with the file and line it came from. */
import { where, type Found } from './found.js';
import type { ProjectFacts } from './project.js';

export function detectionReport(facts: ProjectFacts): string[] {
  const line = (label: string, found: Found<unknown> | undefined, show?: string) => {
    if (!found) return `  ${label.padEnd(18)} not found`;
    const value = show ?? (Array.isArray(found.value) ? found.value.join(', ') || '(none)' : String(found.value));
    const env = found.env ? `, or $${found.env}` : '';
    const note = found.note ? ` (${found.note})` : '';
    return `  ${label.padEnd(18)} ${value}  [${where(found)}${env}]${note}`;
  };
  return [
    'Detected:',
    line('settings module', facts.settingsModule),
    ...(facts.sourceFolder ? [line('source folder', { ...facts.sourceFolder, note: 'manage.py puts it on sys.path; the image sets PYTHONPATH to it' }, `${facts.sourceFolder.value}/`)] : []),
    line('WSGI application', facts.wsgiApplication),
    ...asgiLines(facts, line),
    line('Python', facts.pythonVersion),
    line('dependencies', facts.dependencies, facts.dependencies?.value.file),
    line('Django', facts.djangoVersion),
    line('database', facts.database, facts.database && databaseShown(facts.database.value)),
    ...(facts.database?.value.branches ?? []).map((branch) => `    ${databaseShown(branch)} when ${branch.when}  [${branch.file}:${branch.line}${branch.variable ? `, or $${branch.variable}` : ''}]`),
    ...databaseDecisionLines(facts),
    // Only worth a line where PostgreSQL is in play.
    ...(facts.postgresDriver || facts.database?.value.engine === 'postgresql' ? [line('PostgreSQL driver', facts.postgresDriver, facts.postgresDriver?.value.module)] : []),
    line('STATIC_URL', facts.staticUrl),
    line('STATIC_ROOT', facts.staticRoot),
    line('STATICFILES_DIRS', facts.staticfilesDirs),
    line('MEDIA_URL', facts.mediaUrl),
    ...(facts.privateMedia ? [line('private uploads', facts.privateMedia, "internal: nginx serves MEDIA_URL only to the app's X-Accel-Redirect answers")] : []),
    line('static storage', facts.staticfilesStorage),
    ...remoteStaticLines(facts),
    ...(facts.whitenoise?.value ? ['  WhiteNoise is in MIDDLEWARE: nginx serves static files before a request reaches it, so it stays idle for them.'] : []),
    ...processLines(facts),
    ...facts.warnings.map((warning) => `  warning: ${warning}`),
  ];
}

/** Only for an ASGI project: its application, Channels, its servers and websocket prefixes. */
function asgiLines({ asgi }: ProjectFacts, line: (label: string, found: Found<unknown> | undefined, show?: string) => string): string[] {
  if (!asgi) return [];
  return [
    `  ASGI project       ${asgi.reason}`,
    line('ASGI application', asgi.application),
    ...(asgi.channels ? [line('Channels', asgi.channels, 'installed')] : []),
    ...asgi.servers.map((server) => line('ASGI server', server)),
    ...asgi.websocketPaths.map((prefix) => line('websocket prefix', prefix)),
  ];
}

/** Why the stack's database is what it is, when the settings do not say it plainly; or what disagrees. */
function databaseDecisionLines({ databaseDecision: decision }: ProjectFacts): string[] {
  if ('conflict' in decision) return [`  warning: ${decision.conflict}`];
  return decision.why ? [`  database choice    ${decision.choice}: ${decision.why}`] : [];
}

function databaseShown({ engine, name, form, branches }: { engine: string; name?: string; form: 'url' | 'dict'; branches?: unknown[] }): string {
  // Branches that disagree: each has its own line below.
  if (engine === 'unknown' && branches?.length) return 'set differently on the branches of an if:';
  const how = form === 'url' ? ' from a database URL' : '';
  return `${engine}${how}${name ? ` (NAME ${name})` : ''}`;
}

/** Static files on object storage or a CDN: say so, and where that was read. */
function remoteStaticLines({ remoteStatic }: ProjectFacts): string[] {
  if (!remoteStatic) return [];
  const { backend, url, path } = remoteStatic;
  const how = backend ? `on ${backend.value} [${where(backend)}]` : 'elsewhere';
  const at = url ? ` at ${url.value} [${where(url)}]${path ? `, path ${path}` : ''}` : '';
  return [`  remote static      in production, static files are served ${how}${at}, not by this stack's nginx`];
}

/** Celery, RQ and Procfile processes, where the project has them. */
function processLines({ processes }: ProjectFacts): string[] {
  if (!processes) return [];
  const line = (label: string, found: Found<unknown>, show: string) => {
    const env = found.env ? `, or $${found.env}` : '';
    return `  ${label.padEnd(18)} ${show}  [${where(found)}${env}]${found.note ? ` (${found.note})` : ''}`;
  };
  // Neither a URL nor a variable (pretalx: `config.get("celery", "broker")`): said, not shown as `$?`.
  const url = (found: Found<{ url?: string; env?: string }>) =>
    found.value.url ?? (found.value.env ? `from $${found.value.env}` : 'not read: the setting is neither a URL in the code nor an environment variable the reader follows');
  const { celery, rq, procfile } = processes;
  return [
    ...(celery
      ? [
          celery.app ? line('Celery app', celery.app, celery.app.value) : `  ${'Celery app'.padEnd(18)} not found (--celery-app names it)`,
          line('Celery queues', celery.queues, celery.queues.value.join(', ')),
        ]
      : []),
    ...(celery?.taskQueues ?? []).map((queue) => line('task queue', queue, queue.value)),
    ...(celery?.broker ? [line('Celery broker', celery.broker, url(celery.broker))] : []),
    ...(celery?.resultBackend ? [line('Celery results', celery.resultBackend, url(celery.resultBackend))] : []),
    ...(celery?.beatSchedule ? [line('beat schedule', celery.beatSchedule, celery.beatSchedule.value.join(', ') || '(entries not read)')] : []),
    ...(celery?.databaseScheduler ? [line('beat scheduler', celery.databaseScheduler, 'django-celery-beat (schedule in the database)')] : []),
    ...(rq ? [line('RQ queues', rq.queues, rq.queues.value.join(', '))] : []),
    ...(procfile ? procfile.value.map((process) => `  ${`Procfile ${process.name}`.padEnd(18)} ${process.command}  [Procfile:${process.line}]`) : []),
  ];
}
