/**
 * Where the generated nginx configuration serves files from, read with doctor's nginx reader
 * (nginx's own grammar, lib/nginx/parse.ts).
 */
import { findAll, parseNginx } from '../nginx/parse.js';

export { findAll, parseNginx, type Directive } from '../nginx/parse.js';

export interface FileLocation {
  prefix: string;
  line: number;
  /** The directory a request for `prefix + x` reads `x` from. */
  directory?: string;
  via: 'root' | 'alias' | 'none';
  problems: string[];
}

/** Prefix locations that serve files (root/alias) and the directory each one maps to. */
export function fileLocations(text: string): FileLocation[] {
  return findAll(parseNginx(text), 'location')
    .filter((location) => location.args.length === 1 && location.block)
    .map((location) => {
      const prefix = location.args[0]!;
      const own = (name: string) => location.block!.find((d) => d.name === name);
      const root = own('root');
      const alias = own('alias');
      const problems: string[] = [];
      if (alias) {
        // location /static { alias /x/; } lets /static../ escape the folder.
        const aliasPath = alias.args[0] ?? '';
        if (prefix.endsWith('/') !== aliasPath.endsWith('/')) {
          problems.push(`line ${alias.line}: "location ${prefix}" with "alias ${aliasPath}" allows path traversal (both must end with "/")`);
        }
        return { prefix, line: location.line, directory: aliasPath.replace(/\/$/, ''), via: 'alias' as const, problems };
      }
      if (root) {
        const directory = (root.args[0] ?? '').replace(/\/$/, '') + prefix.replace(/\/$/, '');
        return { prefix, line: location.line, directory, via: 'root' as const, problems };
      }
      return { prefix, line: location.line, via: 'none' as const, problems };
    });
}
