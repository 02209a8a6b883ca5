/**
 * Settings shapes found in real projects that the reader once got wrong: environs' positional
 * defaults, folders created in loops and blocks at import, the module the server serves, and
 * STATICFILES_DIRS entries it cannot read.
 */
import { describe, expect, it } from 'vitest';
import { describe as describeValue } from '../../lib/detect/evaluate.js';
import { readSettings } from '../../lib/detect/settings.js';
import { writeProject, type Files } from '../fixtures/projects.js';

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
