import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as manifests from '../fixtures/manifests.js';
import { writeProject } from '../fixtures/projects.js';
import { generate } from './run.js';

/** Every file under `dir`, relative, sorted: to show that a failed run wrote nothing. */
const listing = (dir: string) => (fs.readdirSync(dir, { recursive: true }) as string[]).sort();

describe('yo django-static --yes, dependency manifests', () => {
  it('installs a one-line PEP 621 list with extras from pyproject.toml, gunicorn included', async () => {
    const dir = writeProject(manifests.pep621OneLine());
    await generate(dir);
    const dockerfile = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('FROM python:3.12-slim'); // requires-python ">=3.11" allows the default
    expect(dockerfile).toContain('COPY pyproject.toml ./pyproject.toml');
    expect(dockerfile).toContain("tomllib.load(open('pyproject.toml', 'rb'))['project']");
    expect(dockerfile).not.toContain('pip install gunicorn');
  });

  it('stops a Poetry project without poetry.lock, naming `poetry lock`, and writes nothing', async () => {
    const dir = writeProject(manifests.poetryNoLock());
    const before = listing(dir);
    await expect(generate(dir)).rejects.toThrow(
      '--dependencies: pyproject.toml declares Poetry dependencies but there is no poetry.lock: run `poetry lock` and commit it, or pass --dependencies requirements.txt',
    );
    expect(listing(dir)).toEqual(before);
  });

  it('installs from a requirements file the user names instead of the detected one', async () => {
    const dir = writeProject(manifests.layeredRequirements());
    await generate(dir, { dependencies: 'requirements/local.txt' });
    const dockerfile = fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('COPY requirements/local.txt ./requirements/local.txt');
    expect(dockerfile).toContain('COPY requirements/base.txt ./requirements/base.txt');
    expect(dockerfile).not.toContain('requirements/production.txt');
    expect(dockerfile).toContain('RUN pip install gunicorn'); // local.txt does not list it
  });
});
