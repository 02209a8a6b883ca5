import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateExpression } from '../../lib/detect/evaluate.js';
import { pickFromSpecifier } from '../../lib/detect/dependencies/python-version.js';
import { detectProject, NotDjangoProjectError, sslRedirectWarning } from '../../lib/detect/project.js';
import { topLevelStatements } from '../../lib/detect/python-source.js';
import * as fixtures from '../fixtures/projects.js';
import { srcLayout } from '../fixtures/src-layout.js';

const detect = (files: fixtures.Files) => detectProject(fixtures.writeProject(files));

describe('detectProject', () => {
  it('reads a startproject layout, with sources', () => {
    const facts = detect(fixtures.startproject());
    expect(facts.settingsModule).toMatchObject({ value: 'mysite.settings', source: { file: 'manage.py' } });
    expect(facts.wsgiApplication).toMatchObject({ value: 'mysite.wsgi.application', source: { file: 'mysite/settings.py' } });
    expect(facts.staticUrl).toMatchObject({ value: 'static/', source: { file: 'mysite/settings.py' } });
    expect(facts.dependencies?.value).toEqual({ manager: 'pip', file: 'requirements.txt' });
    expect(facts.djangoVersion?.value).toBe('4.2');
    expect(facts.hasGunicorn).toBe(true);
    expect(facts.admin).toBe(true);
    expect(facts.warnings).toEqual([]);
  });

  it('follows a settings package to its production module and through `from .base import *`', () => {
    const facts = detect(fixtures.settingsPackage());
    expect(facts.settingsModule.value).toBe('config.settings.production');
    expect(facts.settingsModule.note).toContain('config.settings.local');
    expect(facts.settingsCandidates).toEqual(['config.settings.production', 'config.settings.local']);
    expect(facts.settingsFiles).toEqual(['config/settings/base.py', 'config/settings/production.py']);
    expect(facts.staticfilesDirs.value).toEqual(['frontend/static']);
    expect(facts.staticRoot?.value).toBe('staticfiles');
    expect(facts.dependencies?.value.file).toBe('requirements/production.txt');
    expect(facts.hasGunicorn).toBe(true); // through -r base.txt + production.txt
  });

  it('reads cookiecutter-django: django-environ defaults recorded as environment-provided', () => {
    const facts = detect(fixtures.cookiecutterLike());
    expect(facts.settingsModule.value).toBe('config.settings.production');
    expect(facts.staticUrl).toMatchObject({ value: '/static/', env: 'DJANGO_STATIC_URL', source: { file: 'config/settings/production.py' } });
    expect(facts.staticfilesDirs.value).toEqual(['my_awesome_project/static']);
    expect(facts.mediaUrl?.value).toBe('/media/');
    expect(facts.mediaRoot?.value).toBe('my_awesome_project/media');
    expect(facts.staticfilesStorage).toMatchObject({ value: 'whitenoise.storage.CompressedManifestStaticFilesStorage', note: 'STORAGES' });
    expect(facts.djangoVersion?.value).toBe('5.0.6');
    expect(facts.pythonVersion).toMatchObject({ value: '3.12', source: { file: '.python-version' } });
    // MIDDLEWARE.insert(1, "whitenoise...") in production.py
    expect(facts.whitenoise).toMatchObject({ value: true, source: { file: 'config/settings/production.py' } });
  });

  it('says when prod and production are both there, and offers both; wsgi.py naming one of them decides', () => {
    const files = fixtures.settingsPackage();
    files['config/settings/prod.py'] = 'from .base import *\n';
    const named = detect(files);
    expect(named.settingsModule).toMatchObject({ value: 'config.settings.production', source: { file: 'config/wsgi.py' } });
    expect(named.settingsModule.note).toBe('named by config/wsgi.py, which the server loads; manage.py names config.settings.local');
    expect(named.settingsCandidates).toEqual(['config.settings.production', 'config.settings.prod', 'config.settings.local']);
    // wsgi.py naming manage.py's module says nothing: both production modules are candidates, and the note says so.
    files['config/wsgi.py'] = files['config/wsgi.py']!.replace('config.settings.production', 'config.settings.local');
    const facts = detect(files);
    expect(facts.settingsCandidates).toEqual(['config.settings.production', 'config.settings.prod', 'config.settings.local']);
    expect(facts.settingsModule.note).toMatch(/ambiguous: config\.settings\.production and config\.settings\.prod both exist/);
  });

  it("a server entry point naming other settings than manage.py's: those are production's (manage.py devel, wsgi.py product)", () => {
    const files = fixtures.settingsPackage();
    files['manage.py'] = files['manage.py']!.replace('config.settings.local', 'config.settings.devel');
    files['config/settings/devel.py'] = files['config/settings/local.py']!;
    files['config/settings/product.py'] = files['config/settings/production.py']!;
    delete files['config/settings/local.py'];
    delete files['config/settings/production.py'];
    files['config/wsgi.py'] = files['config/wsgi.py']!.replace('config.settings.production', 'config.settings.product');
    const facts = detect(files);
    expect(facts.settingsModule).toMatchObject({ value: 'config.settings.product', source: { file: 'config/wsgi.py' } });
    expect(facts.settingsCandidates).toEqual(['config.settings.product', 'config.settings.devel']);
    // One that does not exist is not taken.
    files['config/wsgi.py'] = files['config/wsgi.py']!.replace('config.settings.product', 'config.settings.gone');
    expect(detect(files).settingsModule.value).toBe('config.settings.devel');
  });

  it('a settings module built with an f-string (f"site.settings.{environment}"): the production one of the modules there are, else the only one', () => {
    const files = fixtures.settingsPackage();
    const fString = 'import os\n\nif __name__ == "__main__":\n    environment = "production"\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{environment}")\n';
    files['manage.py'] = fString;
    files['config/wsgi.py'] = 'import os\n\nenvironment = "production"\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", f"config.settings.{environment}")\n';
    const facts = detect(files);
    expect(facts.settingsModule).toMatchObject({
      value: 'config.settings.production',
      source: { file: 'manage.py', line: 5 },
      note: 'f"config.settings.{environment}" could be config.settings.base, config.settings.local, config.settings.production: the production one',
    });
    // No production module and several others: not guessed.
    const ambiguous: fixtures.Files = { ...files, 'config/settings/live.py': files['config/settings/production.py']! };
    delete ambiguous['config/settings/production.py'];
    expect(() => detect(ambiguous)).toThrow(/does not look like a Django project/);
  });

  it('a settings module given as the default of an environment read (setdefault(..., os.environ.get("DJANGO_SETTINGS_MODULE", "x"))): x', () => {
    const files = fixtures.settingsPackage();
    files['manage.py'] = 'import os\n\nos.environ.setdefault(\n    "DJANGO_SETTINGS_MODULE",\n    os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),\n)\n';
    const facts = detect(files);
    expect(facts.settingsModule.value).toBe('config.settings.production'); // through wsgi.py, as with a plain string
    expect(facts.settingsCandidates).toContain('config.settings.local');
  });

  it('static and media URLs switched by an environment flag with a default (an object-storage switch): the branch the defaults take, said so', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += [
      'import os',
      'USE_S3_MEDIA = os.environ.get("USE_S3_MEDIA", "false") == "true"',
      'USE_S3_STATIC = os.environ.get("USE_S3_STATIC", "false") == "true"',
      'MEDIA_URL = "/media/"',
      'if USE_S3_MEDIA or USE_S3_STATIC:',
      '    BUCKET = os.environ["BUCKET"]',
      '    if USE_S3_STATIC:',
      '        STATIC_URL = f"https://{BUCKET}.example/"',
      '    if USE_S3_MEDIA:',
      '        MEDIA_URL = "https://media.example/"',
      '',
    ].join('\n');
    const facts = detect(files);
    expect(facts.staticUrl).toMatchObject({ value: 'static/', note: 'when not `USE_S3_MEDIA or USE_S3_STATIC`, as with none of its variables set; set otherwise on other branches' });
    expect(facts.mediaUrl).toMatchObject({ value: '/media/', note: expect.stringContaining('as with none of its variables set') });
    expect(facts.remoteStatic).toBeUndefined();
    expect(facts.warnings.filter((warning) => warning.includes('could not be read'))).toEqual([]);
    // BUCKET is read only on the switched-on branch: not required by default.
    expect(facts.requiredEnv.map((read) => read.variable)).toEqual(['BUCKET']);
    expect(facts.requiredEnv[0]!.when).toBeDefined();
  });

  it('a switch on a variable the settings require (.env sets it), or one with no default, is not guessed: STATIC_URL stays unread', () => {
    const base = fixtures.startproject();
    // Required (read with no default elsewhere, so .env sets it), and read with no default at all.
    for (const flag of ['CDN_MODE = os.environ["USE_CDN"]\nif os.environ.get("USE_CDN", "0") == "1"', 'if os.environ.get("USE_CDN") == "1"']) {
      const files = { ...base, 'mysite/settings.py': `${base['mysite/settings.py']}import os\n${flag}:\n    STATIC_URL = "https://cdn.example/"\n` };
      const facts = detect(files);
      expect(facts.staticUrl).toBeUndefined();
      expect(facts.warnings.join('\n')).toContain('STATIC_URL could not be read');
    }
  });

  it('reads python-decouple and os.path-style paths', () => {
    const facts = detect(fixtures.decoupleProject());
    expect(facts.staticUrl).toMatchObject({ value: '/static/', env: 'STATIC_URL' });
    expect(facts.staticRoot?.value).toBe('staticfiles');
    expect(facts.staticfilesDirs.value).toEqual(['static']);
    expect(facts.djangoVersion?.value).toBe('4.2.0');
  });

  it('detects uv and poetry projects and their Django versions', () => {
    const uv = detect(fixtures.uvProject());
    expect(uv.dependencies?.value).toEqual({ manager: 'uv', file: 'uv.lock' });
    expect(uv.djangoVersion?.value).toBe('5.1.4');
    expect(uv.pythonVersion?.value).toBe('3.12');
    const poetry = detect(fixtures.poetryProject());
    expect(poetry.dependencies?.value).toEqual({ manager: 'poetry', file: 'poetry.lock' });
    expect(poetry.djangoVersion?.value).toBe('4.2.16');
  });

  it('applies star imports where they stand, as Python does', () => {
    const files = fixtures.settingsPackage();
    files['config/settings/production.py'] = 'STATIC_URL = "/early/"\nfrom .base import *  # noqa\nMEDIA_URL = "/m/"\nfrom .extra import *\n';
    files['config/settings/extra.py'] = 'MEDIA_URL = "/from-extra/"\n';
    const facts = detect(files);
    expect(facts.staticUrl?.value).toBe('/static/'); // base.py, imported after "/early/"
    expect(facts.mediaUrl).toMatchObject({ value: '/from-extra/', source: { file: 'config/settings/extra.py' } });
    expect(facts.settingsFiles).toEqual(['config/settings/base.py', 'config/settings/extra.py', 'config/settings/production.py']);
  });

  it('takes an explicit --settings-module as given, without preferring production', () => {
    const facts = detectProject(fixtures.writeProject(fixtures.settingsPackage()), { settingsModule: 'config.settings.local' });
    expect(facts.settingsModule.value).toBe('config.settings.local');
    expect(facts.settingsFiles.at(-1)).toBe('config/settings/local.py');
  });

  it('finds SECURE_SSL_REDIRECT, a warning only for a plain-HTTP stack', () => {
    const files = fixtures.settingsPackage();
    files['config/settings/production.py'] += 'SECURE_SSL_REDIRECT = True\n';
    const facts = detect(files);
    expect(sslRedirectWarning(facts)).toMatch(/^config\/settings\/production\.py:\d+: SECURE_SSL_REDIRECT is on, but this stack serves plain HTTP: use --tls acme or --tls files/);
    expect(sslRedirectWarning(detect(fixtures.settingsPackage()))).toBeUndefined();
  });

  it('warns, naming file and line, when a setting cannot be read', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nSTATIC_URL = compute_prefix()\n';
    const facts = detect(files);
    expect(facts.staticUrl).toBeUndefined();
    expect(facts.warnings.join('\n')).toMatch(/mysite\/settings\.py:\d+: STATIC_URL could not be read/);
  });

  it('rejects a directory that is not a Django project, saying what it looked for', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'not-django-'));
    fs.writeFileSync(path.join(dir, 'index.js'), '');
    expect(() => detectProject(dir)).toThrow(NotDjangoProjectError);
    expect(() => detectProject(dir)).toThrow(/manage\.py.*wsgi\.py.*pyproject\.toml/);
  });

  it('handles paths with spaces and non-ASCII names', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'projét avec espaces-'));
    const facts = detectProject(fixtures.writeProject(fixtures.startproject(), dir));
    expect(facts.settingsModule.value).toBe('mysite.settings');
    expect(facts.projectName.value).toMatch(/^[a-z0-9][a-z0-9_-]*$/);
  });
});

