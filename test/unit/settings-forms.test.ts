/**
 * Each settings form from the real projects (test/corpus/settings-*.md) read with its file and
 * line: the database, the variables the settings require, the static settings, the build steps
 * the project declares and SECURE_SSL_REDIRECT.
 */
import { describe, expect, it } from 'vitest';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { sslRedirectWarning } from '../../lib/detect/project.js';
import * as forms from '../fixtures/settings-forms.js';
import { writeProject, type Files } from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const detect = (files: Files) => detectProject(writeProject(files));
/** 1-based line of the first line of `file` that contains `text`. */
const lineOf = (files: Files, file: string, text: string) => {
  const index = files[file]!.split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`fixture: ${file} has no line with ${text}`);
  return index + 1;
};

describe('database forms, each with file:line', () => {
  it('dj_database_url.config(env=DEFAULT_ENV, default="postgres://...localhost...") under a constant key: PostgreSQL, the stack runs it', () => {
    const files = forms.urlWithPostgresDefault();
    const facts = detect(files);
    expect(facts.database?.value).toEqual({ engine: 'postgresql', form: 'url', name: 'shop', host: 'localhost', variable: 'DATABASE_URL' });
    expect(facts.database?.source).toEqual({ file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'DATABASES = {') });
    expect(facts.databaseDecision).toMatchObject({ choice: 'postgres' });
    expect(detectionReport(facts).join('\n')).toContain("database choice    postgres: the settings' default database URL is PostgreSQL on localhost");
  });

  it('dj_database_url.parse(os.environ["DATABASE_URL"]): a required URL, external', () => {
    const files = forms.urlParsedFromEnviron();
    const facts = detect(files);
    expect(facts.database?.value).toEqual({ engine: 'unknown', form: 'url', variable: 'DATABASE_URL' });
    expect(facts.requiredEnv).toEqual([{ variable: 'DATABASE_URL', file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'dj_database_url.parse') }]);
    expect(facts.databaseDecision).toEqual({ choice: 'external' });
  });

  it('django-environ env.db() with no variable named reads DATABASE_URL and requires it', () => {
    const files = forms.environReader();
    const facts = detect(files);
    expect(facts.database?.value).toEqual({ engine: 'unknown', form: 'url', variable: 'DATABASE_URL' });
    expect(facts.database?.source?.line).toBe(lineOf(files, 'mysite/settings.py', 'env.db()'));
    // DEBUG has its default in Env(DEBUG=(bool, False)); the cache URL has one in the call.
    expect(facts.requiredEnv.map((read) => [read.variable, read.line])).toEqual([
      ['DJANGO_SECRET_KEY', lineOf(files, 'mysite/settings.py', 'SECRET_KEY')],
      ['DATABASE_URL', lineOf(files, 'mysite/settings.py', 'env.db()')],
      ['MAILER_API_KEY', lineOf(files, 'mysite/settings.py', 'MAILER_API_KEY')],
    ]);
  });

  it('both branches of `if DATABASE_URL: ... else: POSTGRES_*`: PostgreSQL, each branch reported with its condition', () => {
    const files = forms.postgresOnOneBranch();
    const facts = detect(files);
    const settings = 'mysite/settings.py';
    expect(facts.database?.value).toMatchObject({ engine: 'postgresql', form: 'dict' });
    const elseLine = files[settings]!.split('\n').indexOf('    DATABASES = {') + 1;
    expect(facts.database?.value.branches).toEqual([
      { engine: 'unknown', form: 'url', variable: 'DATABASE_URL', when: 'DATABASE_URL is set', file: settings, line: lineOf(files, settings, 'dj_database_url.parse(DATABASE_URL)') },
      { engine: 'postgresql', form: 'dict', when: 'DATABASE_URL is not set', file: settings, line: elseLine },
    ]);
    expect(facts.databaseDecision).toEqual({ choice: 'postgres' });
    const report = detectionReport(facts).join('\n');
    expect(report).toContain(`postgresql when DATABASE_URL is not set  [${settings}:`);
  });

  it('a configuration module bound by name and read with getattr(): its DATABASE, from its own file', () => {
    const files = forms.configurationModule();
    const facts = detect(files);
    expect(facts.database?.value).toEqual({ engine: 'postgresql', form: 'dict', name: 'inventory' });
    expect(facts.database?.source).toEqual({ file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'DATABASES = getattr') });
    expect(facts.settingsFiles).toContain('mysite/configuration.py');
  });

  it('`from mysite.conf import DATABASES`: the imported value, where it was imported', () => {
    const files = forms.namedImport();
    const facts = detect(files);
    expect(facts.database?.value).toEqual({ engine: 'postgresql', form: 'dict', name: 'app' });
    expect(facts.database?.source).toEqual({ file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'from mysite.conf import') });
  });

  it('django-split-settings with decouple: included files read, PostgreSQL from config(), STATIC_ROOT from the included production file', () => {
    const files = forms.splitSettings();
    const facts = detect(files);
    const common = 'server/settings/components/common.py';
    const production = 'server/settings/environments/production.py';
    expect(facts.database).toMatchObject({ value: { engine: 'postgresql', form: 'dict' }, source: { file: common, line: lineOf(files, common, 'DATABASES = {') } });
    expect(facts.staticRoot).toMatchObject({ value: '/var/www/django/static', source: { file: production, line: lineOf(files, production, 'STATIC_ROOT') } });
    expect(facts.requiredEnv.map((read) => `${read.variable} ${read.file}:${read.line}`)).toEqual([
      `DJANGO_SECRET_KEY ${common}:${lineOf(files, common, 'SECRET_KEY')}`,
      `POSTGRES_DB ${common}:${lineOf(files, common, 'POSTGRES_DB')}`,
      `POSTGRES_USER ${common}:${lineOf(files, common, 'POSTGRES_USER')}`,
      `POSTGRES_PASSWORD ${common}:${lineOf(files, common, 'POSTGRES_PASSWORD')}`,
      `DJANGO_DATABASE_HOST ${common}:${lineOf(files, common, 'DJANGO_DATABASE_HOST')}`,
      `DOMAIN_NAME ${production}:${lineOf(files, production, 'DOMAIN_NAME')}`,
    ]);
    expect(facts.settingsFiles).toEqual(expect.arrayContaining([common, production, 'server/settings/__init__.py']));
    expect(facts.warnings).toEqual([]);
  });
});

