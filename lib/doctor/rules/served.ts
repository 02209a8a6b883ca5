/**
 * Which nginx locations serve Django's static and media files: the prefix location for
 * STATIC_URL (MEDIA_URL), or, without Django facts, every prefix location serving a folder.
 */
import { isPrefix, servedFolder, type Location, type Server } from '../../nginx/model.js';
import type { Directive } from '../../nginx/parse.js';
import type { DoctorFacts } from '../rule.js';

export type Kind = 'static' | 'media';

export interface Served {
  kind: Kind;
  server: Server;
  location: Location;
  folder: string;
  via: Directive;
  alias: boolean;
}

const trim = (url: string) => url.replace(/\/+$/, '');

/** The path of STATIC_URL / MEDIA_URL when nginx could serve it (a local path, not a CDN). */
export function urlOf(facts: DoctorFacts, kind: Kind): string | undefined {
  const url = kind === 'static' ? facts.django?.staticUrl : facts.django?.mediaUrl;
  if (!url || url.includes('//')) return undefined;
  return url.startsWith('/') ? url : `/${url}`;
}

/** Every prefix location that serves a folder. */
export function fileLocations(facts: DoctorFacts): Omit<Served, 'kind'>[] {
  return facts.servers.flatMap((server) =>
    server.locations.filter(isPrefix).flatMap((location) => {
      const served = servedFolder(location, facts.nginx.directives);
      return served && location.uri !== '/' ? [{ server, location, ...served }] : [];
    }),
  );
}

/** The locations serving STATIC_URL (or MEDIA_URL). */
export function servedAt(facts: DoctorFacts, kind: Kind): Served[] {
  const url = urlOf(facts, kind);
  if (!url) return [];
  return fileLocations(facts)
    .filter((served) => trim(served.location.uri) === trim(url))
    .map((served) => ({ kind, ...served }));
}

/** Static and media locations; without Django facts, every folder-serving location. */
export function staticAndMedia(facts: DoctorFacts): Served[] {
  if (!facts.django) return fileLocations(facts).map((served) => ({ kind: 'static', ...served }));
  return [...servedAt(facts, 'static'), ...servedAt(facts, 'media')];
}