describe('evaluateExpression', () => {
  const scope = (file = 'mysite/settings.py') => ({ file, names: new Map() });
  it.each([
    ['Path(__file__).resolve().parent.parent', ''],
    ['Path(__file__).resolve(strict=True).parent.parent.parent', '..'],
    ['Path(__file__).parent.parent.parent.parent', '../..'],
    ['os.path.dirname(os.path.dirname(os.path.abspath(__file__)))', ''],
    ['os.path.join(os.path.dirname(os.path.dirname(__file__)), "static", "css")', 'static/css'],
    ['str(Path(__file__).parent / "assets")', 'mysite/assets'],
  ])('%s', (expression, expected) => {
    expect(evaluateExpression(expression, scope())).toMatchObject({ kind: 'path', value: expected });
  });

  it('takes environment defaults and records the variable', () => {
    expect(evaluateExpression('os.environ.get("STATIC_URL", "/s/")', scope())).toEqual({ kind: 'str', value: '/s/', env: { variable: 'STATIC_URL' } });
    expect(evaluateExpression("env.str('X', default='/y/')", scope())).toMatchObject({ value: '/y/', env: { variable: 'X' } });
    expect(evaluateExpression("env('X', str, '/z/')", scope())).toMatchObject({ value: '/z/', env: { variable: 'X' } }); // env(var, cast, default)
    expect(evaluateExpression("config('X', '/c/')", scope())).toMatchObject({ value: '/c/', env: { variable: 'X' } });
    expect(evaluateExpression('os.environ["X"]', scope()).kind).toBe('unknown');
    expect(evaluateExpression('f"/{x}/"', scope()).kind).toBe('unknown');
  });
});

