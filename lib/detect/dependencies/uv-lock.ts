/**
 * uv.lock's graph: which of its packages the project's main dependencies, each of its dependency
 * groups and each of its extras install. uv.lock lists every package of every group and extra
 * (a dev-only psycopg-binary beside a production psycopg[c]); only the graph says which the
 * chosen ones reach. Walked as docker/uv-requirements.py walks it in the image, so detection
 * counts what the image installs.
 */
import { normalizeName, pep508Requirement } from './requirements.js';
import { isTable, string, strings, table, type TomlTable } from './toml.js';

/** What installs a lock entry (LockedPackage['installedBy']). */
export interface InstalledBy {
  main: boolean;
  groups: string[];
  extras?: string[];
}

/**
 * Each [[package]] entry's installers, or undefined when the lock has no single project package
 * (virtual or editable ".", as the script requires): then nothing is known and every entry counts.
 */
export function uvInstalledBy(lock: TomlTable | undefined): Map<TomlTable, InstalledBy> | undefined {
  const packages = (Array.isArray(lock?.['package']) ? lock['package'] : []).filter(isTable);
  const roots = packages.filter((entry) => {
    const source = table(entry, 'source');
    return source?.['virtual'] === '.' || source?.['editable'] === '.';
  });
  const root = roots.length === 1 ? roots[0] : undefined;
  if (!root) return undefined;

  const byName = new Map<string, TomlTable[]>();
  for (const entry of packages) {
    const name = normalizeName(string(entry['name']) ?? '');
    byName.set(name, [...(byName.get(name) ?? []), entry]);
  }
  // uv names the version (and source) on an edge when the lock holds more than one of a package.
  const find = (edge: TomlTable): TomlTable[] => {
    const candidates = byName.get(normalizeName(string(edge['name']) ?? '')) ?? [];
    const version = string(edge['version']);
    const matching = version === undefined ? candidates : candidates.filter((entry) => entry['version'] === version);
    return matching.length ? matching : candidates;
  };
  const edgesOf = (value: unknown): TomlTable[] => (Array.isArray(value) ? value.filter(isTable) : []);
  const reached = (start: TomlTable[]): Set<TomlTable> => {
    const seen = new Set<string>();
    const found = new Set<TomlTable>();
    const pending = [...start];
    for (let edge = pending.pop(); edge; edge = pending.pop()) {
      if (!appliesInImage(edge)) continue;
      const extras = strings(edge['extra']).map(normalizeName).sort();
      for (const entry of find(edge)) {
        const key = `${packages.indexOf(entry)}[${extras.join(',')}]`;
        if (seen.has(key)) continue;
        seen.add(key);
        found.add(entry);
        pending.push(...edgesOf(entry['dependencies']));
        const optional = table(entry, 'optional-dependencies') ?? {};
        for (const extra of extras) pending.push(...edgesOf(Object.entries(optional).find(([name]) => normalizeName(name) === extra)?.[1]));
      }
    }
    return found;
  };

  const main = reached(edgesOf(root['dependencies']));
  const groups = Object.entries(table(root, 'dev-dependencies') ?? {}).map(([name, edges]) => ({ name, reached: reached(edgesOf(edges)) }));
  const extras = Object.entries(table(root, 'optional-dependencies') ?? {}).map(([name, edges]) => ({ name, reached: reached(edgesOf(edges)) }));
  const named = (lists: { name: string; reached: Set<TomlTable> }[], entry: TomlTable) => lists.filter((list) => list.reached.has(entry)).map((list) => list.name);
  return new Map(
    packages.map((entry) => {
      const byExtras = named(extras, entry);
      return [entry, { main: main.has(entry), groups: named(groups, entry), ...(byExtras.length ? { extras: byExtras } : {}) }];
    }),
  );
}

/** An edge's marker in the image (`sys_platform == 'win32'` is false); what it cannot decide (Python's version) counts as true. */
function appliesInImage(edge: TomlTable): boolean {
  const marker = string(edge['marker']);
  return !marker || pep508Requirement(`edge; ${marker}`, { file: 'uv.lock' }, []) !== undefined;
}
