/**
 * The command that serves the app, for the image's CMD and the start scripts alike: gunicorn's
 * sync workers for WSGI; for ASGI, gunicorn with uvicorn's worker class, or daphne. An ASGI
 * application under a sync worker cannot answer a request, so the worker class is never left out.
 */
import { GENERATED_FILES, UVICORN_WORKER_CLASS } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';

export function serverCommand(config: StackConfig): string[] {
  switch (config.server.kind) {
    case 'gunicorn':
      return ['gunicorn', '--config', GENERATED_FILES.gunicornConf, config.wsgiApp];
    case 'uvicorn':
      // gunicorn.conf.py still sets the workers, timeouts and trusted proxies; uvicorn's worker reads them.
      return ['gunicorn', '--config', GENERATED_FILES.gunicornConf, '-k', UVICORN_WORKER_CLASS, config.wsgiApp];
    case 'daphne':
      // One process; only nginx reaches the port, so its X-Forwarded-For is trusted.
      return ['daphne', '--bind', '0.0.0.0', '--port', String(config.gunicorn.port), '--proxy-headers', config.wsgiApp];
  }
}

/** The program that serves requests, as comments and messages name it: the command's first word. */
export const serverProgram = (config: StackConfig): string => serverCommand(config)[0]!;

/** The command as a Dockerfile's exec-form CMD. */
export const execForm = (command: string[]) => `[${command.map((part) => JSON.stringify(part)).join(', ')}]`;
