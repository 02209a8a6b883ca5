/**
 * --dependency-extras through the generator (issue 21): the chosen extras are kept in .yo-rc.json
 * for re-runs like the groups, and a name that is no extra (also for a file that has none), or
 * leaving out the extra that holds the driver, stops the run before anything is written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { uvExtras } from '../fixtures/manifests.js';
import { startproject, writeProject } from '../fixtures/projects.js';
import { generate } from './run.js';

const storedAnswers = (dir: string) => (JSON.parse(fs.readFileSync(path.join(dir, '.yo-rc.json'), 'utf8')) as { '*': { manifest: { answers: Record<string, unknown> } } })['*'].manifest.answers;

describe('yo django-static --dependency-extras', () => {
  it('by default the extra prod (named for production): kept for the re-run, given to the lock script', async () => {
    const dir = writeProject(uvExtras());
    await generate(dir, { database: 'postgres' });
    expect(storedAnswers(dir)).toMatchObject({ dependencyGroups: 'none', dependencyExtras: 'prod' });
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('uv-requirements.py uv.lock --extra prod >');

    await generate(dir, { database: 'postgres', dependencyExtras: 'docs,prod' });
    expect(storedAnswers(dir)).toMatchObject({ dependencyExtras: 'docs,prod' });
    await generate(dir, { database: 'postgres', force: true });
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain('uv-requirements.py uv.lock --extra docs --extra prod >');
  });

  it('a name that is no extra: refused with the extras there are, nothing written', async () => {
    const dir = writeProject(uvExtras());
    const before = fs.readdirSync(dir).sort();
    await expect(generate(dir, { database: 'postgres', dependencyExtras: 'server' })).rejects.toThrow(
      '--dependency-extras: server: no such optional extra in pyproject.toml (it has docs, prod); pass --dependency-extras with those, or none',
    );
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });

  it('none, with the driver only in prod: stops, naming the option that installs it', async () => {
    const dir = writeProject(uvExtras());
    await expect(generate(dir, { database: 'postgres', dependencyExtras: 'none' })).rejects.toThrow(
      /^--database postgres needs a PostgreSQL driver, and uv\.lock has none installed \(pass --dependency-extras prod\): add psycopg\[binary\] \(or psycopg2-binary\) to pyproject\.toml$/,
    );
  });

  it('names given for a requirements file, which has no extras or groups: refused, both in one run, nothing written', async () => {
    const dir = writeProject(startproject());
    const before = fs.readdirSync(dir).sort();
    const run = generate(dir, { dependencyExtras: 'prod', dependencyGroups: 'prod,deploy' });
    await expect(run).rejects.toThrow('--dependency-groups: prod, deploy: requirements.txt has no dependency groups to choose from; leave --dependency-groups out (or pass none)');
    await expect(run).rejects.toThrow('--dependency-extras: prod: requirements.txt has no optional extras to choose from; leave --dependency-extras out (or pass none)');
    expect(fs.readdirSync(dir).sort()).toEqual(before);
    // none is what such a file installs anyway: accepted.
    await generate(dir, { dependencyExtras: 'none', dependencyGroups: 'none' });
    expect(storedAnswers(dir)).not.toHaveProperty('dependencyExtras');
  });
});
