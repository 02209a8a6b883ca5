import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { formBody, loginUserScript, parseSetupOutput, sameSitePath, userDeleted } from '../../lib/health/admin-login.js';
import { inputElements, inputValue } from '../../lib/health/html-form.js';
import { CookieJar, send, type ProbeResponse } from '../../lib/probe/http-probe.js';

// What Django 4.2's admin login page holds, attributes as its templates write them.
const LOGIN_PAGE = `<form action="/admin/login/?next=/admin/" method="post" id="login-form"><input type="hidden" name="csrfmiddlewaretoken" value="Zq3xEUSRl7IxR6aFsGgqm1fWnZ9Yc0kDm4x2tLQ8VbJp5hN0oCqWwErTyUiOpAs1">
  <div class="form-row"><label class="required" for="id_username">Username:</label> <input type="text" name="username" autofocus autocapitalize="none" autocomplete="username" maxlength="150" required id="id_username"></div>
  <input type="hidden" name="next" value="/admin/">
  <INPUT TYPE=submit VALUE='Log in' name=go>`;

const withCookies = (...setCookie: string[]): ProbeResponse => ({ status: 200, headers: new Map([['set-cookie', setCookie]]), body: '' });

describe('html-form reads inputs as a browser tokenizes them', () => {
  it('finds the CSRF token, the next field and valueless attributes', () => {
    expect(inputValue(LOGIN_PAGE, 'csrfmiddlewaretoken')).toBe('Zq3xEUSRl7IxR6aFsGgqm1fWnZ9Yc0kDm4x2tLQ8VbJp5hN0oCqWwErTyUiOpAs1');
    expect(inputValue(LOGIN_PAGE, 'next')).toBe('/admin/');
    const username = inputElements(LOGIN_PAGE).find((a) => a.get('name') === 'username')!;
    expect(username.get('autofocus')).toBe('');
    expect(username.get('maxlength')).toBe('150');
  });

  it('reads upper-case tags, unquoted and single-quoted values, and decodes entities', () => {
    expect(inputValue(LOGIN_PAGE, 'go')).toBe('Log in');
    expect(inputElements(LOGIN_PAGE).at(-1)!.get('type')).toBe('submit');
    expect(inputValue('<input name=q value="a&amp;b &quot;c&quot; &#x27;d&#x27;">', 'q')).toBe(`a&b "c" 'd'`);
  });

  it('ignores elements that only start like input, and a field that is absent', () => {
    expect(inputElements('<inputs name="x" value="1"><input-field name="y">')).toEqual([]);
    expect(inputValue(LOGIN_PAGE, 'password')).toBeUndefined();
  });
});

describe('CookieJar keeps what a browser on plain http keeps', () => {
  it('stores cookies and sends them back in one Cookie header', () => {
    const jar = new CookieJar();
    expect(jar.header()).toEqual({});
    jar.store(withCookies('csrftoken=abc123; expires=Wed, 01 Dec 2100 10:00:00 GMT; Max-Age=31449600; Path=/; SameSite=Lax', 'sessionid=s1; HttpOnly; Path=/'));
    expect(jar.get('csrftoken')).toBe('abc123');
    expect(jar.header()).toEqual({ Cookie: 'csrftoken=abc123; sessionid=s1' });
  });

  it('deletes a cookie set to expire (how Django logs out)', () => {
    const jar = new CookieJar();
    jar.store(withCookies('sessionid=s1; Path=/'));
    jar.store(withCookies('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/'));
    expect(jar.get('sessionid')).toBeUndefined();
    jar.store(withCookies('other=1; expires=Thu, 01 Jan 1970 00:00:00 GMT'));
    expect(jar.get('other')).toBeUndefined();
  });

  it('refuses Secure cookies, and remembers which', () => {
    const jar = new CookieJar();
    jar.store(withCookies('csrftoken=abc; Path=/; Secure', 'sessionid=s; secure; HttpOnly'));
    expect(jar.get('csrftoken')).toBeUndefined();
    expect([...jar.refusedSecure]).toEqual(['csrftoken', 'sessionid']);
  });
});

describe('the login round trip helpers', () => {
  it('parses the setup answer among other output', () => {
    const facts = { login: '/admin/login/', index: '/admin/', logout: '/admin/logout/', trustedOrigins: [], csrfCookie: 'csrftoken', sessionCookie: 'sessionid', csrfUseSessions: false };
    const output = `some warning\ndjango-static-login-check:${JSON.stringify(facts)}\n`;
    expect(parseSetupOutput(output)).toEqual(facts);
    expect(parseSetupOutput('django-static-login-check:{"unrouted": true}')).toEqual({ unrouted: true });
    expect(parseSetupOutput('Traceback...\nOperationalError: no such table: auth_user')).toBeUndefined();
  });

  it('keeps the password out of the scripts (it goes through stdin) and names the user safely', () => {
    const name = 'healthcheck-0123@example.invalid';
    expect(loginUserScript(name)).toContain('user.set_password(sys.stdin.readline()');
    expect(loginUserScript(name)).toContain(`filter(**{User.USERNAME_FIELD: "${name}"}).delete()`);
    expect(loginUserScript('a"b')).toContain('"a\\"b"'); // a JSON string literal is a valid Python one
    expect(userDeleted('warning\ndjango-static-login-check-deleted\n')).toBe(true);
    expect(userDeleted('Traceback...\nOperationalError: database is locked')).toBe(false);
  });

  it('encodes the form as a browser does', () => {
    expect(formBody({ username: 'a@b.c', password: 'p+q/r=', next: '/admin/' })).toBe('username=a%40b.c&password=p%2Bq%2Fr%3D&next=%2Fadmin%2F');
  });

  it('follows redirects on the same site only', () => {
    expect(sameSitePath('/admin/', 'http://localhost:8080')).toBe('/admin/');
    expect(sameSitePath('http://localhost:8080/admin/?x=1', 'http://localhost:8080')).toBe('/admin/?x=1');
    expect(sameSitePath('https://localhost:8080/admin/', 'http://localhost:8080')).toBeUndefined();
    expect(sameSitePath('http://localhost/admin/', 'http://localhost:8080')).toBeUndefined();
    expect(sameSitePath(undefined, 'http://localhost:8080')).toBeUndefined();
  });
});

describe('send', () => {
  it('POSTs a body with its length and headers to 127.0.0.1, and returns redirects unfollowed', async () => {
    let received: { method?: string; headers: http.IncomingHttpHeaders; body: string } | undefined;
    const server = http.createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received = { method: request.method, headers: request.headers, body };
        response.writeHead(302, { Location: '/admin/', 'Set-Cookie': ['sessionid=s1; Path=/', 'csrftoken=t2; Path=/'] }).end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const body = formBody({ csrfmiddlewaretoken: 't1', username: 'u' });
      const response = await send(port, {
        method: 'POST',
        path: '/admin/login/?next=/admin/',
        headers: { Host: 'localhost:8080', Origin: 'http://localhost:8080', 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      });
      expect(received).toMatchObject({ method: 'POST', body, headers: { host: 'localhost:8080', origin: 'http://localhost:8080', 'content-length': String(body.length) } });
      expect(response.status).toBe(302);
      expect(response.headers.get('set-cookie')).toHaveLength(2);
    } finally {
      server.close();
    }
  });
});
