/**
 * Dependency groups (issue 21): PEP 735 [dependency-groups], Poetry's and PDM's groups are read,
 * the production ones chosen (and said why), --dependency-groups overrides, and a driver in a
 * chosen group is never reported missing.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/config/stack-config.js';
import { defaultGroups, groupNotice } from '../../lib/detect/dependencies/groups.js';
import { detectProject } from '../../lib/detect/project.js';
import { uvLock } from '../fixtures/corpus/parts.js';
import { djangoWith, pdmGroups, poetryGroups } from '../fixtures/manifests.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import { renderAll, runRequirementsCommand } from './helpers.js';

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

describe('PDM (shapes of test/corpus/pdm.md)', () => {
  const facts = () => detectProject(writeProject(pdmGroups())).dependencyCandidates[0]!;

  it("pdm.lock wins over pyproject.toml; its groups are the extras, [dependency-groups] and [tool.pdm.dev-dependencies] (an editable path in PDM's form read without a warning)", () => {
    const detected = detectProject(writeProject(pdmGroups()));
    expect(detected.dependencyCandidates.map((candidate) => [candidate.manager, candidate.file])).toEqual([
      ['pdm', 'pdm.lock'],
      ['pip-pyproject', 'pyproject.toml'],
    ]);
    expect(detected.warnings).toEqual([]);
    expect(facts().groups!.map((group) => [group.name, group.requirements.map((requirement) => requirement.name)])).toEqual([
      ['deploy', ['gunicorn', 'psycopg']],
      ['test', ['pytest']],
      ['dev', ['tools']],
    ]);
    expect(facts().copy).toEqual(['pyproject.toml', 'pdm.lock', 'tools']);
  });

  it('the deploy extra is chosen (named for production); the script is given it; its driver counts', () => {
    expect(defaultGroups(facts().groups!)).toEqual({ groups: ['deploy'], why: 'named for production' });
    const { config, output } = renderAll(pdmGroups(), { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ manager: 'pdm', groups: ['deploy'], installGunicorn: false });
    expect(output.get('Dockerfile')).toContain('COPY docker/pdm-requirements.py /tmp/pdm-requirements.py\nRUN python /tmp/pdm-requirements.py pdm.lock deploy > /tmp/requirements.txt');
    expect(output.has('docker/pdm-requirements.py')).toBe(true);
    expect(() => renderAll(pdmGroups(), { database: 'postgres', dependencyGroups: 'none' })).toThrow(
      '--database postgres needs a PostgreSQL driver, and pdm.lock has none installed (pass --dependency-groups deploy): add psycopg[binary] (or psycopg2-binary) to pyproject.toml',
    );
  });
});

describe('Poetry: how the lock is exported', () => {
  it('a Poetry 2 lock (groups on every package): docker/poetry-requirements.py with the prod group, no Poetry installed', () => {
    const { config, output } = renderAll(poetryGroups(), { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ manager: 'poetry', groups: ['prod'], lockScript: 'docker/poetry-requirements.py', installGunicorn: false });
    expect(output.get('Dockerfile')).toContain('COPY docker/poetry-requirements.py /tmp/poetry-requirements.py\nRUN python /tmp/poetry-requirements.py poetry.lock prod > /tmp/requirements.txt');
    expect(output.get('Dockerfile')).not.toContain('pip install poetry');
    // mysqlclient is locked only for the mysql extra: no MySQL packages.
    expect(config.systemPackages.run).toEqual([]);
  });

  it('a Poetry 1 lock (no groups on its packages): poetry export, as before', () => {
    const { config, output } = renderAll(poetryProject('[tool.poetry.group.deploy.dependencies]\ngunicorn = "^23"\n'));
    expect(config.dependencies.lockScript).toBeUndefined();
    expect(output.get('Dockerfile')).toContain('poetry export --only main,deploy');
  });
});

describe('lock entries count only when the chosen groups install them', () => {
  // Plain psycopg in the main dependencies loads the system libpq, unless psycopg-binary is installed beside it.
  const poetryLock = (binaryGroups: string, optional = false) =>
    `[[package]]\nname = "django"\nversion = "5.2"\noptional = false\ngroups = ["main"]\n\n[[package]]\nname = "psycopg"\nversion = "3.2.3"\noptional = false\ngroups = ["main"]\n\n[[package]]\nname = "psycopg-binary"\nversion = "3.2.3"\noptional = ${optional}\ngroups = [${binaryGroups}]\n`;
  const project = (lock: string) =>
    djangoWith({
      'pyproject.toml':
        '[tool.poetry]\nname = "site"\nversion = "1"\n\n[tool.poetry.dependencies]\npython = "^3.12"\ndjango = "^5.2"\npsycopg = "^3.2"\n\n[tool.poetry.group.test.dependencies]\npsycopg-binary = "^3.2"\n',
      'poetry.lock': lock,
    });

  it('psycopg-binary locked for the test group only: the image needs libpq5 (it would not load without)', () => {
    expect(renderAll(project(poetryLock('"test"')), { database: 'postgres' }).config.systemPackages.run).toContain('libpq5');
  });

  it('psycopg-binary locked for main, but only with an extra (optional): still libpq5', () => {
    expect(renderAll(project(poetryLock('"main"', true)), { database: 'postgres' }).config.systemPackages.run).toContain('libpq5');
  });

  it('psycopg-binary locked for main: its own libpq, no libpq5', () => {
    expect(renderAll(project(poetryLock('"main", "test"')), { database: 'postgres' }).config.systemPackages.run).not.toContain('libpq5');
  });
});

describe('uv.lock entries count only when the main dependencies or a chosen group or extra reach them', () => {
  // psycopg built from source for production, its binary build for development only: both are in the lock.
  const pyproject = `[project]\nname = "site"\nversion = "1"\ndependencies = ["django==5.2"]\n\n[project.optional-dependencies]\nfast = ["psycopg[binary]==3.2.3"]\n\n[dependency-groups]\ndev = ["psycopg[binary]==3.2.3"]\npostgres = ["psycopg[c]==3.2.3"]\n`;
  const pkg = (name: string, rest = '') =>
    `\n[[package]]\nname = "${name}"\nversion = "${name === 'site' ? '1' : name === 'django' ? '5.2' : '3.2.3'}"\nsource = { ${name === 'site' ? 'virtual = "."' : 'registry = "https://pypi.org/simple"'} }\n${rest}`;
  const lock = [
    'version = 1\nrequires-python = ">=3.12"\n',
    pkg('django'),
    pkg(
      'psycopg',
      'dependencies = [{ name = "tzdata", marker = "sys_platform == \'win32\'" }]\n\n[package.optional-dependencies]\nbinary = [{ name = "psycopg-binary" }]\nc = [{ name = "psycopg-c" }]\n',
    ),
    pkg('psycopg-binary'),
    pkg('psycopg-c'),
    pkg(
      'site',
      'dependencies = [{ name = "django" }]\n\n[package.optional-dependencies]\nfast = [{ name = "psycopg", extra = ["binary"] }]\n\n[package.dev-dependencies]\ndev = [{ name = "psycopg", extra = ["binary"] }]\npostgres = [{ name = "psycopg", extra = ["c"] }]\n',
    ),
    pkg('tzdata'),
  ].join('');
  const files = djangoWith({ 'pyproject.toml': pyproject, 'uv.lock': lock });

  it('the lock says which installs each entry (a Windows-only edge reaches nothing)', () => {
    const locked = detectProject(writeProject(files)).dependencyCandidates[0]!.locked;
    expect(Object.fromEntries(locked.map((entry) => [entry.name, entry.installedBy]))).toEqual({
      django: { main: true, groups: [] },
      psycopg: { main: false, groups: ['dev', 'postgres'], extras: ['fast'] },
      'psycopg-binary': { main: false, groups: ['dev'], extras: ['fast'] },
      'psycopg-c': { main: false, groups: ['postgres'] },
      site: { main: false, groups: [] },
      tzdata: { main: false, groups: [] },
    });
  });

  it("the postgres group only: psycopg-c is built (libpq-dev, libpq5), the dev group's psycopg-binary does not count", () => {
    const { config } = renderAll(files, { database: 'postgres', dependencyExtras: 'none' });
    expect(config.dependencies.groups).toEqual(['postgres']);
    expect(config.systemPackages.build).toContain('libpq-dev');
    expect(config.systemPackages.run).toContain('libpq5');
  });

  it('with the dev group or the fast extra too (chosen by default: it holds a driver), psycopg-binary is installed: its own libpq', () => {
    expect(renderAll(files, { database: 'postgres', dependencyGroups: 'dev,postgres', dependencyExtras: 'none' }).config.systemPackages.run).not.toContain('libpq5');
    expect(renderAll(files, { database: 'postgres' }).config.systemPackages.run).not.toContain('libpq5');
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

describe('pyproject.toml with [dependency-groups] and no [project] (pip installs a group)', () => {
  const files = djangoWith({
    'pyproject.toml': '[dependency-groups]\nbase = ["django==5.2.1"]\nmain = [{ include-group = "base" }, "gunicorn==23.0.0", "psycopg[binary]==3.2.3"]\ndev = ["pytest"]\n',
  });

  it('is a dependency file: the group that holds gunicorn and the driver is chosen, its Django and driver count', () => {
    const facts = detectProject(writeProject(files));
    expect(facts.dependencies?.value).toEqual({ manager: 'pip-pyproject', file: 'pyproject.toml' });
    expect(facts.djangoVersion?.value).toBe('5.2.1');
    expect(facts.postgresDriver?.value).toEqual({ module: 'psycopg', system: 'none' });
  });

  it("the builder's requirements are the chosen groups', read by the Dockerfile's own command (include-group followed)", () => {
    const { root, config, output } = renderAll(files, { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ manager: 'pip-pyproject', groups: ['main'], installGunicorn: false });
    const printed = runRequirementsCommand(output.get('Dockerfile')!, root);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe('django==5.2.1\ngunicorn==23.0.0\npsycopg[binary]==3.2.3\n');
  });
});
