/**
 * Where a project names its settings module: the `os.environ.setdefault("DJANGO_SETTINGS_MODULE",
 * "x")` call in manage.py, wsgi.py or asgi.py (found anywhere in the file, since manage.py makes
 * it inside main()), or a DJANGO_SETTINGS_MODULE key in .env, pytest.ini/setup.cfg/tox.ini
 * (pytest-django) or pyproject.toml. Each file is read with a parser for its format.
 */
import type { SyntaxNode } from '@lezer/common';
import { parse as parseToml } from 'smol-toml';
import { lineOfKey } from './dependencies/toml.js';
import { argumentNodes, childrenOf, PythonSource, splitStringLiteral, stringValue } from './python/tree.js';
import type { Found } from './found.js';

const VARIABLE = 'DJANGO_SETTINGS_MODULE';
const SETTERS = new Set(['os.environ.setdefault', 'environ.setdefault']);

/**
 * The module a Python entry point sets DJANGO_SETTINGS_MODULE to, with its line; or, for an
 * f-string with one field (LibrePhotos: `f"librephotos.settings.{environment}"`), the text around
 * that field, for the caller to match against the modules there are.
 */
export type NamedInPython = { module: string; line: number } | { around: [string, string]; written: string; line: number };

export function settingsModuleInPython(text: string): NamedInPython | undefined {
  const python = new PythonSource(text);
  let found: NamedInPython | undefined;
  python.iterate((node) => {
    if (found || node.name !== 'CallExpression') return found ? false : undefined;
    const [callee, args] = childrenOf(node.node);
    if (!callee || !args || !SETTERS.has(python.textOf(callee).replace(/\s+/g, ''))) return undefined;
    const values = childrenOf(args).filter((child) => child.name === 'String' || child.name === 'FormatString' || child.name === 'CallExpression');
    if (values.length !== 2 || values[0]!.name !== 'String' || stringValue(python.textOf(values[0]!)) !== VARIABLE) return undefined;
    const line = python.lineAt(node.from);
    // unstract: setdefault(..., os.environ.get("DJANGO_SETTINGS_MODULE", "backend.settings.dev")): the default given.
    const value = values[1]!.name === 'CallExpression' ? environmentDefault(python, values[1]!) : values[1]!;
    if (!value) return undefined;
    if (value.name === 'String') {
      found = { module: stringValue(python.textOf(value)), line };
      return undefined;
    }
    const fields = childrenOf(value).filter((child) => child.name === 'FormatReplacement');
    const { bodyStart, body } = splitStringLiteral(python.textOf(value));
    if (fields.length !== 1) return undefined;
    const start = value.from + bodyStart;
    found = { around: [python.text.slice(start, fields[0]!.from), python.text.slice(fields[0]!.to, start + body.length)], written: python.textOf(value), line };
    return undefined;
  });
  return found;
}

const GETTERS = new Set(['os.environ.get', 'os.getenv', 'environ.get']);

/** The string default of `os.environ.get("X", "default")` (or os.getenv), as a node. */
function environmentDefault(python: PythonSource, call: SyntaxNode): SyntaxNode | undefined {
  const [callee, args] = childrenOf(call);
  if (!callee || !args || !GETTERS.has(python.textOf(callee).replace(/\s+/g, ''))) return undefined;
  const values = argumentNodes(args);
  return values.length === 2 && values.every((child) => child.name === 'String') ? values[1] : undefined;
}

/** DJANGO_SETTINGS_MODULE in a configuration file, read by its format. */
export function settingsModuleInConfig(file: string, text: string): Found<string> | undefined {
  if (file === 'pyproject.toml') {
    let data: Record<string, unknown>;
    try {
      data = parseToml(text) as Record<string, unknown>;
    } catch {
      return undefined; // reported by the dependency reader, which parses the same file
    }
    const pytest = ((data['tool'] as Record<string, unknown> | undefined)?.['pytest'] as Record<string, unknown> | undefined)?.['ini_options'] as Record<string, unknown> | undefined;
    const value = pytest?.[VARIABLE];
    return typeof value === 'string' ? { value, source: { file, line: lineOfKey(text, VARIABLE, '[tool.pytest.ini_options]') } } : undefined;
  }
  // .env is KEY=value lines; pytest.ini, setup.cfg and tox.ini are INI files with a key = value.
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line.startsWith('#') || line.startsWith(';')) continue;
    const separator = file === '.env' ? line.indexOf('=') : firstOf(line, '=', ':');
    if (separator <= 0) continue;
    const key = line
      .slice(0, separator)
      .trim()
      .replace(/^export\s+/, '');
    if (key !== VARIABLE) continue;
    const value = unquote(line.slice(separator + 1).trim());
    if (value) return { value, source: { file, line: index + 1 } };
  }
  return undefined;
}

function firstOf(line: string, ...characters: string[]): number {
  const found = characters.map((character) => line.indexOf(character)).filter((index) => index >= 0);
  return found.length > 0 ? Math.min(...found) : -1;
}

const unquote = (value: string) => (/^(["']).*\1$/.test(value) ? value.slice(1, -1) : value);
