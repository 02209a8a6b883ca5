/**
 * Where the generated nginx configuration serves files from, read with nginx's own grammar
 * (lib/nginx/parse.ts) and the folder rule doctor uses (lib/nginx/model.ts).
 */
import { servedFolder, servers } from '../nginx/model.js';
import { parseNginx } from '../nginx/parse.js';
import { aliasRisk } from '../nginx/rules.js';

export { findAll, parseNginx, type Directive } from '../nginx/parse.js';

export interface FileLocation {
  prefix: string;
  line: number;
  /** The directory a request for `prefix + x` reads `x` from. */
  directory?: string;
  via: 'root' | 'alias' | 'none';
  problems: string[];
}

/** Plain prefix locations and the directory each one maps to (through root or alias). */
export function fileLocations(text: string): FileLocation[] {
  return servers(parseNginx(text))
    .flatMap((server) => server.locations)
    .filter((location) => location.modifier === '')
    .map((location) => {
      const prefix = location.uri;
      const line = location.directive.line;
      const served = servedFolder(location);
      if (!served) return { prefix, line, via: 'none' as const, problems: [] };
      const problems: string[] = [];
      const risk = served.alias ? aliasRisk(prefix, served.folder) : undefined;
      // alias-traversal's leaks (one-file, a prefix match for one file, is only doctor's low finding).
      if (risk === 'parent-escape' || risk === 'sibling-prefix') {
        problems.push(`line ${served.via.line}: "location ${prefix}" with "alias ${served.folder}" allows path traversal (both must end with "/")`);
      }
      return { prefix, line, directory: served.folder.replace(/\/$/, ''), via: served.alias ? ('alias' as const) : ('root' as const), problems };
    });
}
