/**
 * What `django-admin startproject` writes (Django 4.2), in parts: the demo's sample project and
 * the tests' fixture projects (test/fixtures/projects.ts) are both built from these.
 */

/** manage.py; the docstring's line moves DJANGO_SETTINGS_MODULE down one, which detection reports. */
export const managePy = (settingsModule: string, docstring?: string) => `#!/usr/bin/env python
${docstring === undefined ? '' : `"""${docstring}"""\n`}import os
import sys


def main():
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${settingsModule}')
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)


if __name__ == '__main__':
    main()
`;

/** wsgi.py or asgi.py. */
export const entryPoint = (kind: 'wsgi' | 'asgi', settingsModule: string) => `import os

from django.core.${kind} import get_${kind}_application

os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${settingsModule}')

application = get_${kind}_application()
`;

export const INSTALLED_APPS_AND_MIDDLEWARE = `INSTALLED_APPS = [
    'django.contrib.admin',
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'django.contrib.messages',
    'django.contrib.staticfiles',
]

MIDDLEWARE = [
    'django.middleware.security.SecurityMiddleware',
    'django.contrib.sessions.middleware.SessionMiddleware',
    'django.middleware.common.CommonMiddleware',
    'django.middleware.csrf.CsrfViewMiddleware',
    'django.contrib.auth.middleware.AuthenticationMiddleware',
    'django.contrib.messages.middleware.MessageMiddleware',
    'django.middleware.clickjacking.XFrameOptionsMiddleware',
]
`;

/** TEMPLATES, with `dirs` as the Python list of DIRS. */
export const templatesSetting = (dirs: string) => `TEMPLATES = [
    {
        'BACKEND': 'django.template.backends.django.DjangoTemplates',
        'DIRS': ${dirs},
        'APP_DIRS': True,
        'OPTIONS': {
            'context_processors': [
                'django.template.context_processors.request',
                'django.contrib.auth.context_processors.auth',
                'django.contrib.messages.context_processors.messages',
            ],
        },
    },
]
`;

/** The SQLite database beside manage.py, and the locale settings. */
export const DATABASE_AND_LOCALE = `DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.sqlite3',
        'NAME': BASE_DIR / 'db.sqlite3',
    }
}

LANGUAGE_CODE = 'en-us'
TIME_ZONE = 'UTC'
USE_I18N = True
USE_TZ = True
`;

export const DEFAULT_AUTO_FIELD = `DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
`;

/** Django and gunicorn, the least a project served by the stack needs. */
export const REQUIREMENTS = 'Django>=4.2,<5.3\ngunicorn>=20\n';
