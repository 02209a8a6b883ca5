/**
 * The project's own optional extras (issue 21): [project.optional-dependencies] (uv, pyproject.toml)
 * and [tool.poetry.extras] are read, the production ones chosen like groups (and said why),
 * --dependency-extras overrides and refuses a name that is no extra, the lock scripts install
 * exactly the chosen extras, and a driver in a chosen extra counts while an unchosen one's does not.
 */
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { buildStackConfig, ConfigError } from '../../lib/config/stack-config.js';
import { defaultExtras, extrasNotice } from '../../lib/detect/dependencies/groups.js';
import { detectProject } from '../../lib/detect/project.js';
import * as paperlessNgx from '../fixtures/corpus/paperless-ngx.js';
import { requirementNames, runLockScript } from '../fixtures/lock-scripts.js';
import { djangoWith, pdmGroups, poetryExtras, uvExtras, uvExtrasIncludingOwn } from '../fixtures/manifests.js';
import { writeProject } from '../fixtures/projects.js';
import { renderAll, resolveForTest, runRequirementsCommand } from './helpers.js';

const facts = (files: ReturnType<typeof uvExtras>) => detectProject(writeProject(files)).dependencyCandidates[0]!;
const named = (groups: { name: string; requirements: { name: string }[] }[] | undefined) => groups?.map((group) => [group.name, group.requirements.map((requirement) => requirement.name)]);

describe('reading extras', () => {
  it('uv: [project.optional-dependencies], apart from the dependency groups; not in the runtime requirements', () => {
    const uv = facts(uvExtras());
    expect(uv.manager).toBe('uv');
    expect(named(uv.extras)).toEqual([
      ['docs', ['sphinx']],
      ['prod', ['gunicorn', 'psycopg']],
    ]);
    expect(named(uv.groups)).toEqual([['test', ['pytest']]]);
    expect(uv.runtime.map((requirement) => requirement.name)).toEqual(['django']);
  });

  it("Poetry: [tool.poetry.extras] names optional dependencies; the lock's [extras] says which packages each extra installs", () => {
    const poetry = facts(poetryExtras());
    expect(named(poetry.extras)).toEqual([
      ['prod', ['gunicorn', 'psycopg']],
      ['mysql', ['mysqlclient']],
    ]);
    expect(poetry.runtime.map((requirement) => requirement.name)).toEqual(['django']);
    expect(poetry.locked.find((entry) => entry.name === 'psycopg')?.installedBy).toEqual({ main: false, groups: [], extras: ['prod'] });
    expect(poetry.locked.find((entry) => entry.name === 'django')?.installedBy).toEqual({ main: true, groups: [] });
  });

  it("an extra or a group naming the project itself (mysite[prod,docs]) holds those extras' requirements, never a package mysite", () => {
    const uv = facts(uvExtrasIncludingOwn());
    expect(named(uv.extras)).toEqual([
      ['all', ['gunicorn', 'psycopg', 'sphinx']],
      ['docs', ['sphinx']],
      ['prod', ['gunicorn', 'psycopg']],
    ]);
    expect(named(uv.groups)).toEqual([
      ['test', ['pytest']],
      ['deploy', ['gunicorn', 'psycopg']],
    ]);
  });

  it('PDM: extras are groups already (pdm sync -G), so none is read as an extra', () => {
    const pdm = facts(pdmGroups());
    expect(pdm.extras).toBeUndefined();
    expect(pdm.groups?.map((group) => group.name)).toContain('deploy');
  });
});

