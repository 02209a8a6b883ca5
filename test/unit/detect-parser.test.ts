import { describe, expect, it } from 'vitest';
import { evaluateExpression, type Value } from '../../lib/detect/evaluate.js';
import { compareWithText, inspectSettings } from '../../lib/detect/inspect.js';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { moduleNames } from '../../lib/detect/settings.js';
import * as fixtures from '../fixtures/projects.js';
import * as realWorld from '../fixtures/real-world.js';

const detect = (files: fixtures.Files) => detectProject(fixtures.writeProject(files));
const PYTHON = '/usr/bin/python3'; // Debian's interpreter with Debian's Django, as in inspect.test.ts

/** Line (1-based) of the first line of `file` that starts with `prefix`. */
const lineOf = (files: fixtures.Files, file: string, prefix: string) => files[file]!.split('\n').findIndex((line) => line.startsWith(prefix)) + 1;

describe('annotated and augmented assignments', () => {
  it('reads a typed startproject: annotations, +=, |= and a walrus, each with its line', () => {
    const files = realWorld.typedSettings();
    const facts = detect(files);
    expect(facts.staticUrl).toEqual({ value: '/assets/', source: { file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'STATIC_URL:') } });
    expect(facts.staticRoot?.value).toBe('collected');
    expect(facts.mediaUrl).toMatchObject({ value: '/uploads/', source: { line: lineOf(files, 'mysite/settings.py', '(MEDIA_URL :=') } });
    expect(facts.staticfilesStorage).toMatchObject({
      value: 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage',
      source: { line: lineOf(files, 'mysite/settings.py', 'STORAGES |=') },
    });
    expect(facts.wsgiApplication?.value).toBe('mysite.wsgi.application');
    expect(facts.remoteStatic).toBeUndefined();
    expect(facts.warnings).toEqual([]);
  });

  it('appends with += to lists and tuples', () => {
    const names = moduleNames('A = ["a"]\nA += ["b"]\nT = ("x",)\nT += ("y", "z")\nB: list[str] = []\nB += A\n', 'settings.py');
    const strings = (value: Value | undefined) => (value?.kind === 'list' ? value.items.map((item) => (item.kind === 'str' ? item.value : '?')) : value);
    expect(strings(names.get('A'))).toEqual(['a', 'b']);
    expect(strings(names.get('T'))).toEqual(['x', 'y', 'z']);
    expect(strings(names.get('B'))).toEqual(['a', 'b']);
  });

  it('reports an update it cannot follow as not a static value', () => {
    const names = moduleNames('A = compute()\nA += ["b"]\nB = 1\nB -= 1\nC = {}\nC |= other\n', 'settings.py');
    expect(names.get('A')).toMatchObject({ kind: 'unknown', reason: 'compute() is not understood' });
    expect(names.get('B')).toMatchObject({ kind: 'unknown', reason: 'B -= is not understood' });
    expect(names.get('C')).toMatchObject({ kind: 'unknown', reason: 'other is not known' });
  });

  it('skips a bare annotation and a tuple unpacking', () => {
    const names = moduleNames('X: int\nA, B = 1, 2\nC = D = "both"\n', 'settings.py');
    expect([...names.keys()]).toEqual(['C', 'D']);
  });
});

