/**
 * An unchanged re-run writes nothing new: for every golden shape (test/fixtures/shapes.ts and the
 * real-project corpus), generating twice leaves every file byte-identical, .gitignore included,
 * with no question asked and no conflict. The project is a git work tree, so .gitignore is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fixtures from '../fixtures/projects.js';
import { SHAPE_OPTIONS, SHAPES } from '../fixtures/shapes.js';
import { CORPUS } from '../fixtures/corpus/index.js';
import { generate } from '../generator/run.js';

/** Every file below dir with its bytes, .git aside. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (rel === '.git') continue;
      if (entry.isDirectory()) walk(rel);
      else files.set(rel, fs.readFileSync(path.join(dir, rel)));
    }
  };
  walk('');
  return files;
}

async function expectIdenticalRerun(root: string, cwd: string, options: Record<string, unknown>) {
  fs.mkdirSync(path.join(root, '.git'), { recursive: true }); // a monorepo fixture has its own
  const dir = path.join(root, cwd);
  await generate(dir, options);
  const first = tree(root);
  // A .gitignore is written (beside the stack, which a monorepo run from its root puts in the Django folder).
  expect([...first.keys()].some((file) => path.basename(file) === '.gitignore')).toBe(true);
  const again = await generate(dir, options);
  expect(again.askedQuestions).toEqual([]);
  const second = tree(root);
  expect([...second.keys()].sort()).toEqual([...first.keys()].sort());
  for (const [file, bytes] of first) expect({ file, same: bytes.equals(second.get(file)!) }).toEqual({ file, same: true });
}

describe('an unchanged re-run is byte-identical', () => {
  for (const [shape, files] of Object.entries(SHAPES)) {
    it(shape, () => expectIdenticalRerun(fixtures.writeProject(files()), '.', { projectName: shape, ...SHAPE_OPTIONS[shape] }));
  }
  for (const entry of CORPUS.filter((corpus) => !corpus.pending)) {
    it(`corpus: ${entry.slug}`, () => expectIdenticalRerun(fixtures.writeProject(entry.files()), entry.cwd ?? '.', { projectName: entry.slug, ...entry.options }));
  }
});
