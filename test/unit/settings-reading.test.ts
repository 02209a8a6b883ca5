/**
 * Settings shapes found in real projects that the reader once got wrong: environs' positional
 * defaults, folders created in loops and blocks at import, the module the server serves, and
 * STATICFILES_DIRS entries it cannot read.
 */
import { describe, expect, it } from 'vitest';
import { describe as describeValue } from '../../lib/detect/evaluate.js';
import { detectProject } from '../../lib/detect/project.js';
import { detectionReport } from '../../lib/detect/report.js';
import { celeryRedis } from '../fixtures/processes.js';
import { readSettings } from '../../lib/detect/settings.js';
import { entryPoint } from '../../lib/demo/startproject.js';
import { startproject, writeProject, type Files } from '../fixtures/projects.js';

/** Settings of one module `site/settings.py`, read as the generator reads them. */
const settingsOf = (text: string, extra: Files = {}) => readSettings(writeProject({ 'site/__init__.py': '', 'site/settings.py': text, ...extra }), 'site.settings');
const valueOf = (read: ReturnType<typeof settingsOf>, name: string) => describeValue(read.settings.get(name)!.value);
const requiredOf = (read: ReturnType<typeof settingsOf>) => read.requiredEnv.map((entry) => entry.variable);

describe('environment readers: where each library takes its default', () => {
  const calls = [
    'ROOT = env("STATIC_ROOT", "static")',
    'NAME = env.str("SITE_NAME", "demo")',
    'DEBUG = env.bool("DEBUG", False)',
    'PORT = env.int("EMAIL_PORT", 587)',
    'HOSTS = env.list("ALLOWED_HOSTS", ["localhost"])',
    'KEY = env("SECRET_KEY", default="insecure")',
    'TOKEN = env("API_TOKEN")',
  ].join('\n');

  it.each([
    ['from environs import FileAwareEnv\nenv = FileAwareEnv()'],
    ['from environs import Env\nenv = Env()'],
    ['import environs\nenv = environs.Env()'],
    ['from environs import Env as Reader\nenv = Reader()'],
  ])('environs (%s): the second positional argument is the default', (header) => {
    const read = settingsOf(`${header}\n${calls}\n`);
    expect(valueOf(read, 'ROOT')).toBe('"static"');
    expect(valueOf(read, 'NAME')).toBe('"demo"');
    expect(valueOf(read, 'DEBUG')).toBe('false');
    expect(valueOf(read, 'PORT')).toBe('587');
    expect(valueOf(read, 'HOSTS')).toBe('["localhost"]');
    expect(valueOf(read, 'KEY')).toBe('"insecure"');
    expect(requiredOf(read)).toEqual(['API_TOKEN']);
  });

  it('django-environ: env() and env.list() take a cast before the default, env.str/bool/int the default second', () => {
    const read = settingsOf(
      [
        'import environ',
        'env = environ.Env()',
        'ROOT = env("STATIC_ROOT", str, "static")',
        'CAST_ONLY = env("CAST_ONLY", str)', // a cast, not a default: required
        'NAME = env.str("SITE_NAME", "demo")',
        'DEBUG = env.bool("DEBUG", False)',
        'PORT = env.int("EMAIL_PORT", 587)',
        'HOSTS = env.list("ALLOWED_HOSTS", str, ["localhost"])',
        'LIST_CAST_ONLY = env.list("LIST_CAST_ONLY", str)',
        'KEY = env("SECRET_KEY", default="insecure")',
        'HOSTS_KW = env.list("HOSTS_KW", default=["a"])',
        '',
      ].join('\n'),
    );
    expect(valueOf(read, 'ROOT')).toBe('"static"');
    expect(valueOf(read, 'NAME')).toBe('"demo"');
    expect(valueOf(read, 'DEBUG')).toBe('false');
    expect(valueOf(read, 'PORT')).toBe('587');
    expect(valueOf(read, 'HOSTS')).toBe('["localhost"]');
    expect(valueOf(read, 'KEY')).toBe('"insecure"');
    expect(valueOf(read, 'HOSTS_KW')).toBe('["a"]');
    expect(requiredOf(read)).toEqual(['CAST_ONLY', 'LIST_CAST_ONLY']);
  });

  it('`from environ import Env`: django-environ, per-variable defaults given to Env() still count', () => {
    const read = settingsOf('from environ import Env\nenv = Env(DEBUG=(bool, False))\nDEBUG = env("DEBUG")\nROOT = env("STATIC_ROOT", str, "static")\n');
    expect(valueOf(read, 'DEBUG')).toBe('false');
    expect(valueOf(read, 'ROOT')).toBe('"static"');
    expect(requiredOf(read)).toEqual([]);
  });
});