describe('conditional expressions', () => {
  const scope = (names: [string, Value][] = []) => ({ file: 'mysite/settings.py', names: new Map<string, Value>([['BASE_DIR', { kind: 'path', value: '' }], ...names]) });

  it('reads the fallback of an environment check, over several lines, recording the variable', () => {
    const expression = '(\n    Path(os.environ["DJANGO_DATA_DIR"])\n    if "DJANGO_DATA_DIR" in os.environ\n    else BASE_DIR.parent / "data"\n)';
    expect(evaluateExpression(expression, scope())).toEqual({ kind: 'path', value: '../data', env: { variable: 'DJANGO_DATA_DIR' } });
  });

  it('takes the variable name from a module-level string', () => {
    const names: [string, Value][] = [['_k', { kind: 'str', value: 'DJANGO_DATA_DIR' }]];
    expect(evaluateExpression('Path(os.environ[_k]) if _k in os.environ else BASE_DIR / "data"', scope(names))).toEqual({
      kind: 'path',
      value: 'data',
      env: { variable: 'DJANGO_DATA_DIR' },
    });
  });

  it.each([
    ['os.environ.get("X") if os.environ.get("X") else "/d/"'],
    ['os.getenv("X") if os.getenv("X") else "/d/"'],
    ['"/d/" if not os.getenv("X") else os.getenv("X")'],
    ['"/d/" if "X" not in os.environ else os.environ["X"]'],
    ['os.environ.get("X") or "/d/"'],
    ['env("X", default=None) or "/d/"'],
  ])('%s', (expression) => {
    expect(evaluateExpression(expression, scope())).toEqual({ kind: 'str', value: '/d/', env: { variable: 'X' } });
  });

  it('says why a conditional that is not an environment check is not read', () => {
    expect(evaluateExpression('"/a/" if DEBUG else "/b/"', scope())).toEqual({
      kind: 'unknown',
      reason: 'the value depends on `DEBUG`, which is not an environment check',
    });
  });

  it('reads the detected data directory into STATIC_ROOT and MEDIA_ROOT', () => {
    const files = realWorld.conditionalPaths();
    const facts = detect(files);
    expect(facts.staticRoot).toEqual({ value: 'var/static', source: { file: 'mysite/settings.py', line: lineOf(files, 'mysite/settings.py', 'STATIC_ROOT') } });
    expect(facts.mediaRoot?.value).toBe('var/media');
    expect(facts.requiredEnv).toEqual([]); // the guarded os.environ[...] reads only run when the variable is set
    expect(facts.warnings).toEqual([]);
  });
});

describe('f-strings', () => {
  const scope = { file: 'mysite/settings.py', names: new Map<string, Value>([['BASE', { kind: 'str', value: 'https://cdn.example.com' }]]) };

  it('evaluates when every part is known', () => {
    expect(evaluateExpression('f"{BASE}/static/"', scope)).toEqual({ kind: 'str', value: 'https://cdn.example.com/static/' });
    expect(evaluateExpression('f"{{{BASE}}}" "/x"', scope)).toEqual({ kind: 'str', value: '{https://cdn.example.com}/x' });
  });

  it('names the unknown part, and keeps the text around it', () => {
    expect(evaluateExpression('f"https://{DOMAIN}/static/"', scope)).toEqual({
      kind: 'unknown',
      reason: '{DOMAIN} in the f-string is not known (DOMAIN is not known)',
      partial: ['https://', { expression: 'DOMAIN' }, '/static/'],
    });
  });
});

describe('environment variables the settings require', () => {
  it('collects reads without a default across the star-import chain, first place read', () => {
    const files = realWorld.requiredEnv();
    const facts = detect(files);
    expect(facts.requiredEnv).toEqual([
      { variable: 'DJANGO_SECRET_KEY', file: 'config/settings/base.py', line: lineOf(files, 'config/settings/base.py', 'SECRET_KEY') },
      { variable: 'DJANGO_ALLOWED_HOSTS', file: 'config/settings/production.py', line: lineOf(files, 'config/settings/production.py', 'ALLOWED_HOSTS') },
      { variable: 'DATABASE_URL', file: 'config/settings/production.py', line: lineOf(files, 'config/settings/production.py', 'DATABASES') },
      // Read only on a branch whose test the reader cannot decide: listed with that condition.
      {
        variable: 'SENTRY_DSN',
        file: 'config/settings/production.py',
        line: files['config/settings/production.py']!.split('\n').indexOf('    SENTRY_DSN = env("SENTRY_DSN")') + 1,
        when: [{ expression: 'env.bool("USE_SENTRY", default=False)', holds: true, byDefault: false, reads: 'USE_SENTRY' }],
      },
    ]);
  });

  it('counts python-decouple without a default, nested reads, and reads inside if-blocks with their condition', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += [
      'from decouple import config',
      'EMAIL = config("EMAIL_URL")',
      'OPTIONAL = config("OPTIONAL_URL", default=None)',
      'NESTED = [{"k": str(os.environ["NESTED_VAR"])}]',
      'if feature_flags():',
      '    ONLY_WITH_FLAGS = os.environ["FLAGGED"]',
      'if DEBUG:', // DEBUG = True in startproject's settings: this branch always runs at import
      '    ONLY_IN_DEBUG = os.environ["DEBUG_ONLY"]',
      'if not DEBUG:',
      '    NEVER = os.environ["NEVER_READ"]',
      'LAZY = lambda: os.environ["LAZY_VAR"]',
      '',
    ].join('\n');
    const required = detect(files).requiredEnv;
    expect(required.map((read) => read.variable)).toEqual(['EMAIL_URL', 'NESTED_VAR', 'FLAGGED', 'DEBUG_ONLY']);
    expect(required.find((read) => read.variable === 'FLAGGED')?.when).toEqual([{ expression: 'feature_flags()', holds: true }]);
    expect(required.find((read) => read.variable === 'DEBUG_ONLY')?.when).toBeUndefined();
  });
});

