/**
 * A small reader for nginx configuration: enough structure (blocks, directives, arguments)
 * to check where a location really serves files from, without regex guesswork.
 */

export interface Directive {
  name: string;
  args: string[];
  line: number;
  block?: Directive[];
}

export function parseNginx(text: string): Directive[] {
  const tokens: { value: string; line: number; quoted: boolean }[] = [];
  const pattern = /#[^\n]*|"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([{};])|([^\s{};"'#]+)|\n/g;
  let line = 1;
  for (const match of text.matchAll(pattern)) {
    if (match[0] === '\n') line++;
    else if (match[0].startsWith('#')) continue;
    else if (match[1] !== undefined || match[2] !== undefined) tokens.push({ value: match[1] ?? match[2]!, line, quoted: true });
    else tokens.push({ value: match[0], line, quoted: false });
  }
  let pos = 0;
  const parseBlock = (): Directive[] => {
    const directives: Directive[] = [];
    let current: Directive | undefined;
    while (pos < tokens.length) {
      const token = tokens[pos++]!;
      if (!token.quoted && token.value === '}') return directives;
      if (!token.quoted && token.value === ';') {
        if (current) directives.push(current);
        current = undefined;
      } else if (!token.quoted && token.value === '{') {
        const directive = current ?? { name: '', args: [], line: token.line };
        directive.block = parseBlock();
        directives.push(directive);
        current = undefined;
      } else if (!current) {
        current = { name: token.value, args: [], line: token.line };
      } else {
        current.args.push(token.value);
      }
    }
    return directives;
  };
  return parseBlock();
}

/** Every directive named `name`, at any depth. */
export function findAll(directives: Directive[], name: string): Directive[] {
  return directives.flatMap((d) => [...(d.name === name ? [d] : []), ...(d.block ? findAll(d.block, name) : [])]);
}

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
