import { describe, expect, it } from 'vitest';
import { compareWithText, inspectSettings, namedVariable } from '../../lib/detect/inspect.js';
import { detectProject } from '../../lib/detect/project.js';
import * as fixtures from '../fixtures/projects.js';
import * as forms from '../fixtures/settings-forms.js';

// Debian's interpreter with Debian's Django (scripts/test-env.sh installs python3-django).
const PYTHON = '/usr/bin/python3';

describe('--inspect: Django itself against the text analysis', () => {
  it('agrees on a startproject', async () => {
    const root = fixtures.writeProject(fixtures.startproject());
    const result = await inspectSettings(root, 'mysite.settings', PYTHON);
    expect(result.ok, JSON.stringify(result)).toBe(true);
    if (!result.ok) return;
    expect(result.settings.STATIC_URL).toMatch(/^\/?static\/$/);
    expect(compareWithText(detectProject(root), result.settings)).toEqual([]);
  });

  it('reports what the text analysis could not read', async () => {
    const files = fixtures.settingsPackage();
    files['config/settings/production.py'] += 'STATIC_URL = "/".join(["", "assets", ""])\nMEDIA_ROOT = BASE_DIR / "uploads"\n';
    const root = fixtures.writeProject(files);
    const facts = detectProject(root);
    const result = await inspectSettings(root, facts.settingsModule.value, PYTHON);
    if (!result.ok) throw new Error(result.reason);
    expect(compareWithText(facts, result.settings)).toEqual(['STATIC_URL: text analysis not set, Django "/assets/"; not read from the text, so it is asked (or --static-url)']);
  });

  it('says why when the project cannot be imported', async () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nimport os\nSECRET_KEY = os.environ["NOT_SET_ANYWHERE"]\n';
    const root = fixtures.writeProject(files);
    const result = await inspectSettings(root, 'mysite.settings', PYTHON);
    const line = files['mysite/settings.py']!.split('\n').indexOf('SECRET_KEY = os.environ["NOT_SET_ANYWHERE"]') + 1;
    expect(result).toEqual({
      ok: false,
      reason: expect.stringMatching(new RegExp(`could not load mysite\\.settings: KeyError: 'NOT_SET_ANYWHERE' \\(at mysite/settings\\.py:${line}\\)`)),
      variable: 'NOT_SET_ANYWHERE',
      at: `mysite/settings.py:${line}`,
    });
  });

  it('names the variable of an ImproperlyConfigured raised on one branch, and where', async () => {
    const files = forms.postgresOnOneBranch();
    files['mysite/settings.py'] = files['mysite/settings.py']!.replace('import dj_database_url\n', ''); // not on this machine; never reached
    const root = fixtures.writeProject(files);
    const result = await inspectSettings(root, 'mysite.settings', PYTHON);
    const line = files['mysite/settings.py']!.split('\n').indexOf('    raise ImproperlyConfigured("Set SITE_DOMAIN to the site\'s public host name")') + 1;
    expect(result).toMatchObject({ ok: false, at: `mysite/settings.py:${line}` });
  });

  it('reads the variable an error message names', () => {
    expect(namedVariable("KeyError: 'POSTGRES_DB'")).toBe('POSTGRES_DB');
    expect(namedVariable('django.core.exceptions.ImproperlyConfigured: Set the POSTGRES_DB environment variable')).toBe('POSTGRES_DB');
    expect(namedVariable('decouple.UndefinedValueError: DJANGO_SECRET_KEY not found. Declare it as envvar or define a default value.')).toBe('DJANGO_SECRET_KEY');
    expect(namedVariable("ModuleNotFoundError: No module named 'dj_database_url'")).toBeUndefined();
  });

  it('shows both values and the one used where they disagree on the database', () => {
    const root = fixtures.writeProject(fixtures.startproject());
    const facts = detectProject(root);
    const runtime = {
      STATIC_URL: '/static/',
      STATIC_ROOT: null,
      STATICFILES_DIRS: [],
      MEDIA_URL: '/',
      MEDIA_ROOT: null,
      WSGI_APPLICATION: 'mysite.wsgi.application',
      STATICFILES_BACKEND: null,
      DJANGO_VERSION: '4.2',
      DATABASE_ENGINE: 'django.db.backends.postgresql',
    };
    expect(compareWithText(facts, runtime)).toEqual(['database: text analysis "sqlite", Django "postgresql"; using the text analysis\'s (--database to use Django\'s)']);
  });
});