describe('static files on object storage or a CDN', () => {
  it('reads cookiecutter-django S3 settings as remote static files, not as a STATIC_URL to serve', () => {
    const files = realWorld.objectStorage();
    const facts = detect(files);
    const production = 'config/settings/production.py';
    expect(facts.settingsModule.value).toBe('config.settings.production');
    expect(facts.staticUrl).toBeUndefined();
    expect(facts.remoteStatic).toEqual({
      backend: { value: 'storages.backends.s3.S3Storage', source: { file: production, line: lineOf(files, production, 'STORAGES') }, note: 'STORAGES' },
      url: { value: 'https://{AWS_S3_CUSTOM_DOMAIN}/static/', source: { file: production, line: lineOf(files, production, 'STATIC_URL') } },
      path: '/static/',
    });
    expect(facts.requiredEnv.map((read) => read.variable)).toEqual(['DJANGO_SECRET_KEY', 'DJANGO_AWS_ACCESS_KEY_ID', 'DJANGO_AWS_SECRET_ACCESS_KEY', 'DJANGO_AWS_STORAGE_BUCKET_NAME']);
    expect(facts.warnings.join('\n')).not.toMatch(/STATIC_URL/);
    const report = detectionReport(facts).join('\n');
    expect(report).toContain(`served on storages.backends.s3.S3Storage [${production}:${lineOf(files, production, 'STORAGES')}]`);
    expect(report).toContain(`at https://{AWS_S3_CUSTOM_DOMAIN}/static/ [${production}:${lineOf(files, production, 'STATIC_URL')}], path /static/`);
  });

  it.each([
    ['STATICFILES_STORAGE = "storages.backends.s3boto3.S3Boto3Storage"', 'storages.backends.s3boto3.S3Boto3Storage'],
    ['STATICFILES_STORAGE = "storages.backends.gcloud.GoogleCloudStorage"', 'storages.backends.gcloud.GoogleCloudStorage'],
    ['STORAGES = {"staticfiles": {"BACKEND": "storages.backends.azure_storage.AzureStorage"}}', 'storages.backends.azure_storage.AzureStorage'],
  ])('takes a non-local backend as remote: %s', (line, backend) => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += `${line}\n`;
    const facts = detect(files);
    expect(facts.remoteStatic).toMatchObject({ backend: { value: backend }, url: { value: 'static/' } });
    expect(facts.staticUrl).toBeUndefined();
  });

  it.each([
    ['https://cdn.example.com/assets/', '/assets/'],
    ['//cdn.example.com/static/', '/static/'],
  ])('takes an absolute STATIC_URL as remote: %s', (url, urlPath) => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace("STATIC_URL = 'static/'", `STATIC_URL = "${url}"`);
    const facts = detect(files);
    expect(facts.remoteStatic).toEqual({ url: { value: url, source: { file: 'mysite/settings.py', line: expect.any(Number) } }, path: urlPath, backend: undefined });
    expect(facts.staticUrl).toBeUndefined();
  });

  it('keeps local storages local: Django, WhiteNoise and a subclass named like them', () => {
    for (const backend of ['whitenoise.storage.CompressedManifestStaticFilesStorage', 'mysite.storage.ForgivingManifestStaticFilesStorage']) {
      const files = fixtures.startproject();
      files['mysite/settings.py'] += `STATICFILES_STORAGE = "${backend}"\n`;
      const facts = detect(files);
      expect(facts.remoteStatic).toBeUndefined();
      expect(facts.staticUrl?.value).toBe('static/');
    }
  });
});

describe('syntax errors', () => {
  it('warns with file and line, and still reads the statements that parse', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace("STATIC_URL = 'static/'", "BROKEN = (1 +\nSTATIC_URL = '/after/'\ndef f(:\n    pass\nMEDIA_URL = '/m/'");
    const facts = detect(files);
    expect(facts.warnings.join('\n')).toMatch(/mysite\/settings\.py:\d+: syntax error/);
    expect(facts.mediaUrl?.value).toBe('/m/');
    expect(facts.wsgiApplication?.value).toBe('mysite.wsgi.application');
  });
});

