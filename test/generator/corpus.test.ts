/**
 * The generator over the real-project corpus (test/corpus/*.md, test/fixtures/corpus/): every
 * shape generates with --yes and at most one option; a shape whose support is pending elsewhere
 * does today what its registry entry says (a clear error, or a stack written that would not build).
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS } from '../fixtures/corpus/index.js';
import { writeProject } from '../fixtures/projects.js';
import { generate } from './run.js';

describe.each(CORPUS)('corpus: $slug', (entry) => {
  it('has its notes and at most one option', () => {
    expect(fs.existsSync(path.join(import.meta.dirname, '..', 'corpus', `${entry.slug}.md`))).toBe(true);
    expect(Object.keys(entry.options ?? {}).length).toBeLessThanOrEqual(1);
  });

  if (entry.pending && entry.pending.now !== 'generates') {
    const now = entry.pending.now;
    it(`pending (${entry.pending.by}): stops with a clear error and writes nothing`, async () => {
      const dir = path.join(writeProject(entry.files()), entry.cwd ?? '.');
      const before = fs.readdirSync(dir).sort();
      await expect(generate(dir, entry.options)).rejects.toThrow(now);
      expect(fs.readdirSync(dir).sort()).toEqual(before);
    });
    return;
  }

  it(`generates with --yes${entry.pending ? ` (pending ${entry.pending.by}: the stack would not build yet)` : ''}, and a re-run changes nothing`, async () => {
    const files = entry.files();
    const root = writeProject(files);
    const result = await generate(path.join(root, entry.cwd ?? '.'), entry.options);
    const dir = path.join(root, entry.stackIn ?? entry.cwd ?? '.');
    expect(result.askedQuestions).toEqual([]);
    const compose = ['compose.yaml', 'compose.django-static.yaml'].filter((file) => fs.existsSync(path.join(dir, file)));
    expect(compose).toHaveLength(1);
    // The project's own files are never changed.
    for (const [file, content] of Object.entries(files))
      if (!file.endsWith('.dockerignore') && !file.endsWith('.gitignore')) expect(fs.readFileSync(path.join(root, file), 'utf8'), file).toBe(content);
    // Two stages: the compiler is in the builder only, so a dependency that compiles builds and the image that runs has none.
    const stackPath = (file: string) => path.posix.join(entry.stackIn ?? entry.cwd ?? '.', file);
    const dockerfile = ['Dockerfile', 'django-static.Dockerfile'].find((file) => fs.existsSync(path.join(dir, file)) && !(path.posix.normalize(stackPath(file)) in files))!;
    const [builder, runtime] = fs.readFileSync(path.join(dir, dockerfile), 'utf8').split(/^# Stage 2\b.*$/m);
    expect(builder).toMatch(/build-essential/);
    expect(runtime).not.toMatch(/build-essential|\bgcc\b|-dev\b/);
    const first = fs.readFileSync(path.join(dir, compose[0]!), 'utf8');
    await generate(path.join(root, entry.cwd ?? '.'), entry.options);
    expect(fs.readFileSync(path.join(dir, compose[0]!), 'utf8')).toBe(first);
  });
});
