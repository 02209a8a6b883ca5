/**
 * The sample project `generator-django-static demo` writes: the shape `django-admin startproject
 * demosite .` gives (Django 4.2), plus one page that links one stylesheet of its own, so the
 * health check has a page at / and a project static file to fetch through nginx.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_AND_LOCALE, DEFAULT_AUTO_FIELD, entryPoint, INSTALLED_APPS_AND_MIDDLEWARE, managePy, REQUIREMENTS, templatesSetting } from './startproject.js';

const SETTINGS_MODULE = 'demosite.settings';

const manage = managePy(SETTINGS_MODULE, "Django's command-line utility for administrative tasks.");

const settings = `"""Settings of the generator-django-static demo: a startproject, plus a page and a stylesheet."""
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

# For local development only: the generated stack reads DJANGO_SECRET_KEY from .env instead.
SECRET_KEY = 'django-insecure-demo-only-never-use-in-production'

DEBUG = True

ALLOWED_HOSTS = []

${INSTALLED_APPS_AND_MIDDLEWARE}
ROOT_URLCONF = 'demosite.urls'

${templatesSetting("[BASE_DIR / 'templates']")}
WSGI_APPLICATION = 'demosite.wsgi.application'

${DATABASE_AND_LOCALE}
STATIC_URL = 'static/'
STATICFILES_DIRS = [BASE_DIR / 'static']

${DEFAULT_AUTO_FIELD}`;

const urls = `from django.contrib import admin
from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path('', TemplateView.as_view(template_name='index.html')),
    path('admin/', admin.site.urls),
]
`;

const page = `{% load static %}<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>generator-django-static demo</title>
  <link rel="stylesheet" href="{% static 'demo/site.css' %}">
</head>
<body>
  <main>
    <h1>It works.</h1>
    <p>Django answers through gunicorn; this page's stylesheet comes from nginx, out of the shared static volume.</p>
    <p><a href="/admin/">The admin</a> is served the same way.</p>
  </main>
</body>
</html>
`;

// Over 1 KiB, so the stack precompresses it and nginx sends it gzipped.
const stylesheet = `/* generator-django-static demo: served by nginx from the static volume */
body { font-family: system-ui, sans-serif; margin: 0; background: #f4f6f8; color: #1d2733; }
main { max-width: 40rem; margin: 4rem auto; padding: 2rem 2.5rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
h1 { margin-top: 0; color: #0c4b33; }
a { color: #0c6b8a; }
${Array.from({ length: 24 }, (_, i) => `.demo-spacing-${i} { margin-top: ${i * 4}px; }`).join('\n')}
`;

/** Every file of the sample, by path relative to the project's root. */
export const SAMPLE_PROJECT_FILES: Readonly<Record<string, string>> = {
  'manage.py': manage,
  'demosite/__init__.py': '',
  'demosite/settings.py': settings,
  'demosite/urls.py': urls,
  'demosite/wsgi.py': entryPoint('wsgi', SETTINGS_MODULE),
  'demosite/asgi.py': entryPoint('asgi', SETTINGS_MODULE),
  'templates/index.html': page,
  'static/demo/site.css': stylesheet,
  'requirements.txt': REQUIREMENTS,
};

/** The folder the demo writes into when none is given. */
export const DEFAULT_DEMO_DIR = 'django-static-demo';

export class DemoTargetError extends Error {}

/**
 * Writes the sample project into `dir`, which must be missing or empty: the demo never writes
 * over anything. Throws DemoTargetError (nothing written) otherwise. Returns the absolute folder.
 */
export function writeSampleProject(dir: string): string {
  const target = path.resolve(dir);
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new DemoTargetError(`demo: ${dir} exists and is not a folder; name a new or empty folder (nothing written)`);
  if (stat && fs.readdirSync(target).length > 0) {
    throw new DemoTargetError(`demo: ${dir} is not empty; the demo writes its sample project only into a new or empty folder, so nothing of yours is overwritten (nothing written)`);
  }
  for (const [file, content] of Object.entries(SAMPLE_PROJECT_FILES)) {
    fs.mkdirSync(path.dirname(path.join(target, file)), { recursive: true });
    fs.writeFileSync(path.join(target, file), content, { mode: file === 'manage.py' ? 0o755 : 0o644 });
  }
  return target;
}
