/**
 * Dependency groups (issue 21): uv's PEP 735 [dependency-groups] and Poetry's groups are read,
 * the production ones chosen (and said why), --dependency-groups overrides, and a driver in a
 * chosen group is never reported missing.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/stack-config.js';
import { defaultGroups, groupNotice } from '../../lib/detect/dependencies/groups.js';
import { detectProject } from '../../lib/detect/project.js';
import { uvLock } from '../fixtures/corpus/parts.js';
import { djangoWith } from '../fixtures/manifests.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const uvProject = (groups: string): Files =>
  djangoWith({
    'pyproject.toml': `[project]\nname = "site"\nversion = "1"\ndependencies = ["django==5.2"]\n\n[dependency-groups]\n${groups}`,
    'uv.lock': uvLock([
      ['django', '5.2'],
      ['gunicorn', '23.0.0'],
      ['psycopg', '3.2.3'],
    ]),
  });

const poetryProject = (groups: string): Files =>
  djangoWith({
    'pyproject.toml': `[tool.poetry]\nname = "site"\nversion = "1"\n\n[tool.poetry.dependencies]\npython = "^3.12"\ndjango = "^5.2"\n\n${groups}`,
    'poetry.lock': '[[package]]\nname = "django"\nversion = "5.2"\n',
  });

const groupsOf = (files: Files) => detectProject(writeProject(files)).dependencyCandidates[0]!.groups!;

describe('reading groups', () => {
  it('uv: each [dependency-groups] list, include-group followed', () => {
    const groups = groupsOf(uvProject('base = ["gunicorn==23.0.0"]\ndev = ["ruff"]\nprod = [{ include-group = "base" }, "psycopg[c]==3.2.3"]\n'));
    expect(groups.map((group) => [group.name, group.requirements.map((requirement) => requirement.name)])).toEqual([
      ['base', ['gunicorn']],
      ['dev', ['ruff']],
      ['prod', ['gunicorn', 'psycopg']],
    ]);
  });

  it('Poetry: [tool.poetry.group.<name>.dependencies]', () => {
    const groups = groupsOf(
      poetryProject('[tool.poetry.group.dev.dependencies]\npytest = "^8"\n\n[tool.poetry.group.deploy.dependencies]\ngunicorn = "^23"\npsycopg = { version = "^3.2", extras = ["binary"] }\n'),
    );
    expect(groups.map((group) => [group.name, group.requirements.map((requirement) => requirement.name)])).toEqual([
      ['dev', ['pytest']],
      ['deploy', ['gunicorn', 'psycopg']],
    ]);
  });
});

describe('choosing the production groups', () => {
  const group = (name: string, ...requirements: string[]) => ({
    name,
    requirements: requirements.map((requirement) => ({ name: requirement, specifier: '', ranges: [], source: { file: 'pyproject.toml' } })),
  });

  it('a group named for production wins', () => {
    expect(defaultGroups([group('dev', 'gunicorn'), group('production', 'redis')])).toEqual({ groups: ['production'], why: 'named for production' });
  });

  it('otherwise the groups that hold gunicorn or a driver, not those named for development', () => {
    expect(defaultGroups([group('test', 'psycopg'), group('server', 'redis'), group('wsgi', 'gunicorn', 'psycopg2')])).toEqual({ groups: ['server'], why: 'named for production' });
    expect(defaultGroups([group('test', 'psycopg'), group('wsgi', 'gunicorn', 'psycopg2')])).toEqual({ groups: ['wsgi'], why: 'they hold gunicorn, psycopg2' });
  });

  it('none: only the main dependencies', () => {
    expect(defaultGroups([group('dev', 'ruff'), group('test', 'gunicorn')]).groups).toEqual([]);
  });
});

describe('the stack', () => {
  const files = uvProject('dev = ["ruff", "psycopg[binary]==3.2.3"]\nprod = ["gunicorn==23.0.0", "psycopg[c]==3.2.3"]\n');

  it('installs the prod group: the driver in it counts, gunicorn is not added, the lock script is given the group', () => {
    const { config, output } = renderAll(files, { database: 'postgres' });
    expect(config.dependencies.groups).toEqual(['prod']);
    expect(config.dependencies.installGunicorn).toBe(false);
    expect(config.systemPackages.run).toContain('libpq5');
    expect(output.get('Dockerfile')).toContain('COPY docker/uv-requirements.py /tmp/uv-requirements.py\nRUN python /tmp/uv-requirements.py uv.lock prod > /tmp/requirements.txt');
    expect(output.has('docker/uv-requirements.py')).toBe(true);
  });

  it('--dependency-groups none: the driver is missing, said once', () => {
    expect(() => renderAll(files, { database: 'postgres', dependencyGroups: 'none' })).toThrow(/--database postgres needs a PostgreSQL driver, and uv\.lock has none/);
  });

  it('--dependency-groups naming a group that does not exist: says which exist', () => {
    let error: unknown;
    try {
      renderAll(files, { database: 'postgres', dependencyGroups: 'prod,web' });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('dependency-groups: web: no such dependency group in pyproject.toml (it has dev, prod); pass --dependency-groups with those, or none');
  });

  it('the run says which groups, why, and how to choose', () => {
    const facts = detectProject(writeProject(files)).dependencyCandidates[0]!;
    expect(groupNotice(facts, ['prod'])).toBe('dependency groups of uv.lock: installing prod (named for production), not dev; --dependency-groups <a,b> (or none) to choose');
    expect(groupNotice(facts, [])).toBe(
      'dependency groups of uv.lock: installing none (as answered; by default: prod, named for production), not dev, prod; --dependency-groups <a,b> (or none) to choose',
    );
  });
});
