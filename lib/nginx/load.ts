/**
 * A whole nginx configuration, with `include`s followed the way nginx follows them: a
 * relative path is relative to the prefix (the folder of the main file), globs match files
 * in sorted order, and an included file's directives take the include's place. The source is
 * either files on disk or the output of `nginx -T`, whose `# configuration file <path>:`
 * sections stand in for the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readText } from '../read-text.js';
import { parseNginx, type Directive } from './parse.js';

export interface NginxConfig {
  /** The file the configuration starts from (for messages). */
  main: string;
  /** Top-level directives, includes expanded. */
  directives: Directive[];
  /** Text of every file read, by the path used in findings. */
  texts: Map<string, string>;
  /** What could not be read and was skipped (an include of a file that is not here). */
  notes: string[];
}

export class NginxInputError extends Error {
  override name = 'NginxInputError';
}

/** What the files are read from: the disk, or the sections of a dump. */
interface Source {
  read(file: string): string | undefined;
  /** Files matching a glob pattern (absolute), sorted. */
  glob(pattern: string): string[];
  /** Files on disk (not the sections of a dump). */
  disk?: boolean;
}

const disk: Source = {
  disk: true,
  read: readText,
  glob: (pattern) => {
    if (!hasGlob(pattern)) return fs.existsSync(pattern) ? [pattern] : [];
    // Component by component from the root: nginx's glob(3) matches "/etc/nginx/sites-*/*.conf".
    let matches = ['/'];
    for (const part of pattern.split('/').filter(Boolean)) {
      matches = matches.flatMap((dir) => {
        if (!hasGlob(part)) return fs.existsSync(path.join(dir, part)) ? [path.join(dir, part)] : [];
        let entries: string[];
        try {
          entries = fs.readdirSync(dir);
        } catch {
          return [];
        }
        return entries.filter((entry) => !entry.startsWith('.') && globMatch(part, entry)).map((entry) => path.join(dir, entry));
      });
    }
    // A dangling symlink (a sites-enabled link copied without its target) is no file.
    return matches.filter((file) => fs.statSync(file, { throwIfNoEntry: false })?.isFile()).sort();
  },
};

const hasGlob = (pattern: string) => pattern.includes('*') || pattern.includes('?') || pattern.includes('[');

/** glob(3) on one path component: `*`, `?` and `[...]` (with `!` or `^` for "not"). */
export function globMatch(pattern: string, name: string): boolean {
  const match = (p: number, n: number): boolean => {
    if (p === pattern.length) return n === name.length;
    const ch = pattern[p]!;
    if (ch === '*') return match(p + 1, n) || (n < name.length && match(p, n + 1));
    if (n === name.length) return false;
    if (ch === '?') return match(p + 1, n + 1);
    if (ch === '[') {
      const close = pattern.indexOf(']', p + 2);
      if (close > 0) {
        const negate = pattern[p + 1] === '!' || pattern[p + 1] === '^';
        const set = pattern.slice(negate ? p + 2 : p + 1, close);
        let hit = false;
        for (let i = 0; i < set.length; i++) {
          if (set[i + 1] === '-' && i + 2 < set.length) {
            hit ||= set[i]! <= name[n]! && name[n]! <= set[i + 2]!;
            i += 2;
          } else hit ||= set[i] === name[n];
        }
        return hit !== negate && match(close + 1, n + 1);
      }
    }
    return ch === name[n] && match(p + 1, n + 1);
  };
  return match(0, 0);
}

/** A whole path against a pattern, component by component (`*` never crosses a `/`). */
function pathMatch(pattern: string, file: string): boolean {
  const parts = pattern.split('/');
  const names = file.split('/');
  return parts.length === names.length && parts.every((part, i) => globMatch(part, names[i]!));
}

/**
 * The files of a folder given instead of a main file, as the stock nginx.conf of each layout
 * includes them: Debian's sites-enabled/ and sites-available/ with `*` (extensionless names),
 * conf.d/ (Debian, RHEL, the nginx image) with `*.conf`; any other folder with `*.conf`, else `*`.
 */
function folderFiles(folder: string): string[] {
  const all = disk.glob(path.join(folder, '*'));
  if (/^sites-/.test(path.basename(folder))) return all;
  const conf = all.filter((file) => file.endsWith('.conf'));
  return conf.length > 0 ? conf : all;
}

/**
 * Reads a main file from disk, or a folder: its nginx.conf (a copy of /etc/nginx), else its site
 * files, as if included in `http`. Inside a copied tree, includes of /etc/nginx/... are read from
 * the copy (RHEL's nginx.conf includes /etc/nginx/conf.d/*.conf and default.d/*.conf by absolute path).
 */