describe('choosing the production extras', () => {
  const extra = (name: string, ...requirements: string[]) => ({
    name,
    requirements: requirements.map((requirement) => ({ name: requirement, specifier: '', ranges: [], source: { file: 'pyproject.toml' } })),
  });

  it('one named for production wins', () => {
    expect(defaultExtras([extra('docs', 'sphinx'), extra('prod', 'gunicorn')])).toEqual({ groups: ['prod'], why: 'named for production' });
  });

  it('otherwise those that hold a server or a driver, not one named for development, one database or all', () => {
    expect(defaultExtras([extra('asgi', 'uvicorn'), extra('mysql', 'mysqlclient'), extra('all', 'gunicorn', 'mysqlclient'), extra('test', 'psycopg')])).toEqual({
      groups: ['asgi'],
      why: 'they hold uvicorn',
    });
    expect(defaultExtras([extra('postgres', 'psycopg'), extra('sentry', 'sentry-sdk')]).groups).toEqual([]);
  });

  it("beside one named for production, the one that holds the app server the main dependencies lack (umap's deploy and sync), never a development one", () => {
    const extras = [extra('deploy', 'gunicorn', 'psycopg'), extra('sync', 'uvicorn', 'pydantic'), extra('test', 'daphne', 'uvicorn')];
    expect(defaultExtras(extras, ['uvicorn'])).toEqual({ groups: ['deploy', 'sync'], why: 'named for production; sync for uvicorn, the app server' });
    expect(defaultExtras(extras, ['daphne'])).toEqual({ groups: ['deploy'], why: 'named for production' });
    expect(defaultExtras(extras).groups).toEqual(['deploy']);
  });

  it('through the answers: an ASGI project served by uvicorn installs the extra holding it, and says why', () => {
    const files = djangoWith({
      'pyproject.toml': [
        '[project]',
        'name = "mysite"',
        'version = "0"',
        'dependencies = ["django>=5.1", "psycopg>=3.2"]',
        '[project.optional-dependencies]',
        'deploy = ["gunicorn>=23"]',
        'sync = ["uvicorn>=0.30", "pydantic>=2"]',
        'test = ["pytest>=8"]',
        '',
      ].join('\n'),
    });
    files['mysite/settings.py'] += "ASGI_APPLICATION = 'mysite.asgi.application'\n";
    const file = detectProject(writeProject(files)).dependencyCandidates[0]!;
    const { config } = renderAll(files, { appServer: 'uvicorn' });
    expect(config.dependencies.extras).toEqual(['deploy', 'sync']);
    expect(extrasNotice(file, config.dependencies.extras, ['gunicorn', 'uvicorn'])).toContain('installing deploy, sync (named for production; sync for uvicorn, the app server)');
    expect(renderAll(files, { appServer: 'gunicorn' }).config.dependencies.extras).toEqual(['deploy']);
  });
});

