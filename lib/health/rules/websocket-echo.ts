import type { HealthRule } from '../rule.js';
import { websocketEcho as echo } from '../websocket-check.js';

/** ASGI projects that route websockets: one opened through nginx on the project's route echoes. */
export const websocketEcho: HealthRule = {
  id: 'websocket-echo',
  needs: ({ config }) => config.server.websocketPaths.length > 0,
  check: ({ config, port, host }) => echo(config, port, host.Host),
};
