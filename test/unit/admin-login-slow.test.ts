/**
 * The login round trip waits as long as the stack would: a POST that hashes the password slowly
 * (a loaded host) but answers within nginx's proxy_read_timeout is a pass, not "no answer within
 * 10 s". The admin is a real HTTP server on 127.0.0.1 that answers the login POST after 11 s; the
 * `manage.py shell` side is a real local python3 process speaking the script's protocol.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { adminLoginRoundTrip } from '../../lib/health/admin-login.js';
import { ComposeSession } from '../../lib/health/compose-cli.js';
import type { StackRuntime } from '../../lib/health/runtime.js';

const SLOW_LOGIN_MS = 11_000;
const FACTS = { login: '/admin/login/', index: '/admin/', logout: '/admin/logout/', trustedOrigins: [], csrfCookie: 'csrftoken', sessionCookie: 'sessionid', csrfUseSessions: false };
// What loginUserScript's shell prints and does, without Django: the facts, a wait for stdin, then the deletion.
const SHELL = `import json, sys\nsys.stdin.readline()\nprint("django-static-login-check:" + ${JSON.stringify(JSON.stringify(FACTS))}, flush=True)\nsys.stdin.readline()\nprint("django-static-login-check-deleted", flush=True)`;

function slowAdmin(): http.Server {
  const form = '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t1"></form>';
  return http.createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      const loggedIn = (request.headers.cookie ?? '').includes('sessionid=s1');
      if (request.method === 'POST' && request.url?.startsWith('/admin/login/')) {
        setTimeout(() => response.writeHead(302, { Location: '/admin/', 'Set-Cookie': 'sessionid=s1; Path=/' }).end(), SLOW_LOGIN_MS);
      } else if (request.method === 'POST' && request.url === '/admin/logout/') {
        response.writeHead(200, { 'Set-Cookie': 'sessionid=; Max-Age=0; Path=/' }).end('logged out');
      } else if (request.url === '/admin/' && loggedIn) {
        response.writeHead(200).end(form);
      } else if (request.url === '/admin/') {
        response.writeHead(302, { Location: '/admin/login/?next=/admin/' }).end();
      } else {
        response.writeHead(200, { 'Set-Cookie': 'csrftoken=c1; Path=/' }).end(form);
      }
    });
  });
}

const localShell = { startExec: () => Promise.resolve(new ComposeSession(execa('python3', ['-c', SHELL], { all: true, reject: false, stdin: 'pipe' }))) } as unknown as StackRuntime;

describe('admin login round trip on a slow host', () => {
  it(`passes when the login POST takes ${SLOW_LOGIN_MS / 1000} s, within the stack's own timeout`, async () => {
    const server = slowAdmin();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const verdict = await adminLoginRoundTrip(localShell, port, `localhost:${port}`, 35_000);
      expect(verdict.detail).toBe('GET /admin/login/ 200 → POST 302 → GET /admin/ 200 → logout 200 → GET /admin/ 302');
      expect(verdict.ok).toBe(true);
    } finally {
      server.close();
    }
  });
});