export function loadNginxPath(target: string, prefix?: string, overrides?: Map<string, string>): NginxConfig {
  const diskSource = overrides ? { ...disk, read: (file: string) => overrides.get(file) ?? disk.read(file) } : disk;
  const absolute = path.resolve(target);
  if (!fs.existsSync(absolute)) throw new NginxInputError(`${target}: no such file or folder`);
  if (fs.statSync(absolute).isDirectory()) {
    const main = path.join(absolute, 'nginx.conf');
    if (fs.existsSync(main)) return load(main, prefix ?? absolute, diskSource);
    const files = folderFiles(absolute);
    if (files.length === 0) throw new NginxInputError(`${target}: no nginx.conf and no site file in this folder`);
    const texts = new Map<string, string>();
    const notes: string[] = [];
    const directives = files.flatMap((file) => expand(file, prefix ?? absolute, diskSource, { texts, notes }, []));
    return { main: absolute, directives, texts, notes };
  }
  return load(absolute, prefix ?? path.dirname(absolute), diskSource);
}

/** Reads the output of `nginx -T` (what a user can paste from a server). */
export function loadNginxDump(dump: string): NginxConfig {
  const lines = new Map<string, string[]>();
  let current: string[] | undefined;
  const marker = '# configuration file ';
  for (const line of dump.split('\n')) {
    if (line.startsWith(marker) && line.trimEnd().endsWith(':')) {
      current = [];
      lines.set(line.trimEnd().slice(marker.length, -1), current);
    } else current?.push(line);
  }
  const sections = new Map([...lines].map(([file, text]) => [file, text.join('\n')]));
  const main = sections.keys().next().value;
  if (main === undefined) throw new NginxInputError('not the output of `nginx -T`: no "# configuration file <path>:" line');
  const source: Source = {
    read: (file) => sections.get(file),
    glob: (pattern) => [...sections.keys()].filter((file) => pathMatch(pattern, file)).sort(),
  };
  return load(main, path.dirname(main), source);
}

function load(main: string, prefix: string, source: Source): NginxConfig {
  // A main nginx.conf read from anywhere but /etc/nginx is a copy of a server's tree.
  const copy = source.disk === true && path.basename(main) === 'nginx.conf' && prefix !== DEBIAN_PREFIX;
  const read: Reading = { texts: new Map<string, string>(), notes: [], copy };
  const directives = expand(main, prefix, source, read, []);
  return { main, directives, texts: read.texts, notes: read.notes };
}

interface Reading extends Pick<NginxConfig, 'texts' | 'notes'> {
  /** Reading a copy of /etc/nginx: its absolute includes are read from the copy. */
  copy?: boolean;
}

/** Where a site file copied off a Debian/Ubuntu server finds `include proxy_params;` and friends. */
const DEBIAN_PREFIX = '/etc/nginx';

/** A file's directives, includes expanded; those at its top level marked with the `include` that read it (`from`). */
function expand(file: string, prefix: string, source: Source, read: Reading, stack: string[], from?: Directive): Directive[] {
  if (stack.includes(file)) throw new NginxInputError(`${file}: includes itself (through ${stack.join(' -> ')})`);
  const text = source.read(file);
  if (text === undefined) throw new NginxInputError(`${file}: cannot be read`);
  read.texts.set(file, text);
  const walk = (directives: Directive[]): Directive[] =>
    directives.flatMap((directive) => {
      if (directive.name === 'include' && !directive.block) {
        const arg = directive.args[0] ?? '';
        // A copy of /etc/nginx read elsewhere: its own absolute includes point into the copy, and a
        // glob there must not pick up this machine's sites.
        const inCopy = read.copy === true && arg.startsWith(`${DEBIAN_PREFIX}/`);
        let files = source.glob(inCopy ? path.join(prefix, arg.slice(DEBIAN_PREFIX.length)) : path.resolve(prefix, arg));
        if (files.length === 0 && (!path.isAbsolute(arg) || (inCopy && !hasGlob(arg)))) files = source.glob(path.resolve(DEBIAN_PREFIX, arg));
        // A site file read on its own often includes files of the server it came from: read on.
        if (files.length === 0 && !hasGlob(arg))
          read.notes.push(`${directive.file}:${directive.line}: include ${arg} is not here (looked in ${prefix} and ${DEBIAN_PREFIX}); its directives were not read`);
        return files.flatMap((included) => expand(included, prefix, source, read, [...stack, file], directive));
      }
      // The parse is this load's own: its blocks are filled in place (a copy per block doubled the memory of large configurations).
      if (directive.block) directive.block = walk(directive.block);
      return [directive];
    });
  return walk(parseNginx(text, file).map((directive) => (from ? { ...directive, includedFrom: from } : directive)));
}
