/** Every doctor rule, in report order within a severity. */
import type { Rule } from '../rule.js';
import { addHeaderDropped } from './add-header.js';
import { aliasTraversal } from './alias-traversal.js';
import { autoindexOn } from './autoindex.js';
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

export const RULES: Rule[] = [
  aliasTraversal,
  autoindexOn,
  staticFolder,
  staticUrl,
  staticViaGunicorn,
  dotfilesServed,
  manifestServed,
  addHeaderDropped,
  hostHeaderPort,
  forwardedProto,
  forwardedPassthrough,
  clientMaxBodySize,
  serverTokens,
  gunicornExposed,
  composeLeastPrivilege,
  djangoDebug,
  allowedHostsStar,
  djangoProxySettings,
];