describe('the stack (uv)', () => {
  it('installs the prod extra: the driver and gunicorn in it count, the lock script is given it', () => {
    const { config, output } = renderAll(uvExtras(), { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ groups: [], extras: ['prod'], installGunicorn: false });
    expect(config.database).toMatchObject({ kind: 'postgres', driver: 'psycopg' });
    // psycopg[c]: built from source in the builder, libpq loaded at run time.
    expect(config.systemPackages.build).toContain('libpq-dev');
    expect(config.systemPackages.run).toContain('libpq5');
    expect(output.get('Dockerfile')).toContain('RUN python /tmp/uv-requirements.py uv.lock --extra prod > /tmp/requirements.txt');
    expect(output.get('Dockerfile')).toContain('# Exactly the locked versions of [project].dependencies and the extras prod (no other group or extra, not the project');
  });

  it('--dependency-extras none: the driver is missing, and the message names the extra that has one', () => {
    expect(() => renderAll(uvExtras(), { database: 'postgres', dependencyExtras: 'none' })).toThrow(
      '--database postgres needs a PostgreSQL driver, and uv.lock has none installed (pass --dependency-extras prod): add psycopg[binary] (or psycopg2-binary) to pyproject.toml',
    );
  });

  it('--dependency-extras docs,prod: both go to the script, with a group', () => {
    const { config, output } = renderAll(uvExtras(), { database: 'postgres', dependencyExtras: 'docs,prod', dependencyGroups: 'test' });
    expect(config.dependencies).toMatchObject({ groups: ['test'], extras: ['docs', 'prod'] });
    expect(output.get('Dockerfile')).toContain('RUN python /tmp/uv-requirements.py uv.lock test --extra docs --extra prod > /tmp/requirements.txt');
  });

  it('--dependency-extras naming no extra: refused with the extras there are', () => {
    let error: unknown;
    try {
      renderAll(uvExtras(), { database: 'postgres', dependencyExtras: 'prod,server' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain('dependency-extras: server: no such optional extra in pyproject.toml (it has docs, prod); pass --dependency-extras with those, or none');
  });

  it('the run says which extras it installs and why', () => {
    const uv = facts(uvExtras());
    expect(extrasNotice(uv, ['prod'])).toBe('optional extras of uv.lock: installing prod (named for production), not docs; --dependency-extras <a,b> (or none) to choose');
    expect(extrasNotice(uv, [])).toBe(
      'optional extras of uv.lock: installing none (as answered; by default: prod, named for production), not docs, prod; --dependency-extras <a,b> (or none) to choose',
    );
    expect(extrasNotice(facts(pdmGroups()), [])).toBeUndefined();
  });
});

describe('extras that are alternatives (the paperless-ngx shape, test/fixtures/corpus/paperless-ngx.ts)', () => {
  it('postgres, mariadb and webserver are read, none chosen by default; --database postgres is told which extra has the driver', () => {
    const root = path.join(writeProject(paperlessNgx.files()), paperlessNgx.stackIn);
    const uv = detectProject(root).dependencyCandidates[0]!;
    expect(uv.extras?.map((extra) => extra.name)).toEqual(['mariadb', 'postgres', 'webserver']);
    expect(defaultExtras(uv.extras!).groups).toEqual([]);
    const { answers, facts: detected } = resolveForTest(root, { database: 'postgres' });
    expect(() => buildStackConfig(answers, detected)).toThrow('uv.lock has none installed (pass --dependency-extras postgres)');
    const chosen = resolveForTest(root, { database: 'postgres', dependencyExtras: 'postgres' });
    expect(buildStackConfig(chosen.answers, chosen.facts).database).toMatchObject({ kind: 'postgres', driver: 'psycopg' });
  });
});

describe('the stack (Poetry)', () => {
  it("a Poetry 2 lock: the prod extra's driver counts, the mysql extra's mysqlclient does not (no MySQL packages)", () => {
    const { config, output } = renderAll(poetryExtras(), { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ extras: ['prod'], lockScript: 'docker/poetry-requirements.py', installGunicorn: false });
    expect(output.get('Dockerfile')).toContain('RUN python /tmp/poetry-requirements.py poetry.lock --extra prod > /tmp/requirements.txt');
    expect(config.systemPackages.run).toEqual([]);
    expect(renderAll(poetryExtras(), { database: 'postgres', dependencyExtras: 'prod,mysql' }).config.systemPackages.run).toContain('libmariadb3');
  });

  it('a Poetry 1 lock (no groups on its packages): poetry export --extras', () => {
    const files = poetryExtras();
    files['poetry.lock'] = '[[package]]\nname = "django"\nversion = "5.1.4"\n\n[extras]\nprod = ["gunicorn", "psycopg"]\n';
    const { config, output } = renderAll(files, { database: 'postgres' });
    expect(config.dependencies.lockScript).toBeUndefined();
    expect(output.get('Dockerfile')).toContain('poetry export --only main --extras prod --format requirements.txt');
  });
});

describe('the stack (pyproject.toml with pip)', () => {
  it("the builder's requirements are [project].dependencies plus the chosen extra's, read by the Dockerfile's own command", () => {
    const files = djangoWith({
      'pyproject.toml':
        '[project]\nname = "mysite"\nversion = "1"\ndependencies = ["django>=5.1"]\n\n[project.optional-dependencies]\nserver = ["gunicorn>=23", "psycopg[binary]>=3.2"]\ndocs = ["sphinx"]\n',
    });
    const { root, config, output } = renderAll(files, { database: 'postgres' });
    expect(config.dependencies).toMatchObject({ manager: 'pip-pyproject', extras: ['server'], installGunicorn: false });
    const printed = runRequirementsCommand(output.get('Dockerfile')!, root);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe('django>=5.1\ngunicorn>=23\npsycopg[binary]>=3.2\n');
  });

  it('an extra naming the project itself (all = my.site[server,docs] in the project My_Site): those extras are read too, and the entry is never a requirement pip would look for on an index', () => {
    const files = djangoWith({
      'pyproject.toml':
        '[project]\nname = "My_Site"\nversion = "1"\ndependencies = ["django>=5.1"]\n\n[project.optional-dependencies]\nserver = ["gunicorn>=23", "psycopg[binary]>=3.2"]\ndocs = ["sphinx"]\nall = ["my.site[server,docs]", "sentry-sdk"]\ntest = ["pytest"]\n',
    });
    const { root, config, output } = renderAll(files, { database: 'postgres', dependencyExtras: 'all' });
    expect(config.dependencies).toMatchObject({ manager: 'pip-pyproject', extras: ['all'], ownExtras: ['server', 'docs'], installGunicorn: false });
    const printed = runRequirementsCommand(output.get('Dockerfile')!, root);
    expect(printed.stderr).toBe('');
    expect(printed.stdout).toBe('django>=5.1\nsentry-sdk\ngunicorn>=23\npsycopg[binary]>=3.2\nsphinx\n');
  });
});

describe('the lock scripts, run for real', () => {
  it('uv-requirements.py --extra prod: the extra and its own extra c (psycopg-c), not docs, not the test group', () => {
    const lock = uvExtras()['uv.lock']!;
    const result = runLockScript('uv-requirements.py', 'uv.lock', lock, '--extra', 'prod');
    expect(result.stderr).toBe('');
    expect(requirementNames(result.stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'gunicorn==23.0.0', 'packaging==24.2', 'psycopg==3.2.3', 'psycopg-c==3.2.3', 'sqlparse==0.5.3']);
    expect(requirementNames(runLockScript('uv-requirements.py', 'uv.lock', lock).stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'sqlparse==0.5.3']);
  });

  it("uv-requirements.py: an extra or a group naming the project follows that project's extras, exactly as choosing those extras does; the project is not listed", () => {
    const lock = uvExtrasIncludingOwn()['uv.lock']!;
    const direct = runLockScript('uv-requirements.py', 'uv.lock', lock, '--extra', 'prod', '--extra', 'docs');
    expect(requirementNames(direct.stdout)).toEqual([
      'asgiref==3.8.1',
      'django==5.1.4',
      'gunicorn==23.0.0',
      'packaging==24.2',
      'psycopg==3.2.3',
      'psycopg-c==3.2.3',
      'sphinx==8.1.3',
      'sqlparse==0.5.3',
    ]);
    for (const chosen of [
      ['--extra', 'all'],
      ['deploy', '--extra', 'docs'],
    ]) {
      const result = runLockScript('uv-requirements.py', 'uv.lock', lock, ...chosen);
      expect(result.stderr).toBe('');
      // The same lines, hashes included: a line for the project (mysite @ file:///...) has no hash and would turn off pip's checking of them all.
      expect(result.stdout).toBe(direct.stdout);
    }
  });

  it('uv-requirements.py --extra naming no extra: exit 1 with those there are', () => {
    const result = runLockScript('uv-requirements.py', 'uv.lock', uvExtras()['uv.lock']!, '--extra', 'server');
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('uv-requirements: uv.lock has no extra server of the project (it has docs, prod)');
  });

  it("poetry-requirements.py --extra prod: the extra's optional packages (by marker and by [extras]), not mysql's", () => {
    const lock = poetryExtras()['poetry.lock']!;
    const result = runLockScript('poetry-requirements.py', 'poetry.lock', lock, '--extra', 'prod');
    expect(result.stderr).toBe('');
    expect(requirementNames(result.stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'gunicorn==23.0.0', 'packaging==24.2', 'psycopg==3.2.3', 'psycopg-binary==3.2.3', 'sqlparse==0.5.3']);
    expect(requirementNames(runLockScript('poetry-requirements.py', 'poetry.lock', lock).stdout)).toEqual(['asgiref==3.8.1', 'django==5.1.4', 'sqlparse==0.5.3']);
    const unknown = runLockScript('poetry-requirements.py', 'poetry.lock', lock, '--extra', 'server');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toBe('poetry-requirements: poetry.lock has no extra server (its extras: mysql, prod)');
  });
});
