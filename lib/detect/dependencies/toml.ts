/**
 * TOML files read with smol-toml, plus locating a parsed value's line in the source text
 * (smol-toml gives no positions, and every finding is reported as file:line).
 */
import { parse, TomlError, type TomlTable } from 'smol-toml';
import { read } from '../../read-text.js';

export type { TomlTable };

export type TomlFile = { text: string; data: TomlTable } | { text: string; problem: string };

/** A project TOML file, undefined when it does not exist; a syntax error becomes a file:line problem. */
export function readToml(root: string, file: string): TomlFile | undefined {
  const text = read(root, file);
  if (text === undefined) return undefined;
  try {
    return { text, data: parse(text) };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    return { text, problem: `${file}:${error.line}: not valid TOML (${error.message.split('\n')[0]})` };
  }
}

/** The table at a dotted path (`table(data, 'tool', 'poetry')`), or undefined. */
export function table(value: unknown, ...keys: string[]): TomlTable | undefined {
  let current = value;
  for (const key of keys) current = isTable(current) ? current[key] : undefined;
  return isTable(current) ? current : undefined;
}

export const isTable = (value: unknown): value is TomlTable => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

export const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

export const string = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The 1-based line of the first line containing `needle`, searching from the header line of
 * `section` (e.g. "[tool.poetry.dependencies]") when it is there. Locating only: the value
 * was already read by the parser.
 */
export function lineOfValue(text: string, needle: string, section?: string): number | undefined {
  const lines = text.split('\n');
  const header = section ? lines.findIndex((line) => line.trim() === section) : -1;
  const found = lines.findIndex((line, index) => index >= header && line.includes(needle));
  return found === -1 ? undefined : found + 1;
}

/**
 * The line of `key = ...` (bare or quoted key) after the header `section`, e.g. a Poetry or
 * Pipfile dependency; with `value`, only where the key is set to that string (a lock file's
 * `name = "django"`).
 */
export function lineOfKey(text: string, key: string, section?: string, value?: string): number | undefined {
  const lines = text.split('\n');
  const header = section ? lines.findIndex((line) => line.trim() === section) : -1;
  const found = lines.findIndex((line, index) => {
    if (index <= header) return false;
    const trimmed = line.trimStart();
    const form = [key, `"${key}"`, `'${key}'`].find((candidate) => trimmed.startsWith(candidate));
    const afterKey = form === undefined ? '' : trimmed.slice(form.length).trimStart();
    if (!afterKey.startsWith('=')) return false;
    const assigned = afterKey.slice(1).trimStart();
    return value === undefined || assigned.startsWith(`"${value}"`) || assigned.startsWith(`'${value}'`);
  });
  return found === -1 ? undefined : found + 1;
}
