/**
 * Project shapes this stack cannot run, found before anything is written so that the run is
 * refused with the reason (lib/config/refusals.ts) rather than exiting 0 on a stack that fails
 * when it starts. Each is reported with the file and line that shows it.
 */
import type { SyntaxNode } from '@lezer/common';
import { read } from '../read-text.js';
import type { DatabaseFacts } from './database.js';
import { where, type Found } from './found.js';
import { childrenOf, PythonSource } from './python/tree.js';

export interface UnsupportedShape {
  /** What was found, with where: "django.contrib.gis in INSTALLED_APPS [app/settings.py:12]". */
  found: string;
  /** Why this stack cannot run it. */
  why: string;
}

const GEODJANGO_WHY =
  'GeoDjango is not supported: it needs GDAL, GEOS and PROJ in the image and a PostGIS (or SpatiaLite) database, and this stack has neither (its image has no GDAL, its database is plain PostgreSQL)';

/** django.contrib.gis in INSTALLED_APPS (on any branch), or a spatial database backend. */
export function geoDjango(gisApp: Found<boolean> | undefined, database: Found<DatabaseFacts> | undefined): UnsupportedShape[] {
  const found: string[] = [];
  if (gisApp?.value) found.push(`django.contrib.gis in INSTALLED_APPS [${where(gisApp)}]`);
  if (database?.value.spatial) found.push(`the spatial database backend ${database.value.spatial} [${where(database)}]`);
  return found.length > 0 ? [{ found: found.join(' and '), why: GEODJANGO_WHY }] : [];
}

const CONFIGURATIONS_WHY =
  "django-configurations is not supported: its importer replaces the settings module's values with a Configuration class chosen by DJANGO_CONFIGURATION, so the stack's settings overlay would be overwritten and nothing here sets DJANGO_CONFIGURATION";

/**
 * django-configurations: manage.py or the server's entry point imports from `configurations`
 * (its management command and WSGI loader), or the settings do (`class Production(Configuration)`).
 */
export function djangoConfigurations(root: string, files: string[]): UnsupportedShape[] {
  for (const file of files) {
    const line = importLine(read(root, file), 'configurations');
    if (line !== undefined) return [{ found: `an import of configurations [${file}:${line}]`, why: CONFIGURATIONS_WHY }];
  }
  return [];
}

/** The line of the first `import <module>` / `from <module>[.x] import ...` in a Python text. */
function importLine(text: string | undefined, module: string): number | undefined {
  if (!text?.includes(module)) return undefined; // most files never name it: no parse
  const python = new PythonSource(text);
  let line: number | undefined;
  python.iterate((node) => {
    if (line !== undefined) return false;
    if (node.name !== 'ImportStatement') return undefined;
    if (importedModules(python, childrenOf(node.node)).some((name) => name === module || name.startsWith(`${module}.`))) line = python.lineAt(node.from);
    return false;
  });
  return line;
}

/** `from a.b import c` -> [a.b]; `import a.b, c as d` -> [a.b, c]. Relative imports name no top-level module. */
function importedModules(python: PythonSource, children: SyntaxNode[]): string[] {
  const importAt = children.findIndex((child) => child.name === 'import');
  const text = (nodes: SyntaxNode[]) => nodes.map((child) => python.textOf(child)).join('');
  if (children[0]?.name === 'from') return [text(children.slice(1, importAt))];
  const modules: string[] = [];
  let current: SyntaxNode[] = [];
  let aliased = false;
  for (const child of [...children.slice(importAt + 1), undefined]) {
    if (!child || child.name === ',') {
      if (current.length > 0) modules.push(text(current));
      current = [];
      aliased = false;
    } else if (child.name === 'as') aliased = true;
    else if (!aliased) current.push(child);
  }
  return modules;
}
