import { describe, expect, it } from 'vitest';
import { compareWithText, inspectSettings } from '../../lib/detect/inspect.js';
import { detectProject } from '../../lib/detect/project.js';
import * as fixtures from '../fixtures/projects.js';

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
    files['config/settings/production.py'] += 'STATIC_URL = "/" + "ASSETS/".lower()\nMEDIA_ROOT = BASE_DIR / "uploads"\n';
    const root = fixtures.writeProject(files);
    const facts = detectProject(root);
    const result = await inspectSettings(root, facts.settingsModule.value, PYTHON);
    if (!result.ok) throw new Error(result.reason);
    expect(compareWithText(facts, result.settings)).toEqual(['STATIC_URL: text analysis not set, Django "/assets/"']);
  });

  it('says why when the project cannot be imported', async () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += '\nimport os\nSECRET_KEY = os.environ["NOT_SET_ANYWHERE"]\n';
    const root = fixtures.writeProject(files);
    const result = await inspectSettings(root, 'mysite.settings', PYTHON);
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(/could not load mysite\.settings: KeyError: 'NOT_SET_ANYWHERE'/) });
  });
});
