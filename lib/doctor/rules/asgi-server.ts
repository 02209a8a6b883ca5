/**
 * An ASGI application behind a WSGI server: gunicorn's sync worker (its default) calls the app
 * as application(environ, start_response), and an ASGI app answers every request with a
 * TypeError; or a Channels project whose only server runs the WSGI module, so its websocket
 * routes are served by nothing.
 */
import { stringItems } from '../django.js';
import type { Edit, Hit } from '../finding.js';
import { splitLines } from '../lines.js';
import { fileText, replaceInLine, type DoctorFacts, type Rule } from '../rule.js';
import { gunicornRun, serverCommands, type GunicornRun, type ServerCommand } from '../server-commands.js';

export const UVICORN_WORKER = 'uvicorn.workers.UvicornWorker';

/** gunicorn's WSGI worker classes, by their short and full names. */
const WSGI_WORKERS =
  /^(sync|gthread|gevent|eventlet|tornado|egg:gunicorn#\w+|gunicorn\.workers\.(sync\.SyncWorker|gthread\.ThreadWorker|ggevent\.GeventWorker|geventlet\.EventletWorker|gtornado\.TornadoWorker))$/;
const ASGI_SERVERS = new Set(['daphne', 'uvicorn', 'hypercorn', 'granian']);

/** The worker class is a WSGI one (unset is gunicorn's sync); a variable is not known. */
const wsgiWorker = (run: GunicornRun) => !run.workerClass || (!run.workerClass.value.includes('$') && WSGI_WORKERS.test(run.workerClass.value));
const moduleOf = (target: string) => target.split(':')[0]!;

export const asgiUnderWsgi: Rule = {
  id: 'asgi-under-wsgi',
  severity: 'high',
  title: 'ASGI application served by a WSGI server',
  why: "gunicorn's sync worker calls the application as WSGI; an ASGI application then fails every request with a TypeError, and websockets never connect.",
  check(facts) {
    const commands = serverCommands(facts);
    const runs = commands.flatMap((command) => {
      const run = gunicornRun(command, facts);
      return run ? [run] : [];
    });
    const asgiModule = facts.django?.asgi?.application && moduleOf(facts.django.asgi.application.value.replace(/\.(\w+)$/, ':$1'));
    const isAsgi = (target: string) => {
      const module = moduleOf(target);
      return module === 'asgi' || module.endsWith('.asgi') || module === asgiModule;
    };
    const hits: Hit[] = runs.filter((run) => run.target && !run.target.includes('$') && isAsgi(run.target) && wsgiWorker(run)).map((run) => asgiHit(facts, run));
    if (hits.length === 0) hits.push(...channelsHits(facts, commands, runs, isAsgi));
    return hits;
  },
};

function asgiHit(facts: DoctorFacts, run: GunicornRun): Hit {
  const { command } = run;
  const line = lineWith(facts, command, 'gunicorn');
  const worker = run.workerClass
    ? `worker class ${run.workerClass.value} (${run.workerClass.from === 'config' ? run.workerClass.file : run.workerClass.from === 'environment' ? 'GUNICORN_CMD_ARGS' : 'the command'})`
    : 'no -k, so its sync worker';
  return {
    file: command.file,
    line,
    message: `${command.what} runs gunicorn on ${run.target}, an ASGI application, with ${worker}: every request fails with "TypeError: __call__() missing 1 required positional argument: 'send'"${fixNote(facts)}`,
    fix: run.workerClass?.from === 'command' ? undefined : workerFix(facts, run, run.target!, run.target!),
  };
}

/** channels/daphne in INSTALLED_APPS, ASGI_APPLICATION and websocket routes, but only gunicorn on the WSGI module runs. */
function channelsHits(facts: DoctorFacts, commands: ServerCommand[], runs: GunicornRun[], isAsgi: (target: string) => boolean): Hit[] {
  const django = facts.django;
  const asgi = django?.asgi;
  const application = django?.settings.get('ASGI_APPLICATION');
  const apps = stringItems(django?.settings.get('INSTALLED_APPS')?.value) ?? [];
  if (!asgi?.websocketPaths.length || !application || !asgi.application || !apps.some((app) => app === 'channels' || app === 'daphne')) return [];
  const asgiServed = commands.some((c) => c.words.some((w) => ASGI_SERVERS.has(w.split('/').at(-1)!))) || runs.some((run) => !wsgiWorker(run) || (run.target && isAsgi(run.target)));
  if (asgiServed) return [];
  const route = asgi.websocketPaths[0]!;
  const asgiTarget = asgi.application.value.replace(/\.(\w+)$/, ':$1');
  return runs
    .filter((run) => run.target && !run.target.includes('$'))
    .map((run) => ({
      file: run.command.file,
      line: lineWith(facts, run.command, 'gunicorn'),
      message: `${run.command.what} runs only gunicorn on ${run.target}, the WSGI application, but Channels routes websockets under ${asgi.websocketPaths.map((p) => p.value).join(', ')} (${route.source?.file}${route.source?.line ? `:${route.source.line}` : ''}) through ASGI_APPLICATION ${asgiTarget} (${application.file}:${application.line}), which no process serves: websocket connections get 404${fixNote(facts)}`,
      fix: run.workerClass?.from === 'command' ? undefined : workerFix(facts, run, run.target!, asgiTarget),
    }));
}

const fixNote = (facts: DoctorFacts) => (facts.django?.uvicorn ? '' : `; serve it with gunicorn -k ${UVICORN_WORKER} (add uvicorn to the dependencies) or with daphne`);

/** The first line of the command holding `word`, else its first line. */
function lineWith(facts: DoctorFacts, command: ServerCommand, word: string): number {
  const lines = splitLines(fileText(facts, command.file) ?? '');
  for (let line = command.lines[0]; line <= command.lines[1]; line++) if (lines[line - 1]?.includes(word)) return line;
  return command.lines[0];
}

/**
 * The target replaced by `target -k uvicorn.workers.UvicornWorker` on its line, in the form the
 * line writes it (a JSON list item, or a shell word). Only when uvicorn is a dependency.
 */
function workerFix(facts: DoctorFacts, run: GunicornRun, from: string, to: string): Hit['fix'] {
  if (!facts.django?.uvicorn) return undefined;
  const { command } = run;
  const line = lineWith(facts, command, from);
  const text = splitLines(fileText(facts, command.file) ?? '')[line - 1] ?? '';
  let edit: Edit | undefined;
  if (text.includes(`"${from}"`) && /^\s*(CMD|ENTRYPOINT|command:|entrypoint:)?\s*\[|",\s*"/.test(text))
    edit = replaceInLine(facts, command.file, line, `"${from}"`, `"${to}", "-k", "${UVICORN_WORKER}"`);
  else if (new RegExp(`(^|[\\s"'=])${from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s"';])`).test(text)) edit = replaceInLine(facts, command.file, line, from, `${to} -k ${UVICORN_WORKER}`);
  return edit && { file: command.file, edits: [edit] };
}
