import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckId, type CheckResult } from '../../lib/health/checks.js';
import { diagnose, type Evidence } from '../../lib/health/diagnose.js';
import type { StackConfig } from '../../lib/config/stack-config.js';
import type { ProbeResponse } from '../../lib/probe/http-probe.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const { config } = renderAll(fixtures.startproject());
const response = (status: number): ProbeResponse => ({ status, headers: new Map([['server', ['nginx']]]), body: '' });
const failed = (id: CheckId, status: number): CheckResult => ({ id, name: CHECK_NAMES[id], ok: false, detail: String(status), response: response(status) });
const evidence = (parts: Partial<Evidence>): Evidence => ({ upOutput: '', appLogs: '', nginxLogs: '', checks: [], fileProblems: [], ...parts });

describe('diagnose names the cause', () => {
  it.each<[string, Partial<Evidence>, RegExp]>([
    [
      'port in use',
      { upOutput: 'Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: port is already allocated' },
      /Port 8080 on 127\.0\.0\.1 is already in use/,
    ],
    [
      'collectstatic failed',
      { collectstatic: { exitCode: 1, logs: "collectstatic-1  | Traceback (most recent call last):\ncollectstatic-1  | ValueError: The file 'css/missing.png' could not be found" } },
      /collectstatic failed \(exit 1\)[\s\S]*ValueError: The file 'css\/missing\.png'/,
    ],
    [
      'permission denied on the volume',
      { collectstatic: { exitCode: 1, logs: "PermissionError: [Errno 13] Permission denied: '/srv/django/static/admin'" } },
      /could not write to the static volume \(permission denied\)[\s\S]*down -v/,
    ],
    [
      'STATIC_ROOT is not the volume',
      { collectstatic: { exitCode: 0, logs: "130 static files copied to '/app/staticfiles'." } },
      /STATIC_ROOT is not the volume: collectstatic wrote to \/app\/staticfiles/,
    ],
    [
      'wrong WSGI path',
      { appLogs: "app-1  | Failed to find attribute 'applicaton' in 'mysite.wsgi'.", checks: [] },
      /cannot load the WSGI application mysite\.wsgi:application: Failed to find attribute 'applicaton'/,
    ],
    ['ALLOWED_HOSTS', { appLogs: "Invalid HTTP_HOST header: 'localhost:8080'. You may need to add 'localhost' to ALLOWED_HOSTS." }, /ALLOWED_HOSTS does not include localhost/],
    ['ALLOWED_HOSTS, seen by the healthcheck', { appHealth: 'HTTP 400 from Django for Host localhost' }, /ALLOWED_HOSTS does not include localhost/],
    ['an unhealthy app for another reason', { appHealth: 'urllib.error.URLError: <urlopen error [Errno 111] Connection refused>' }, /unhealthy; its healthcheck last said:[\s\S]*Connection refused/],
    ['502', { checks: [failed('app-through-nginx', 502)] }, /nginx answered 502: gunicorn is not answering/],
    ['gunicorn OOM-killed (docker State.OOMKilled)', { appOomKilled: true }, /killed by the kernel's OOM killer: the app container reached its memory limit of 608m[\s\S]*--app-memory 1216m/],
    ['gunicorn OOM-killed (its master says so)', { appLogs: 'app-1  | [ERROR] Worker (pid:7) was sent SIGKILL! Perhaps out of memory?' }, /OOM killer/],
    [
      'read_only removed by hand',
      { checks: [{ id: 'least-privilege', name: CHECK_NAMES['least-privilege'], ok: false, detail: 'i15-app-1: root filesystem writable (read_only: true missing)' }] },
      /more privilege than the stack grants: i15-app-1: root filesystem writable[\s\S]*generate again/,
    ],
    [
      'static 404 with the file in the volume',
      { checks: [failed('static-file', 404)], nginxLogs: 'open() "/srv/www/static/static/admin/css/base.css" failed (2: No such file or directory)' },
      /nginx looks in the wrong place \(it tried \/srv\/www\/static\/static\/admin\/css\/base\.css\)[\s\S]*root \/srv\/www;/,
    ],
  ])('%s', (_name, parts, pattern) => {
    expect(diagnose(config, evidence(parts)).join('\n')).toMatch(pattern);
  });

  it('falls back to the logs when nothing matches, instead of saying nothing', () => {
    const causes = diagnose(config, evidence({ checks: [failed('dotfiles-hidden', 200)], appLogs: 'app-1 | something odd' }));
    expect(causes).toEqual([expect.stringMatching(/No known cause matched[\s\S]*something odd/)]);
  });
});

// The generated defaults give SQLite; the other two modes differ only in config.database.
const postgres: StackConfig = { ...config, database: { kind: 'postgres', image: 'postgres:17-alpine', volume: 'db', host: 'db', port: 5432, user: 'app', name: 'app', driver: 'psycopg' } };
const external: StackConfig = { ...config, database: { kind: 'external' } };
const migrateLog = (...lines: string[]) => lines.map((line) => `migrate-1  | ${line}`).join('\n');

describe('diagnose names database causes', () => {
  it('a migration that raises: the exit code and the last lines of migrate', () => {
    const logs = migrateLog('Operations to perform:', '  Applying shop.0002_broken...Traceback (most recent call last):', 'RuntimeError: this migration fails on purpose');
    const causes = diagnose(config, evidence({ migrate: { exitCode: 1, logs } }));
    expect(causes.join('\n')).toMatch(/The migrations failed \(migrate exited with 1\), so the app never started[\s\S]*RuntimeError: this migration fails on purpose/);
    expect(causes.join('\n')).not.toMatch(/migrate-1 {2}\|/); // the service prefix is stripped from quoted lines
  });

  it('a migrate service that succeeded is no cause', () => {
    expect(diagnose(config, evidence({ migrate: { exitCode: 0, logs: migrateLog('No migrations to apply.') } }))).toEqual([]);
  });

  const authFailed = migrateLog('django.db.utils.OperationalError: connection failed: connection to server at "172.18.0.2", port 5432 failed: FATAL:  password authentication failed for user "app"');
  it('a wrong password in postgres mode: the volume keeps its first password, and how to fix it', () => {
    const text = diagnose(postgres, evidence({ migrate: { exitCode: 1, logs: authFailed } })).join('\n');
    expect(text).toMatch(/refused the password for user "app": POSTGRES_PASSWORD in \.env is not the one the db volume was created with/);
    expect(text).toMatch(/ALTER USER app PASSWORD/);
    expect(text).not.toMatch(/cannot be reached/); // "connection to server at ... failed" is not also called unreachable
  });

  it('a wrong password in external mode points at DATABASE_URL', () => {
    expect(diagnose(external, evidence({ migrate: { exitCode: 1, logs: authFailed } })).join('\n')).toMatch(/the password in DATABASE_URL \(\.env\) is wrong/);
  });

  it.each([
    [
      'a host name that does not resolve',
      'django.db.utils.OperationalError: could not translate host name "pg-gone" to address: Name or service not known',
      /server pg-gone cannot be reached from the stack's containers: DATABASE_URL/,
    ],
    [
      'a refused connection (psycopg 3)',
      'psycopg.OperationalError: connection failed: connection to server at "10.0.0.9", port 5432 failed: Connection refused',
      /server 10\.0\.0\.9 cannot be reached from the stack's containers/,
    ],
    [
      'a refused connection (psycopg 2)',
      'could not connect to server: Connection refused\n\tIs the server running on host "db" (172.18.0.2) and accepting',
      /cannot be reached from the stack's containers/,
    ],
  ])('an unreachable database in external mode: %s', (_name, line, pattern) => {
    expect(diagnose(external, evidence({ migrate: { exitCode: 1, logs: migrateLog(line) } })).join('\n')).toMatch(pattern);
  });

  it('DATABASE_URL naming localhost (psycopg 3 reports ::1): localhost is the container itself', () => {
    const logs = migrateLog('django.db.utils.OperationalError: connection is bad: connection to server at "::1", port 5432 failed: Cannot assign requested address');
    expect(diagnose(external, evidence({ migrate: { exitCode: 1, logs } })).join('\n')).toMatch(
      /server ::1 cannot be reached[^\n]*DATABASE_URL in \.env names localhost, which inside a container is the container itself/,
    );
  });

  it('an unreachable database in postgres mode points at the db service', () => {
    const logs = migrateLog('django.db.utils.OperationalError: could not translate host name "db" to address: Temporary failure in name resolution');
    expect(diagnose(postgres, evidence({ migrate: { exitCode: 1, logs } })).join('\n')).toMatch(/server db cannot be reached: the db service is not running or not healthy/);
  });

  it('the app healthcheck\'s own "Connection refused" is not a database cause', () => {
    const causes = diagnose(postgres, evidence({ appHealth: 'urllib.error.URLError: <urlopen error [Errno 111] Connection refused>' }));
    expect(causes.join('\n')).not.toMatch(/database/i);
  });

  it('a 403 from the login form names the Origin sent and the origins Django trusts', () => {
    const login: CheckResult = {
      ...failed('admin-login', 403),
      csrf: { origin: 'http://localhost:18600', trustedOrigins: ['http://example.com'] },
    };
    const text = diagnose(config, evidence({ checks: [login] })).join('\n');
    expect(text).toMatch(/refused with 403 \(CSRF\): the browser's Origin is http:\/\/localhost:18600/);
    expect(text).toMatch(/CSRF_TRUSTED_ORIGINS \(http:\/\/example\.com\)\. Add http:\/\/localhost:18600 to DJANGO_CSRF_TRUSTED_ORIGINS/);
  });

  it('a login that failed otherwise is not called a CSRF failure', () => {
    const text = diagnose(config, evidence({ checks: [failed('admin-login', 200)] })).join('\n');
    expect(text).not.toMatch(/CSRF/);
    expect(text).toMatch(/No known cause matched/);
  });
});
