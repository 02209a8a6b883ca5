/**
 * The command that serves the app, for the image's CMD and the start scripts alike: gunicorn's
 * sync workers for WSGI; for ASGI, gunicorn with uvicorn's worker class, or daphne. An ASGI
 * application under a sync worker cannot answer a request, so the worker class is never left out.
 */
import { APP_SERVERS, UVICORN_WORKER_CLASS } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import { where } from '../../detect/found.js';
import type { ProjectFacts } from '../../detect/project.js';

export function serverCommand(config: StackConfig): string[] {
  switch (config.server.kind) {
    case 'gunicorn':
      return ['gunicorn', '--config', config.files.gunicornConf, config.wsgiApp];
    case 'uvicorn':
      // gunicorn.conf.py still sets the workers, timeouts and trusted proxies; uvicorn's worker reads them.
      return ['gunicorn', '--config', config.files.gunicornConf, '-k', UVICORN_WORKER_CLASS, config.wsgiApp];
    case 'daphne':
      // One process; only nginx reaches the port, so its X-Forwarded-For is trusted.
      return ['daphne', '--bind', '0.0.0.0', '--port', String(config.gunicorn.port), '--proxy-headers', config.wsgiApp];
  }
}

/** The program that serves requests, as comments and messages name it: the command's first word. */
export const serverProgram = (config: StackConfig): string => serverCommand(config)[0]!;

/** The command as a Dockerfile's exec-form CMD. */
export const execForm = (command: string[]) => `[${command.map((part) => JSON.stringify(part)).join(', ')}]`;

/**
 * ASGI servers a project may name that the stack does not run (hypercorn): no stand-in image of
 * the end-to-end tests has one, so serving with it could not be proven. The run says which
 * server replaces it, never silently.
 */
export const notRunServer = (name: string): boolean => !(APP_SERVERS as readonly string[]).includes(name);

export function serverNotices(facts: Pick<ProjectFacts, 'asgi'>, config: StackConfig): string[] {
  return (facts.asgi?.servers ?? [])
    .filter((server) => notRunServer(server.value))
    .map((server) => {
      const runs = config.server.kind === 'uvicorn' ? 'gunicorn running uvicorn workers (--app-server uvicorn)' : `${serverProgram(config)} (--app-server ${config.server.kind})`;
      const installs = config.server.install.length > 0 || config.dependencies.installGunicorn ? ', installed in the image' : '';
      return (
        `your dependencies name ${server.value} (${where(server)}), which the stack does not run: it serves ${config.wsgiApp} with ${runs}${installs}. ` +
        `Of the ASGI servers only ${APP_SERVERS.filter((name) => name !== 'gunicorn').join(' and ')} are run and checked end to end here; ${server.value}'s own settings (a hypercorn.toml, its command line) are not read (docs/asgi.md).`
      );
    });
}
