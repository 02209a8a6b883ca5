/**
 * Golden files: everything the generator writes for each project shape, committed under
 * test/golden/__snapshots__/<shape>/. A change to what users get shows up in review as a diff
 * of the real files. After a deliberate change: `npm run golden:update`, then review the diff.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as fixtures from '../fixtures/projects.js';
import { SHAPE_OPTIONS as OPTIONS, SHAPES } from '../fixtures/shapes.js';
import { CORPUS } from '../fixtures/corpus/index.js';
import { generate } from '../generator/run.js';

/** Every file below dir, except the project's own (those the fixture wrote). */
function written(dir: string, own: Set<string>): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (sub: string) => {
    for (const entry of fs.readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else if (!own.has(rel)) files.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
    }
  };
  walk('');
  return files;
}

describe('golden files', () => {
  for (const [shape, files] of Object.entries(SHAPES)) {
    it(shape, async () => {
      const project = files();
      const dir = fixtures.writeProject(project);
      await generate(dir, { projectName: shape, ...OPTIONS[shape] });
      const output = written(dir, new Set(Object.keys(project)));
      expect([...output.keys()].length).toBeGreaterThan(8);
      for (const [file, content] of output) {
        // The one value that differs on every run: a fresh CSPRNG secret.
        const stable =
          file === '.env'
            ? content.replace(/^DJANGO_SECRET_KEY=.+$/m, 'DJANGO_SECRET_KEY=<50 random characters>').replace(/^POSTGRES_PASSWORD=.+$/m, 'POSTGRES_PASSWORD=<43 random characters>')
            : content;
        await expect(stable).toMatchFileSnapshot(`__snapshots__/${shape}/${file}`);
      }
    });
  }
});

/** The real-project corpus (test/corpus/): every shape that generates today, as written by --yes and its one option. */
describe('golden files: the real-project corpus', () => {
  for (const entry of CORPUS.filter((corpus) => !corpus.pending)) {
    it(entry.slug, async () => {
      const project = entry.files();
      const root = fixtures.writeProject(project);
      const dir = path.join(root, entry.cwd ?? '.');
      await generate(dir, { projectName: entry.slug, ...entry.options });
      // From the repository root: a stack in a subfolder puts .dockerignore at its build context's root.
      for (const [file, content] of written(root, new Set(Object.keys(project)))) {
        const stable =
          path.posix.basename(file) === '.env'
            ? content.replace(/^DJANGO_SECRET_KEY=.+$/m, 'DJANGO_SECRET_KEY=<50 random characters>').replace(/^POSTGRES_PASSWORD=.+$/m, 'POSTGRES_PASSWORD=<43 random characters>')
            : content;
        await expect(stable).toMatchFileSnapshot(`__snapshots__/corpus-${entry.slug}/${file}`);
      }
    });
  }
});
