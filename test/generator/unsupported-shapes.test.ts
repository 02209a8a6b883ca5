/**
 * Shapes this stack cannot run are refused in the same one-run report as every other problem,
 * with the reason and where it shows, and nothing is written: exiting 0 would leave a stack that
 * fails when it starts (GeoDjango without GDAL; django-configurations overwriting the overlay).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AnswerError } from '../../lib/config/answers.js';
import { detectProject } from '../../lib/detect/project.js';
import * as fixtures from '../fixtures/projects.js';
import { generate } from './run.js';

async function problemsOf(files: fixtures.Files, options: Record<string, unknown> = {}): Promise<{ problems: string[]; written: boolean }> {
  const dir = fixtures.writeProject(files);
  const before = fs.readdirSync(dir).sort();
  const failure: unknown = await generate(dir, options).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(AnswerError);
  return { problems: (failure as AnswerError).problems, written: fs.readdirSync(dir).sort().join() !== before.join() };
}

/** startproject with a spatial app and database, as a GeoDjango project writes them. */
function geoProject(database: string): fixtures.Files {
  const files = fixtures.startproject();
  files['mysite/settings.py'] = files['mysite/settings.py']!.replace("    'django.contrib.staticfiles',\n", "    'django.contrib.staticfiles',\n    'django.contrib.gis',\n");
  files['mysite/settings.py'] += `\n${database}\n`;
  return files;
}

/** manage.py and wsgi.py going through django-configurations, the settings a class. */
function configurationsProject(): fixtures.Files {
  const files = fixtures.startproject();
  files['manage.py'] = `import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")
    os.environ.setdefault("DJANGO_CONFIGURATION", "Dev")
    from configurations.management import execute_from_command_line
    execute_from_command_line(sys.argv)
`;
  return files;
}

const GEODJANGO = /^GeoDjango is not supported: it needs GDAL, GEOS and PROJ in the image and a PostGIS \(or SpatiaLite\) database/;

describe('GeoDjango', () => {
  it('a PostGIS ENGINE and django.contrib.gis: refused with both, beside the other problems, nothing written', async () => {
    const { problems, written } = await problemsOf(geoProject(`DATABASES = {"default": {"ENGINE": "django.contrib.gis.db.backends.postgis", "NAME": "geo"}}`), { port: '99999' });
    expect(problems).toEqual([expect.stringMatching(/^--port: port "99999" is impossible/), expect.stringMatching(GEODJANGO), expect.stringMatching(/^--database postgres needs a PostgreSQL driver/)]);
    expect(problems[1]).toMatch(
      /found django\.contrib\.gis in INSTALLED_APPS \[mysite\/settings\.py:\d+\] and the spatial database backend django\.contrib\.gis\.db\.backends\.postgis \[mysite\/settings\.py:\d+\] \(nothing written\)$/,
    );
    expect(written).toBe(false);
  });

  it('a postgis:// database URL alone is GeoDjango too (the scheme, not plain PostgreSQL)', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += `\nimport dj_database_url\nDATABASES = {"default": dj_database_url.config(default="postgis://localhost:5432/geo")}\n`;
    const facts = detectProject(fixtures.writeProject(files));
    expect(facts.database?.value).toMatchObject({ engine: 'postgresql', spatial: 'postgis://' });
    expect(facts.unsupported).toEqual([{ found: expect.stringMatching(/^the spatial database backend postgis:\/\/ \[mysite\/settings\.py:\d+\]$/), why: expect.stringMatching(GEODJANGO) }]);
  });

  it('plain PostgreSQL is not refused', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += `\nimport dj_database_url\nDATABASES = {"default": dj_database_url.config(default="postgres://localhost:5432/app")}\n`;
    expect(detectProject(fixtures.writeProject(files)).unsupported).toBeUndefined();
  });
});

describe('django-configurations', () => {
  it('manage.py running its management module: refused, saying why, nothing written', async () => {
    const { problems, written } = await problemsOf(configurationsProject());
    expect(problems).toEqual([expect.stringMatching(/^django-configurations is not supported: .*DJANGO_CONFIGURATION; found an import of configurations \[manage\.py:7\] \(nothing written\)$/)]);
    expect(written).toBe(false);
  });

  it('settings written as a Configuration class are found in the settings file', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += `\nfrom configurations import Configuration\n\nclass Production(Configuration):\n    DEBUG = False\n`;
    expect(detectProject(fixtures.writeProject(files)).unsupported).toEqual([{ found: expect.stringMatching(/^an import of configurations \[mysite\/settings\.py:\d+\]$/), why: expect.any(String) }]);
  });

  it('a module merely named like it (myapp.configurations, a comment) is not taken for it', () => {
    const files = fixtures.startproject();
    files['mysite/settings.py'] += `\n# configurations are below\nimport mysite.configurations as configurations_module\n`;
    expect(detectProject(fixtures.writeProject(files)).unsupported).toBeUndefined();
  });
});
