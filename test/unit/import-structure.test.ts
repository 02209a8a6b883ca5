/**
 * The import structure of lib/: no circles between files, and no import that runs back up the
 * declared layer order. Imports are read with the TypeScript compiler's own pre-processor
 * (ts.preProcessFile: every import, export-from and dynamic import, type-only ones included),
 * not with patterns over the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '../../lib');

/**
 * Bottom to top: a module may import its own layer and those below. base: lib/*.ts helpers;
 * demo: startproject's text (the demo's sample project, and the tests' fixtures); nginx: nginx's
 * grammar and the rules stated by more than one checker (validate, doctor, health); compose: the
 * compose-file reader (validate and doctor); probe: HTTP probing (health and doctor); release: the
 * release record (read from the running stack, written by the targets' checks); pipeline:
 * lib/stack.ts, which runs every target.
 */
const LAYERS = ['base', 'demo', 'nginx', 'compose', 'probe', 'detect', 'config', 'model', 'render', 'validate', 'regen', 'health', 'release', 'doctor', 'targets', 'pipeline'] as const;

/** Arrows that still run up, each with why it is left: the list only shrinks (a fixed one must be removed here). */
const KNOWN_UPWARD: readonly string[] = [];

function layerOf(file: string): (typeof LAYERS)[number] {
  const relative = path.relative(LIB, file).split(path.sep);
  if (relative.length === 1) return relative[0] === 'stack.ts' ? 'pipeline' : 'base';
  const layer = relative[0] as (typeof LAYERS)[number];
  if (!LAYERS.includes(layer)) throw new Error(`lib/${relative[0]}/ has no place in LAYERS: add it where it belongs`);
  return layer;
}

function importGraph(): Map<string, string[]> {
  const files = (fs.readdirSync(LIB, { recursive: true }) as string[]).filter((file) => file.endsWith('.ts')).map((file) => path.join(LIB, file));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(fs.readFileSync(file, 'utf8'), true, true);
    const local = importedFiles.map((imported) => imported.fileName).filter((name) => name.startsWith('.'));
    graph.set(
      file,
      local.map((name) => path.resolve(path.dirname(file), name.replace(/\.js$/, '.ts'))),
    );
  }
  return graph;
}

/** Strongly connected components with more than one file (Tarjan): each is a circle. */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, next);
    low.set(file, next++);
    stack.push(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (stack.includes(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      component.push(path.relative(LIB, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe('import structure of lib/', () => {
  const graph = importGraph();

  it('resolves every relative import to a file of lib/', () => {
    // A data file (images.json) is a leaf: it imports nothing.
    const missing = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => !graph.has(target) && !(target.endsWith('.json') && fs.existsSync(target))).map((target) => `${path.relative(LIB, file)} -> ${target}`),
    );
    expect(missing).toEqual([]);
  });

  it('has no circles', () => {
    expect(circles(graph)).toEqual([]);
  });

  it('has no arrow running up the layers but the known ones', () => {
    const upward = [...graph].flatMap(([file, targets]) =>
      targets.filter((target) => LAYERS.indexOf(layerOf(target)) > LAYERS.indexOf(layerOf(file))).map((target) => `${path.relative(LIB, file)} -> ${path.relative(LIB, target)}`),
    );
    expect(upward.sort()).toEqual([...KNOWN_UPWARD].sort());
  });

  it('finds a circle and an upward arrow when there is one', () => {
    const a = path.join(LIB, 'config/a.ts');
    const b = path.join(LIB, 'targets/b.ts');
    const made = new Map([
      [a, [b]],
      [b, [a]],
    ]);
    expect(circles(made)).toEqual([['config/a.ts', 'targets/b.ts']]);
    expect(LAYERS.indexOf(layerOf(b)) > LAYERS.indexOf(layerOf(a))).toBe(true);
  });
});
