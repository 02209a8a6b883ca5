/**
 * An ASGI application behind a WSGI server: gunicorn's sync worker calls it as
 * application(environ, start_response), and ASGI's __call__(scope, receive, send) raises a
 * TypeError for the missing `send` on every request (a websocket handshake included).
 */
import type { StackConfig } from '../config/stack-config.js';
import { lastLines } from './log-lines.js';

const ASGI_CALLED_AS_WSGI = /TypeError: .*__call__\(\) missing 1 required positional argument: 'send'/;

export function asgiCauses(config: StackConfig, appLogs: string): string[] {
  const line = appLogs.split('\n').find((text) => ASGI_CALLED_AS_WSGI.test(text));
  if (!line) return [];
  return [
    `An ASGI application is served by a WSGI server: gunicorn's sync worker calls ${config.wsgiApp} as WSGI, and it answers every request with a TypeError ("${line.slice(line.indexOf('TypeError')).trim()}"). ` +
      `Serve it with an ASGI server: gunicorn -k uvicorn.workers.UvicornWorker, or daphne (generate with --app-server uvicorn or daphne). Last lines:\n${lastLines(appLogs, 4)}`,
  ];
}