describe('never silently SQLite', () => {
  it('an engine that cannot be read, with PostgreSQL indicated: postgres, and why (driver, contrib.postgres, model fields with file:line)', () => {
    const files = forms.unreadEngine();
    const facts = detect(files);
    expect(facts.database?.value.engine).toBe('unknown');
    expect(facts.databaseDecision).toMatchObject({ choice: 'postgres' });
    const why = 'why' in facts.databaseDecision ? facts.databaseDecision.why : '';
    expect(why).toContain('the PostgreSQL driver psycopg [requirements.txt:');
    expect(why).toContain(`django.contrib.postgres in INSTALLED_APPS [mysite/settings.py:${lineOf(files, 'mysite/settings.py', 'INSTALLED_APPS += ')}]`);
    expect(why).toContain('SearchVectorField from django.contrib.postgres.search [catalog/models/search.py:1]');
  });

  it('an engine chosen by a variable (`if os.getenv("DB") == "postgres"`): each branch reported; the PostgreSQL branch and driver decide, a MySQL branch without a driver does not count', () => {
    const files = forms.engineFromVariable();
    const facts = detect(files);
    const settings = 'mysite/settings.py';
    expect(facts.database?.value.engine).toBe('unknown');
    expect(facts.database?.value.branches?.map((branch) => [branch.engine, branch.when, branch.line])).toEqual([
      ['mysql', '`os.getenv("DB") in ["mysql", "mariadb"]`', lineOf(files, settings, 'backends.mysql')],
      ['postgresql', '`os.getenv("DB") == "postgres"` and not `os.getenv("DB") in ["mysql", "mariadb"]`', lineOf(files, settings, 'backends.postgresql')],
      ['sqlite', 'not `os.getenv("DB") == "postgres"` and not `os.getenv("DB") in ["mysql", "mariadb"]`', lineOf(files, settings, 'backends.sqlite3')],
    ]);
    expect(facts.databaseDecision).toMatchObject({ choice: 'postgres', why: expect.stringContaining(`a PostgreSQL DATABASES when`) });
    expect(detectionReport(facts).join('\n')).toMatch(/database {11}set differently on the branches of an if: {2}\[mysite\/settings\.py:\d+\]\n {4}mysql when /);
  });

  it('PostgreSQL and MySQL both indicated: no default, one message listing what was found', () => {
    const facts = detect(forms.unreadEngine(['mysqlclient']));
    expect('conflict' in facts.databaseDecision && facts.databaseDecision.conflict).toMatch(
      /PostgreSQL \(the PostgreSQL driver psycopg .*\) and MySQL \(the MySQL driver mysqlclient \[requirements.txt\]\); choose with --database/,
    );
  });

  it('nothing indicated: SQLite, said aloud', () => {
    const files = forms.unreadEngine();
    files['requirements.txt'] = 'Django>=4.2,<5.3\ngunicorn>=20\n';
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace('INSTALLED_APPS += ["django.contrib.postgres", "catalog"]\n', '');
    delete files['catalog/models/search.py'];
    const facts = detect(files);
    expect(facts.databaseDecision).toMatchObject({ choice: 'sqlite', why: expect.stringContaining('nothing indicates PostgreSQL or MySQL') });
  });
});

