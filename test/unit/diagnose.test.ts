import { describe, expect, it } from 'vitest';
import { CHECK_NAMES, type CheckId, type CheckResult } from '../../lib/health/checks.js';
import { diagnose, type Evidence } from '../../lib/health/diagnose.js';
import type { ProbeResponse } from '../../lib/health/http-probe.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const { config } = renderAll(fixtures.startproject());
const response = (status: number): ProbeResponse => ({ status, headers: new Map([['server', ['nginx']]]), body: '' });
const failed = (id: CheckId, status: number): CheckResult => ({ id, name: CHECK_NAMES[id], ok: false, detail: String(status), response: response(status) });
const evidence = (parts: Partial<Evidence>): Evidence => ({ upOutput: '', appLogs: '', nginxLogs: '', checks: [], fileProblems: [], ...parts });

describe('diagnose names the cause', () => {
  it.each<[string, Partial<Evidence>, RegExp]>([
    ['port in use', { upOutput: 'Error response from daemon: driver failed programming external connectivity: Bind for 127.0.0.1:8080 failed: port is already allocated' }, /Port 8080 on 127\.0\.0\.1 is already in use/],
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
    ['STATIC_ROOT is not the volume', { collectstatic: { exitCode: 0, logs: "130 static files copied to '/app/staticfiles'." } }, /STATIC_ROOT is not the volume: collectstatic wrote to \/app\/staticfiles/],
    ['wrong WSGI path', { appLogs: "app-1  | Failed to find attribute 'applicaton' in 'mysite.wsgi'.", checks: [] }, /cannot load the WSGI application mysite\.wsgi:application: Failed to find attribute 'applicaton'/],
    ['ALLOWED_HOSTS', { appLogs: "Invalid HTTP_HOST header: 'localhost:8080'. You may need to add 'localhost' to ALLOWED_HOSTS." }, /ALLOWED_HOSTS does not include localhost/],
    ['ALLOWED_HOSTS, seen by the healthcheck', { appHealth: 'HTTP 400 from Django for Host localhost' }, /ALLOWED_HOSTS does not include localhost/],
    ['an unhealthy app for another reason', { appHealth: 'urllib.error.URLError: <urlopen error [Errno 111] Connection refused>' }, /unhealthy; its healthcheck last said:[\s\S]*Connection refused/],
    ['502', { checks: [failed('app-through-nginx', 502)] }, /nginx answered 502: gunicorn is not answering/],
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
