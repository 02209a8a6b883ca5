/**
 * The admin login check's one `manage.py shell`, run by real Django (Debian's, on the host)
 * through the same ComposeSession the check uses: the user exists with the password sent on
 * stdin while the shell waits, and is gone once stdin closes, the way the check ends it (and
 * the way it ends when the caller dies).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loginUserScript, parseSetupOutput, userDeleted } from '../../lib/health/admin-login.js';
import { ComposeSession } from '../../lib/health/compose-cli.js';

// Debian's interpreter with Debian's Django (scripts/test-env.sh installs python3-django).
const PYTHON = '/usr/bin/python3';

function djangoProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'django-static-login-'));
  fs.writeFileSync(
    path.join(dir, 'settings.py'),
    [
      'SECRET_KEY = "test"',
      'INSTALLED_APPS = ["django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.messages"]',
      `DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ${JSON.stringify(path.join(dir, 'db.sqlite3'))}}}`,
      'ROOT_URLCONF = "urls"',
      'CSRF_TRUSTED_ORIGINS = ["http://localhost:8080"]',
    ].join('\n'),
  );
  fs.writeFileSync(path.join(dir, 'urls.py'), 'from django.contrib import admin\nfrom django.urls import path\nurlpatterns = [path("admin/", admin.site.urls)]\n');
  return dir;
}

const env = (dir: string) => ({ DJANGO_SETTINGS_MODULE: 'settings', PYTHONPATH: dir });
const django = (dir: string, code: string) => execFileSync(PYTHON, ['-m', 'django', 'shell', '-c', code], { env: { ...process.env, ...env(dir) }, encoding: 'utf8' }).trim();

describe('the login check user: one Django shell creates it, waits, deletes it', () => {
  it('holds the user with the stdin password while waiting, and deletes it on EOF', async () => {
    const dir = djangoProject();
    try {
      execFileSync(PYTHON, ['-m', 'django', 'migrate', '--skip-checks', '-v0'], { env: { ...process.env, ...env(dir) } });
      const username = 'healthcheck-0a1b@example.invalid';
      const session = new ComposeSession(execa(PYTHON, ['-m', 'django', 'shell', '-c', loginUserScript(username)], { all: true, stdin: 'pipe', reject: false, env: env(dir) }));
      session.write('s3cret-from-stdin\n');
      const line = await session.waitForLine((l) => l.startsWith('django-static-login-check:'));
      expect(parseSetupOutput(line ?? '')).toEqual({
        login: '/admin/login/',
        index: '/admin/',
        logout: '/admin/logout/',
        trustedOrigins: ['http://localhost:8080'],
        csrfCookie: 'csrftoken',
        sessionCookie: 'sessionid',
        csrfUseSessions: false,
      });
      const check = `from django.contrib.auth import authenticate; print(authenticate(username=${JSON.stringify(username)}, password="s3cret-from-stdin") is not None)`;
      expect(django(dir, check)).toBe('True');

      const end = await session.end();
      expect(end.exitCode).toBe(0);
      expect(userDeleted(end.output)).toBe(true);
      expect(django(dir, 'from django.contrib.auth.models import User; print(User.objects.count())')).toBe('0');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('reports a project whose admin has no URLs, and creates no user', async () => {
    const dir = djangoProject();
    try {
      fs.writeFileSync(path.join(dir, 'urls.py'), 'urlpatterns = []\n');
      const session = new ComposeSession(execa(PYTHON, ['-m', 'django', 'shell', '-c', loginUserScript('nobody')], { all: true, stdin: 'pipe', reject: false, env: env(dir) }));
      const line = await session.waitForLine((l) => l.startsWith('django-static-login-check:'));
      expect(parseSetupOutput(line ?? '')).toEqual({ unrouted: true });
      expect((await session.end()).exitCode).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('ends the wait with undefined when the command exits without the line', async () => {
    const session = new ComposeSession(execa(PYTHON, ['-c', 'print("Traceback: no such table: auth_user")'], { all: true, stdin: 'pipe', reject: false }));
    expect(await session.waitForLine((l) => l.startsWith('django-static-login-check:'))).toBeUndefined();
    expect((await session.end()).output).toContain('no such table');
  });
});