describe('required variables', () => {
  it('a raise-if-missing check, and variables required on one branch only, with the condition', () => {
    const files = forms.postgresOnOneBranch();
    const facts = detect(files);
    const settings = 'mysite/settings.py';
    const required = Object.fromEntries(facts.requiredEnv.map((read) => [read.variable, read]));
    expect(required['SITE_DOMAIN']).toEqual({ variable: 'SITE_DOMAIN', file: settings, line: lineOf(files, settings, 'if not os.getenv("SITE_DOMAIN")') });
    expect(required['POSTGRES_HOST']).toEqual({
      variable: 'POSTGRES_HOST',
      file: settings,
      line: lineOf(files, settings, '"HOST": os.environ["POSTGRES_HOST"]'),
      when: [{ variable: 'DATABASE_URL', set: false }],
    });
    expect(required['DATABASE_URL']).toBeUndefined(); // read with getenv: None when unset
  });
});

describe('static settings', () => {
  it('reads four STATICFILES_DIRS, and STATIC_URL as its default with the variable that overrides it', () => {
    const facts = detect(forms.urlWithPostgresDefault());
    expect(facts.staticfilesDirs.value).toEqual(['assets', 'theme/static', 'media-src/images', 'vendor']);
    expect(facts.staticUrl).toMatchObject({ value: '/static/', env: 'STATIC_URL' });
    expect(facts.warnings.filter((warning) => warning.includes('STATIC_URL'))).toEqual([]);
  });
});

describe('declared build steps', () => {
  it('django-compressor offline, and a folder created at import, each with its line', () => {
    const files = forms.offlineCompressor();
    const facts = detect(files);
    expect(facts.compressOffline).toEqual({ value: true, source: { file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'COMPRESS_OFFLINE') } });
    expect(facts.importWrites).toEqual([{ path: 'logs', what: 'os.makedirs() creates a folder', file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'os.makedirs') }]);
  });
});

describe('folders created at import, in the container', () => {
  it("the project's own folder (BASE_DIR.mkdir) gets no tmpfs: it is in the image, and a tmpfs would hide the code; logs/ does", () => {
    const files = forms.offlineCompressor();
    files['mysite/settings.py'] += '\nBASE_DIR.mkdir(exist_ok=True)\nos.makedirs(BASE_DIR.parent, exist_ok=True)\n';
    const facts = detect(files);
    expect(facts.importWrites.map((write) => write.path)).toEqual(expect.arrayContaining(['logs']));
    expect(facts.importWrites.length).toBeGreaterThanOrEqual(2);
    const { config } = renderAll(files);
    expect(config.importWrites.map((write) => write.path)).toEqual([`${config.appDir}/logs`]);
  });
});

describe('SECURE_SSL_REDIRECT in every spelling', () => {
  it.each([
    ['os.environ.get(..., "True")', forms.urlWithPostgresDefault(), 'mysite/settings.py'],
    ['env.bool(..., default=True)', forms.environReader(), 'mysite/settings.py'],
    ['decouple config(..., default=True, cast=bool)', forms.splitSettings(), 'server/settings/environments/production.py'],
  ])('%s', (_, files, file) => {
    const facts = detect(files);
    expect(facts.sslRedirect).toEqual({ value: true, source: { file, line: lineOf(files, file, 'SECURE_SSL_REDIRECT') }, env: 'SECURE_SSL_REDIRECT' });
    expect(sslRedirectWarning(facts)).toContain('SECURE_SSL_REDIRECT is on (by default: unless $SECURE_SSL_REDIRECT turns it off)');
  });

  it('os.getenv("X", "False") == "True" is off by default', () => {
    const files = forms.urlWithPostgresDefault();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace('os.environ.get("SECURE_SSL_REDIRECT", "True")', 'os.getenv("SECURE_SSL_REDIRECT", "False").lower() == "true"');
    expect(detect(files).sslRedirect).toBeUndefined();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace('"False").lower()', '"TRUE").lower()');
    expect(detect(files).sslRedirect?.env).toBe('SECURE_SSL_REDIRECT');
  });
});

describe('lists set on the branches of an if', () => {
  it('`if DEBUG: INSTALLED_APPS += [...]` keeps admin and auth (every branch has them)', () => {
    const files = forms.urlWithPostgresDefault();
    files['mysite/settings.py'] =
      files['mysite/settings.py']!.replace('DEBUG = False\n', 'DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1"\n') + 'if DEBUG:\n    INSTALLED_APPS += ["debug_toolbar"]\n';
    const facts = detect(files);
    expect(facts.admin).toBe(true);
    expect(facts.auth).toBe(true);
  });
});