describe('a long valid settings file', () => {
  // The shape of a large real settings.py (hundreds of environment reads, dict tables, .update()
  // calls): lezer's error recovery marks valid statements as broken after some 900 lines of it.
  function longSettings(count: number): string {
    let text = 'import json\nimport os\n\n';
    for (let i = 0; i < count; i++) {
      text += `# setting ${i}\nSETTING_${i} = os.environ.get("SETTING_${i}", "v${i}")\n`;
      if (i % 7 === 0) text += `TABLE_${i} = {\n    "a/${i}": [".x", ".y"],\n    "b/${i}": [".z"],\n}\n`;
      if (i % 11 === 0) text += `TABLE_${i}.update(\n    json.loads(os.environ.get("EXTRA_${i}", "{}"))\n)\n\n`;
    }
    return text + 'MEDIA_URL = "/uploads/"\n';
  }

  it('gets no syntax warning, and its last statement is read', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace("STATIC_URL = 'static/'", `${longSettings(600)}STATIC_URL = 'static/'`);
    const facts = detect(files);
    expect(facts.warnings.filter((warning) => warning.includes('syntax error'))).toEqual([]);
    expect(facts.mediaUrl?.value).toBe('/uploads/');
  });

  it('still reports a real syntax error after the long part, on its own line', () => {
    const files = fixtures.startproject();
    const text = `${longSettings(600)}BROKEN = = 1\n`;
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace("STATIC_URL = 'static/'", `${text}STATIC_URL = 'static/'`);
    const facts = detect(files);
    const settings = files['mysite/settings.py']!;
    const line = settings.slice(0, settings.indexOf('BROKEN')).split('\n').length;
    expect(facts.warnings.filter((warning) => warning.includes('syntax error'))).toEqual([`mysite/settings.py:${line}: syntax error; that statement is not read, the rest of the file is`]);
    expect(facts.staticUrl?.value).toBe('static/');
  });
});

describe('Django agrees with the text analysis on the new fixtures', () => {
  it.each([
    ['typedSettings', realWorld.typedSettings],
    ['conditionalPaths', realWorld.conditionalPaths],
  ])('%s', async (_, fixture) => {
    const root = fixtures.writeProject(fixture());
    const facts = detectProject(root);
    const result = await inspectSettings(root, facts.settingsModule.value, PYTHON);
    if (!result.ok) throw new Error(result.reason);
    expect(compareWithText(facts, result.settings)).toEqual([]);
  });
});

describe('where the settings module is named', () => {
  it('reads the setdefault call with the Python parser, wherever it sits, with its line', async () => {
    const { settingsModuleInPython } = await import('../../lib/detect/settings-module.js');
    const manage =
      'import os\nimport sys\n\n\ndef main():\n    # os.environ.setdefault("DJANGO_SETTINGS_MODULE", "commented.out")\n    os.environ.setdefault(\n        "DJANGO_SETTINGS_MODULE",\n        "config.settings.local",\n    )\n';
    expect(settingsModuleInPython(manage)).toEqual({ module: 'config.settings.local', line: 7 });
    expect(settingsModuleInPython('import os\nos.environ.setdefault("OTHER", "x")\n')).toBeUndefined();
  });

  it('reads pytest-django settings from pyproject.toml as TOML, and from INI and .env files', async () => {
    const { settingsModuleInConfig } = await import('../../lib/detect/settings-module.js');
    const pyproject = '[project]\nname = "x"\n\n[tool.pytest.ini_options]\nDJANGO_SETTINGS_MODULE = "config.settings.test"\n';
    expect(settingsModuleInConfig('pyproject.toml', pyproject)).toEqual({ value: 'config.settings.test', source: { file: 'pyproject.toml', line: 5 } });
    // Only under [tool.pytest.ini_options]: the same key in another table is something else.
    expect(settingsModuleInConfig('pyproject.toml', '[tool.other]\nDJANGO_SETTINGS_MODULE = "no"\n')).toBeUndefined();
    expect(settingsModuleInConfig('pytest.ini', '[pytest]\n; comment\nDJANGO_SETTINGS_MODULE = mysite.settings\n')?.value).toBe('mysite.settings');
    expect(settingsModuleInConfig('.env', 'export DJANGO_SETTINGS_MODULE="mysite.prod"\n')?.value).toBe('mysite.prod');
  });
});
