/** Every doctor rule, in report order within a severity. */
import type { Rule } from '../rule.js';
import { allowWithoutDeny, ifInLocation, originRegex, resolverExternal, validReferersNone } from './access.js';
import { addHeaderContentType, addHeaderDropped, addHeaderMultiline } from './add-header.js';
import { aliasTraversal } from './alias-traversal.js';
import { asgiUnderWsgi } from './asgi-server.js';
import { autoindexOn } from './autoindex.js';
import { hostSpoofing, httpSplitting, proxySsrf } from './client-input.js';
import { composeLeastPrivilege } from './compose-least-privilege.js';
import { allowedHostsStar, djangoDebug, djangoProxySettings } from './django-settings.js';
import { forwardedPassthrough, forwardedProto } from './forwarded.js';
import { gunicornExposed } from './gunicorn-exposed.js';
import { dotfilesServed, manifestServed } from './hidden-files.js';
import { hostHeaderPort } from './host-header.js';
import { clientMaxBodySize, serverTokens } from './server-settings.js';
import { staticFolder } from './static-folder.js';
import { staticUrl } from './static-url.js';
import { staticViaGunicorn } from './static-via-gunicorn.js';
import { acmeChallengeBlocked, hstsWrongLayer, tlsProtoMissing } from './tls-layer.js';
import { websocketUpgrade } from './websocket-upgrade.js';

export const RULES: Rule[] = [
  aliasTraversal,
  autoindexOn,
  staticFolder,
  staticUrl,
  staticViaGunicorn,
  dotfilesServed,
  manifestServed,
  addHeaderDropped,
  addHeaderMultiline,
  addHeaderContentType,
  hostHeaderPort,
  hostSpoofing,
  httpSplitting,
  proxySsrf,
  forwardedProto,
  forwardedPassthrough,
  tlsProtoMissing,
  hstsWrongLayer,
  acmeChallengeBlocked,
  validReferersNone,
  originRegex,
  allowWithoutDeny,
  ifInLocation,
  resolverExternal,
  clientMaxBodySize,
  serverTokens,
  gunicornExposed,
  asgiUnderWsgi,
  websocketUpgrade,
  composeLeastPrivilege,
  djangoDebug,
  allowedHostsStar,
  djangoProxySettings,
];