describe('python source reading', () => {
  it('keeps module-level statements only, joined across lines', () => {
    const statements = topLevelStatements('A = [\n  "x",  # comment\n]\nif DEBUG:\n    B = 1\n"""doc\nC = 2\n"""\nD = "#not a comment"\n');
    expect(statements.map((s) => s.text)).toEqual(['A = [\n  "x",\n]', 'if DEBUG:', '"""doc\nC = 2\n"""', 'D = "#not a comment"']);
  });

  it('chooses a Python version from requires-python', () => {
    expect(pickFromSpecifier('>=3.10')).toBe('3.12');
    expect(pickFromSpecifier('>=3.13')).toBe('3.14');
    expect(pickFromSpecifier('>=3.9,<3.12')).toBe('3.11');
    expect(pickFromSpecifier('<3.0')).toBeUndefined();
  });
});

describe('a front end built by npm', () => {
  const warningsOf = (files: fixtures.Files, startedIn?: string) => {
    const dir = fixtures.writeProject(files);
    return detectProject(startedIn ? path.join(dir, startedIn) : dir).warnings.filter((line) => line.includes('Node build'));
  };

  it('a package.json with a build script is said once, with where its output must come from; none without one', () => {
    expect(warningsOf({ ...fixtures.startproject(), 'package.json': '{ "scripts": { "build": "vite build", "lint": "eslint ." } }\n' })).toEqual([
      'package.json has a build script: the stack runs no Node build (docs/known-limits.md), so what `npm run build` makes (bundled scripts, styles) is in the image only if it is committed',
    ]);
    expect(warningsOf({ ...fixtures.startproject(), 'package.json': '{ "scripts": { "lint": "eslint ." } }\n' })).toEqual([]);
    expect(warningsOf({ ...fixtures.startproject(), 'package.json': 'not json' })).toEqual([]);
    expect(warningsOf(fixtures.startproject())).toEqual([]);
  });

  it('found from the Django folder up to the repository root (manage.py in src/)', () => {
    const files = { ...srcLayout(), 'package.json': '{ "scripts": { "build": "rollup -c" } }\n' };
    expect(warningsOf(files, 'src')[0]).toMatch(/^\.\.\/package\.json has a build script/);
  });
});
