/**
 * Uploads served only through the app: the project's own nginx configuration makes its
 * MEDIA_URL location `internal`, so only the app's `X-Accel-Redirect` answers (after its own
 * permission checks) reach the files (ephios' deployment). Serving MEDIA_URL publicly would let
 * anyone with a file's URL download it, so the stack keeps that location internal too.
 *
 * The project's nginx file is the evidence, not an X-Accel-Redirect in the code: Misago has one
 * for an optional attachment server, and its avatars under MEDIA_URL must stay public.
 */
import fs from 'node:fs';
import path from 'node:path';
import { own, servers } from '../nginx/model.js';
import { parseNginx } from '../nginx/parse.js';
import type { Found } from './found.js';
import { projectFiles } from './project-files.js';

/** deployment/compose/nginx.conf, docker/nginx/default.conf: three folders deep is where projects keep them. */
const DEPTH = 3;

/** The `location <MEDIA_URL> { internal; }` of the project's own nginx files, with its line. */
export function internalMedia(root: string, mediaUrl: string | undefined): Found<true> | undefined {
  if (!mediaUrl) return undefined;
  for (const file of projectFiles(root, DEPTH)) {
    if (!isNginxFile(file.relative)) continue;
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, file.relative), 'utf8');
    } catch {
      continue;
    }
    let parsed;
    try {
      parsed = parseNginx(text, file.relative);
    } catch {
      continue; // a template with placeholders nginx itself could not read either
    }
    for (const server of servers(parsed)) {
      const media = server.locations.find((location) => sameUrl(location.uri, mediaUrl) && own(location.directive, 'internal').length > 0);
      if (media) return { value: true, source: { file: file.relative, line: media.directive.line } };
    }
  }
  return undefined;
}

/** nginx.conf, default.conf, nginx/site.conf, nginx.conf.template. */
const isNginxFile = (relative: string) => /(^|\/)nginx[^/]*(\/|$)/.test(relative) || /\.conf(\.template)?$/.test(path.posix.basename(relative));

const sameUrl = (uri: string, url: string) => uri.replace(/\/?$/, '/') === url.replace(/\/?$/, '/');
