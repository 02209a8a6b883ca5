/**
 * Every health rule, in one table, in the order the table prints them. A new check is one file
 * in this folder, its id and name in ../check-result.ts, and one row here.
 */
import type { HealthRule } from '../rule.js';
import { adminLogin } from './admin-login.js';
import { appThroughNginx } from './app-through-nginx.js';
import { dotfilesHidden } from './dotfiles-hidden.js';
import { gunicornNotPublished } from './gunicorn-not-published.js';
import { leastPrivilege } from './least-privilege.js';
import { mediaFile } from './media-file.js';
import { noTraversal } from './no-traversal.js';
import { staticFile } from './static-file.js';
import { staticNotGunicorn } from './static-not-gunicorn.js';
import { taskRoundTrip } from './task-round-trip.js';
import { websocketEcho } from './websocket-echo.js';
import { acmeChallengeOverHttp, deployCheck, hsts, httpsRedirect, secureCookies, tlsCertificate, tlsOldVersionsRefused } from './tls.js';

export const HEALTH_RULES: readonly HealthRule[] = [
  tlsCertificate,
  tlsOldVersionsRefused,
  httpsRedirect,
  acmeChallengeOverHttp,
  hsts,
  appThroughNginx,
  websocketEcho,
  staticFile,
  staticNotGunicorn,
  mediaFile,
  noTraversal,
  dotfilesHidden,
  gunicornNotPublished,
  leastPrivilege,
  taskRoundTrip,
  adminLogin,
  secureCookies,
  deployCheck,
];
