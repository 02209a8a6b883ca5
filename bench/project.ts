/**
 * The benchmark's Django project: the settings-package fixture plus a ~100 KB JS bundle,
 * a ~20 KB stylesheet, two tiny views for the app path (one without the database, one that
 * reads one row a migration wrote), and the settings modules the comparison variants run
 * with (WhiteNoise; Django's own static view). With PostgreSQL its requirements name
 * psycopg, a driver the offline stand-ins hold (Debian's python3-psycopg).
 */
import IMAGES from '../lib/config/images.json' with { type: 'json' };
import { settingsPackage, type Files } from '../test/fixtures/projects.js';

/** Deterministic, realistic-ish text of about `bytes` bytes (compresses like real code). */
function filler(bytes: number, line: (i: number) => string): string {
  let text = '';
  for (let i = 0; text.length < bytes; i++) text += line(i);
  return text;
}

export const BENCH_FILES = { css: 'css/site.css', js: 'js/bundle.js' } as const;

/** The app-path URLs: a view that never touches the database, and one that reads one row. */
export const APP_VIEWS = { hello: '/bench/hello', row: '/bench/row' } as const;

/** A tiny app: one model, created and given its one row by a migration (the migrate service runs it). */
const BENCH_APP: Files = {
  'benchapp/__init__.py': '',
  'benchapp/models.py': `from django.db import models


class Greeting(models.Model):
    id = models.AutoField(primary_key=True)
    text = models.CharField(max_length=100)
`,
  'benchapp/migrations/__init__.py': '',
  'benchapp/migrations/0001_initial.py': `from django.db import migrations, models


def add_greeting(apps, schema_editor):
    apps.get_model('benchapp', 'Greeting').objects.create(id=1, text='hello from the database')


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name='Greeting',
            fields=[('id', models.AutoField(primary_key=True, serialize=False)), ('text', models.CharField(max_length=100))],
        ),
        migrations.RunPython(add_greeting, migrations.RunPython.noop),
    ]
`,
  'benchapp/views.py': `from django.http import HttpResponse

from benchapp.models import Greeting


def row(request):
    return HttpResponse(Greeting.objects.get(id=1).text, content_type='text/plain')
`,
};

/** Every edit below replaces a known line; one that no longer matches stops the bench instead of measuring something else. */
function replaceOnce(text: string, old: string, replacement: string, file: string): string {
  if (!text.includes(old)) throw new Error(`bench project: ${file} no longer has ${JSON.stringify(old)}`);
  return text.replace(old, replacement);
}

export function benchProject(database: 'sqlite' | 'postgres' = 'sqlite'): Files {
  const files = { ...settingsPackage(), ...BENCH_APP };
  files['config/settings/base.py'] = replaceOnce(
    files['config/settings/base.py']!,
    "    'django.contrib.staticfiles',\n",
    "    'django.contrib.staticfiles',\n    'benchapp',\n",
    'config/settings/base.py',
  );
  // The stack's settings overlay replaces DATABASES with its PostgreSQL service; the driver is the project's part.
  if (database === 'postgres') files['requirements/base.txt'] += 'psycopg>=3.1\n';
  files['frontend/static/css/site.css'] = filler(20 * 1024, (i) => `.component-${i} { margin: ${i % 7}px auto; color: #${((i * 2654435761) % 0xffffff).toString(16).padStart(6, '0')}; }\n`);
  files['frontend/static/js/bundle.js'] = filler(100 * 1024, (i) => `export function handler${i}(event) { return event.target.dataset.value${i % 13} ?? ${(i * 31) % 977}; }\n`);
  let urls = replaceOnce(files['config/urls.py']!, 'from django.urls import path\n', 'from django.urls import path\n\nfrom benchapp.views import row\n', 'config/urls.py');
  urls = replaceOnce(urls, 'def home(request):', "def hello(request):\n    return HttpResponse('hello', content_type='text/plain')\n\n\ndef home(request):", 'config/urls.py');
  files['config/urls.py'] = replaceOnce(
    urls,
    "    path('', home),",
    `    path('', home),\n    path('${APP_VIEWS.hello.slice(1)}', hello),\n    path('${APP_VIEWS.row.slice(1)}', row),`,
    'config/urls.py',
  );
  // B: gunicorn + WhiteNoise with its compressed manifest storage, as cookiecutter-django does.
  files['config/bench_whitenoise.py'] = `from config.settings_docker import *  # noqa: F401,F403

MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]
STATIC_ROOT = "/tmp/whitenoise-static"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
`;
  // C: django.contrib.staticfiles' own view, the naive route.
  files['config/bench_djangoview.py'] = `from config.settings_docker import *  # noqa: F401,F403

ROOT_URLCONF = "config.bench_urls"
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
`;
  files['config/bench_urls.py'] = `from django.contrib.staticfiles.views import serve
from django.urls import re_path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [re_path(r"^static/(?P<path>.*)$", serve, {"insecure": True}), *project_urlpatterns]
`;
  files['requirements/production.txt'] += 'whitenoise>=6\n';
  return files;
}

/** D: the ceiling, a minimal hand-tuned nginx serving the same volume. */
export const LIMIT_NGINX_CONF = `server {
    listen 80;
    access_log off;
    sendfile on;
    tcp_nopush on;
    root /srv/www;
}
`;

export const LOADGEN_DOCKERFILE = `FROM ${IMAGES.loadgen}
# wrk (HTTP load) and wget (bytes on the wire); already present in the offline stand-in.
RUN command -v wrk && command -v wget || (apt-get update && apt-get install -y --no-install-recommends wrk wget && rm -rf /var/lib/apt/lists/*)
`;
