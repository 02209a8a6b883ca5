/**
 * The benchmark's Django project: the settings-package fixture plus a ~100 KB JS bundle,
 * a ~20 KB stylesheet, a tiny view for the app path, and the settings modules the
 * comparison variants run with (WhiteNoise; Django's own static view).
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

export function benchProject(): Files {
  const files = settingsPackage();
  files['frontend/static/css/site.css'] = filler(20 * 1024, (i) => `.component-${i} { margin: ${i % 7}px auto; color: #${(i * 2654435761 % 0xffffff).toString(16).padStart(6, '0')}; }\n`);
  files['frontend/static/js/bundle.js'] = filler(100 * 1024, (i) => `export function handler${i}(event) { return event.target.dataset.value${i % 13} ?? ${i * 31 % 977}; }\n`);
  files['config/urls.py'] = files['config/urls.py']!
    .replace('def home(request):', "def hello(request):\n    return HttpResponse('hello', content_type='text/plain')\n\n\ndef home(request):")
    .replace("    path('', home),", "    path('', home),\n    path('bench/hello', hello),");
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