describe('folders created at import inside for, with, try and if bodies', () => {
  const header = 'import os\nfrom pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n';
  const writesOf = (text: string) => settingsOf(`${header}${text}`).importWrites.map((write) => ({ path: write.path, line: write.line }));
  const lineOf = (text: string, needle: string) => `${header}${text}`.split('\n').findIndex((line) => line.includes(needle)) + 1;

  it('a loop over a tuple of settings it can read: one write per item, at the loop body line', () => {
    const text = 'DATA_DIR = BASE_DIR / "data"\nLOG_DIR = DATA_DIR / "logs"\nfor directory in (DATA_DIR, LOG_DIR):\n    directory.mkdir(parents=True, exist_ok=True)\n';
    const line = lineOf(text, 'directory.mkdir');
    expect(writesOf(text)).toEqual([
      { path: 'data', line },
      { path: 'data/logs', line },
    ]);
  });

  it('a loop over a dict of settings with .values(), with os.makedirs', () => {
    const text =
      'DIRECTORIES = {"DATA": os.path.join(BASE_DIR, "data"), "MEDIA": os.path.join(BASE_DIR, "media")}\nfor directory in DIRECTORIES.values():\n    os.makedirs(directory, exist_ok=True)\n';
    expect(writesOf(text).map((write) => write.path)).toEqual(['data', 'media']);
  });

  it('loop items that cannot be read (said once), or a loop over something that cannot be read: a write whose path is not read', () => {
    const text =
      'LOG_DIR = Path(config.get("filesystem", "logs"))\nfor directory in (BASE_DIR / "data", LOG_DIR, LOG_DIR / "archive"):\n    directory.mkdir(parents=True, exist_ok=True)\nfor name in list_folders():\n    os.makedirs(name)\n';
    expect(writesOf(text)).toEqual([
      { path: 'data', line: lineOf(text, 'directory.mkdir') },
      { path: undefined, line: lineOf(text, 'directory.mkdir') },
      { path: undefined, line: lineOf(text, 'os.makedirs(name)') },
    ]);
  });

  it('with bodies, try bodies whose handlers do not catch OSError, their handlers, and an if inside a loop', () => {
    const text = [
      'with open(BASE_DIR / "x") as handle:',
      '    os.makedirs(BASE_DIR / "from-with")',
      'try:',
      '    os.makedirs(BASE_DIR / "from-try")',
      'except ImportError:',
      '    os.makedirs(BASE_DIR / "from-handler")',
      'for name in ("a", "b"):',
      '    if not os.path.exists(BASE_DIR / name):',
      '        os.makedirs(BASE_DIR / name)',
      '',
    ].join('\n');
    expect(writesOf(text).map((write) => write.path)).toEqual(['from-with', 'from-try', 'from-handler', 'a', 'b']);
  });

  it.each([['except OSError:'], ['except (ValueError, OSError) as error:'], ['except Exception:'], ['except:']])('a try body whose handler catches a failed write (%s) is harmless', (handler) => {
    expect(writesOf(`try:\n    os.makedirs(BASE_DIR / "logs")\n${handler}\n    pass\n`)).toEqual([]);
  });

  it('what a loop, with or try body sets or reads stays out of the settings and the required variables', () => {
    const read = settingsOf(
      `${header}try:\n    from .local import *\n    SECRET_KEY = os.environ["SECRET_KEY"]\nexcept (ImportError, KeyError):\n    pass\nfor name in ("a",):\n    STATIC_ROOT = os.environ["LOOP_VAR"]\n`,
      { 'site/local.py': 'LOCAL_ONLY = True\n' },
    );
    expect([...read.settings.keys()]).toEqual(['BASE_DIR']);
    expect(read.requiredEnv).toEqual([]);
  });
});

describe('the settings the server serves, when entry points disagree', () => {
  /** startproject, plus a second package with its own settings and entry points (a Celery-only worker package). */
  const withWorkerPackage = (): Files => ({
    ...startproject(),
    'worker/__init__.py': '',
    'worker/settings.py': 'from mysite.settings import *\nINSTALLED_APPS = ["django.contrib.admin"]\n',
    'worker/wsgi.py': entryPoint('wsgi', 'worker.settings'),
    'worker/asgi.py': entryPoint('asgi', 'worker.settings'),
  });

  it("another package's own wsgi.py does not override manage.py when manage.py's package agrees with it", () => {
    expect(detectProject(writeProject(withWorkerPackage())).settingsModule).toEqual({ value: 'mysite.settings', source: { file: 'manage.py', line: expect.any(Number) } });
  });

  it('no entry point agrees with manage.py, two other modules: the one WSGI_APPLICATION names', () => {
    const files = withWorkerPackage();
    files['mysite/served.py'] = 'from mysite.settings import *\nDEBUG = False\n';
    files['mysite/wsgi.py'] = entryPoint('wsgi', 'mysite.served');
    files['mysite/asgi.py'] = entryPoint('asgi', 'mysite.served');
    files['manage.py'] = files['manage.py']!.replace('mysite.settings', 'mysite.dev');
    files['mysite/dev.py'] = 'from mysite.settings import *\n';
    expect(detectProject(writeProject(files)).settingsModule).toMatchObject({ value: 'mysite.served', source: { file: 'mysite/wsgi.py' } });
  });
});

describe('the report', () => {
  it('a Celery broker that is neither a URL nor a variable is said to be not read, with why, never `from $?`', () => {
    const files = celeryRedis();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace(/CELERY_BROKER_URL = .*/, 'CELERY_BROKER_URL = site_config.get("celery", "broker")');
    const report = detectionReport(detectProject(writeProject(files))).join('\n');
    expect(report).toMatch(/Celery broker +not read: the setting is neither a URL in the code nor an environment variable the reader follows +\[mysite\/settings\.py:\d+\]/);
    expect(report).not.toContain('$?');
  });
});

describe('STATICFILES_DIRS entries', () => {
  it('BASE_DIR.joinpath(...) reads like BASE_DIR / ...; an entry that cannot be read is named in the report, not dropped', () => {
    const files = startproject();
    files['mysite/settings.py'] += '\nSTATICFILES_DIRS = (BASE_DIR.joinpath("static"), BASE_DIR.joinpath("assets", "css"), frontend_build_dir())\n';
    const facts = detectProject(writeProject(files));
    expect(facts.staticfilesDirs.value).toEqual(['static', 'assets/css']);
    expect(detectionReport(facts).join('\n')).toMatch(/STATICFILES_DIRS +static, assets\/css +\[mysite\/settings\.py:\d+\] \(not read, so not served: \(frontend_build_dir\(\) is not understood\)\)/);
  });
});
