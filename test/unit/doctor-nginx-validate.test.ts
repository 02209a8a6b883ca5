/**
 * What nginx refuses beyond syntax, against the real `nginx -t`: each invalid configuration is
 * rejected by nginx with the message doctor gives, at the same file:line; every valid one
 * (the generated files, Debian's own tree, the reader's corpus) gives no finding.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import { loadNginxPath } from '../../lib/nginx/load.js';
import { parseNginx } from '../../lib/nginx/parse.js';
import { requiredArgs, topContext, validateNginx } from '../../lib/nginx/validate.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';

/** nginx -t on a main file around `http` text; its first error line, with the file relative. */
function nginxSays(http: string, main = privateMain(http)): { ok: boolean; error?: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-validate-'));
  fs.mkdirSync(path.join(dir, 'logs'));
  fs.writeFileSync(path.join(dir, 'nginx.conf'), main);
  const run = spawnSync(NGINX, ['-t', '-q', ...privateArgs(dir)], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  const error = /\[emerg\] (.*)/.exec(run.stderr)?.[1]?.replaceAll(`${dir}/`, '');
  return { ok: run.status === 0, error };
}

const SERVER = (body: string) => `server {\n  listen 127.0.0.1:19371;\n${body}\n}`;

/** Each: http-level text, or a whole main file; what doctor and nginx say. */
const INVALID: Record<string, { http?: string; main?: string; message: string }> = {
  'unknown directive': { http: SERVER('  location / {\n    proxy_pas http://127.0.0.1:8000;\n  }'), message: 'unknown directive "proxy_pas"' },
  'alias with no argument': { http: SERVER('  location /static/ {\n    alias;\n  }'), message: 'invalid number of arguments in "alias" directive' },
  'alias in a server (wrong context)': { http: SERVER('  alias /srv/static/;'), message: '"alias" directive is not allowed here' },
  'location in http (wrong context)': { http: 'location / { return 404; }', message: '"location" directive is not allowed here' },
  'add_header in a server if (wrong context)': { http: SERVER('  if ($request_method = POST) {\n    add_header X-A b;\n  }'), message: '"add_header" directive is not allowed here' },
  'proxy_set_header with one argument': { http: SERVER('  location / {\n    proxy_set_header Host;\n  }'), message: 'invalid number of arguments in "proxy_set_header" directive' },
  'server without a block': { http: 'server;', message: 'directive "server" has no opening "{"' },
  'alias with a block': { http: SERVER('  location /static/ {\n    alias /srv/static/ { }\n  }'), message: 'directive "alias" is not terminated by ";"' },
  'duplicate http': { main: `events {}\nhttp {\n  access_log off;\n}\nhttp {\n  access_log off;\n}\n`, message: '"http" directive is duplicate' },
  'alias and root in one location': {
    http: SERVER('  location /static/ {\n    alias /srv/static/;\n    root /srv;\n  }'),
    message: '"root" directive is duplicate, "alias" directive was specified earlier',
  },
};

describe('what nginx rejects beyond syntax', () => {
  for (const [name, { http = '', main, message }] of Object.entries(INVALID)) {
    it(`${name}: nginx -t says "${message}" at the line doctor names`, () => {
      const text = main ?? privateMain(http);
      const nginx = nginxSays(http, text);
      expect(nginx.ok).toBe(false);
      const problems = validateNginx(parseNginx(text, 'nginx.conf'));
      expect(problems.map((p) => p.message)).toEqual([message]);
      expect(nginx.error).toBe(`${message} in nginx.conf:${problems[0]!.line}`);
    });
  }

  it('a valid configuration with every construct of the invalid ones gives no problem, and nginx agrees', () => {
    const http = SERVER(
      '  location / {\n    proxy_pass http://127.0.0.1:8000;\n    proxy_set_header Host $http_host;\n    if ($request_method = POST) { add_header X-A b; }\n  }\n  location /static/ {\n    alias /srv/static/;\n    limit_except GET { deny all; }\n  }\n  if ($host = a) { return 404; }',
    );
    expect(nginxSays(http).ok).toBe(true);
    expect(validateNginx(parseNginx(privateMain(http)))).toEqual([]);
  });

  it("gives no problem on this machine's Debian tree and on every generated nginx/default.conf", () => {
    expect(validateNginx(loadNginxPath('/etc/nginx/nginx.conf').directives)).toEqual([]);
    const golden = path.join(import.meta.dirname, '../golden/__snapshots__');
    const generated = fs
      .readdirSync(golden)
      .map((shape) => path.join(golden, shape, 'nginx/default.conf'))
      .filter((file) => fs.existsSync(file));
    expect(generated.length).toBeGreaterThan(5);
    for (const file of generated) expect(validateNginx(parseNginx(fs.readFileSync(file, 'utf8'), file)), file).toEqual([]);
  });

  it('judges no directive of a third-party module, nor any when the configuration loads modules', () => {
    expect(validateNginx(parseNginx(SERVER('  more_set_headers "Server: x";\n  content_by_lua_block { ngx.say(1) }')))).toEqual([]);
    expect(validateNginx(parseNginx(`load_module modules/x.so;\nevents {}\nhttp {\n  made_up on;\n}\n`))).toEqual([]);
  });

  it('takes the top level of a site file as http, of a server snippet as server', () => {
    expect(topContext(parseNginx('server { listen 80; }'))).toBe('http');
    expect(topContext(parseNginx('location / { return 404; }'))).toBe('server');
    expect(topContext(parseNginx('events {}\nhttp {}'))).toBe('main');
  });

  it("reads a syntax line's required arguments", () => {
    expect(requiredArgs('<p><em><code>path</code></em></p>')).toBe(1);
    expect(requiredArgs('<p><em><code>name</code></em> <em><code>value</code></em> [<code>always</code>]</p>')).toBe(2);
    expect(requiredArgs('<p><code>on</code> | <code>off</code></p>')).toBe(1);
    expect(requiredArgs('<p><em><code>code</code></em> &hellip; [<code>=</code>[<em><code>response</code></em>]] <em><code>uri</code></em></p>')).toBe(2);
    expect(requiredArgs('<p><code>{...}</code></p>')).toBe(0);
  });

  it('is reported as an nginx-rejects finding (high) with file:line', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-validate-'));
    fs.writeFileSync(path.join(dir, 'site.conf'), 'server {\n    listen 80;\n    server_tokens off;\n    location /static/ {\n        alias;\n    }\n}\n');
    const report = JSON.parse((await runDoctor({ root: dir, nginx: 'site.conf', format: 'json' })).output);
    expect(report.findings.map((f: { rule: string; severity: string; file: string; line: number; message: string }) => [f.rule, f.severity, `${f.file}:${f.line}`, f.message])).toContainEqual([
      'nginx-rejects',
      'high',
      'site.conf:5',
      'invalid number of arguments in "alias" directive',
    ]);
  });
});
