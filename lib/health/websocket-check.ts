/**
 * The websocket check, for a stack that routes websockets: one opened through nginx on a route
 * of the project's, a message sent, its echo back. A refused handshake is named by its cause:
 * nginx's own answer (no Upgrade headers reached the app), or the app's (a sync, WSGI worker
 * cannot speak ASGI's websocket protocol).
 */
import { randomBytes } from 'node:crypto';
import type { StackConfig } from '../config/stack-config.js';
import type { Endpoint } from '../probe/http-probe.js';
import { websocketRoundTrip } from '../probe/websocket-probe.js';
import type { CheckResult } from './check-result.js';

type Verdict = Omit<CheckResult, 'id' | 'name'>;

export async function websocketEcho(config: StackConfig, port: number | Endpoint, host: string): Promise<Verdict> {
  const path = config.server.websocketProbe;
  if (!path) {
    return config.server.websocketPaths.length
      ? { ok: true, skipped: true, detail: `no websocket route without parameters under ${config.server.websocketPaths.join(', ')} to open` }
      : { ok: true, skipped: true, detail: 'the project routes no websockets' };
  }
  const message = `health-check-${randomBytes(6).toString('hex')}`;
  const outcome = await websocketRoundTrip(port, path, { Host: host }, message);
  if (outcome.kind === 'refused') {
    const fromNginx = /<center>nginx<\/center>/.test(outcome.body);
    const why = fromNginx
      ? 'nginx answered it itself (the app is not reachable, or the location does not pass the Upgrade headers)'
      : config.server.kind === 'gunicorn'
        ? 'gunicorn runs sync (WSGI) workers, which cannot open a websocket: serve the ASGI application (--app-server uvicorn or daphne)'
        : 'the app refused it (does its routing send this path to a websocket consumer, and do its origin checks accept this Host?)';
    return { ok: false, detail: `${path}: the websocket handshake got HTTP ${outcome.status}, not 101: ${why}` };
  }
  if (outcome.reply === message) return { ok: true, detail: `${path}: opened through nginx (101), and "${message}" came back` };
  // The handshake through nginx is what the stack owes; what the consumer says is the project's.
  if (outcome.reply !== undefined) return { ok: true, detail: `${path}: opened through nginx (101); the consumer answered "${outcome.reply.slice(0, 80)}" (it does not echo)` };
  return {
    ok: true,
    detail: `${path}: opened through nginx (101); no reply${outcome.closedWith ? `: the consumer closed with code ${outcome.closedWith}` : ' in time'} (it does not echo)`,
  };
}
