/**
 * doctor's nginx reader against nginx itself: every configuration of the corpus is given to
 * the reader and to the real `nginx -t`; both accept the valid ones and both reject the broken
 * ones. Then what the reader keeps (names, arguments, files, lines) is checked on its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { globMatch, loadNginxDump, loadNginxPath, NginxInputError } from '../../lib/nginx/load.js';
import { findAll, NginxSyntaxError, parseNginx } from '../../lib/nginx/parse.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';

const golden = fs.readFileSync(path.join(import.meta.dirname, '../golden/__snapshots__/startproject/nginx/default.conf'), 'utf8');

const main = privateMain;

const VALID: Record<string, Record<string, string>> = {
  // The generator's own output. nginx -t resolves upstream names, binds and opens the log, so for
  // an ordinary user: `app` becomes 127.0.0.1, port 80 one of ours, the log goes into the prefix.
  generated: {
    'nginx.conf': main('include conf.d/*.conf;'),
    'conf.d/default.conf': golden.replace('server app:8000', 'server 127.0.0.1:8000').replaceAll('listen 80', 'listen 127.0.0.1:19397').replace('/var/log/nginx/access.log', 'logs/access.log'),
  },
  quoting: {
    'nginx.conf': main(`
  include /etc/nginx/mime.types;
  map $http_upgrade $connection_upgrade { default upgrade; '' close; "~^x{2}" "a b"; }
  geo $internal { default 0; 127.0.0.1 1; }
  server {
    listen 127.0.0.1:19399; # a comment after a directive
    server_name "quoted name" 'single';
    add_header X-Semi "a;b{c}" always;
    add_header X-Escaped "say \\"hi\\"";
    add_header X-Hash a#b;
    set $x a; set $y "\${x}b";
    location ~* "\\.(css|js)$" { return 200 "multi
line"; }
    location / {
      if ($request_uri ~ "^/a{2}") { return 404; }
      if ($http_x = '') { return 403; }
      types { text/plain txt; }
      return 200 ok\\;still;
    }
  }`),
  },
};

// Debian's own files (absolute includes, globs): what a real server's http block pulls in.
VALID['debian includes'] = { 'nginx.conf': main('include /etc/nginx/mime.types;\ninclude /etc/nginx/fastcgi.conf;\ninclude /etc/nginx/conf.d/*.conf;\nserver { listen 127.0.0.1:19398; }') };

const BROKEN: Record<string, string> = {
  unclosed: main('server { listen 127.0.0.1:19399;'),
  'extra brace': `${main('server { listen 127.0.0.1:19399; }')}}\n`,
  'missing semicolon at end': `${main('')}worker_processes 1\n`,
  'lone semicolon': main('server { ; }'),
  'word after quote': main('server { server_name "a"b; }'),
  'unterminated quote': main('server { server_name "a; }'),
  'brace after arguments': main('server { server_name a }'),
};

function nginxAccepts(files: Record<string, string>): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nginx-t-'));
  fs.mkdirSync(path.join(dir, 'logs'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  const run = spawnSync(NGINX, ['-t', '-q', ...privateArgs(dir)], { encoding: 'utf8' });
  fs.rmSync(dir, { recursive: true, force: true });
  return run.status === 0;
}

function readerAccepts(files: Record<string, string>): boolean {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-reader-'));
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  try {
    loadNginxPath(path.join(dir, 'nginx.conf'));
    return true;
  } catch (error) {
    if (error instanceof NginxSyntaxError || error instanceof NginxInputError) return false;
    throw error;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('the nginx reader agrees with nginx -t', () => {
  it('is the real nginx', () => {
    expect(execFileSync(NGINX, ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }) + '').toBeDefined();
  });
  for (const [name, files] of Object.entries(VALID)) {
    it(`accepts ${name}, as nginx does`, () => {
      expect(nginxAccepts(files)).toBe(true);
      expect(readerAccepts(files)).toBe(true);
    });
  }
  for (const [name, text] of Object.entries(BROKEN)) {
    it(`rejects ${name}, as nginx does`, () => {
      expect(nginxAccepts({ 'nginx.conf': text })).toBe(false);
      expect(readerAccepts({ 'nginx.conf': text })).toBe(false);
    });
  }
});

describe('what the reader keeps', () => {
  it('quotes, escapes, comments and variables as nginx reads them', () => {
    const [http] = parseNginx(VALID.quoting!['nginx.conf']!, 'q.conf').filter((d) => d.name === 'http');
    const headers = findAll(http!.block!, 'add_header').map((d) => d.args);
    expect(headers).toEqual([
      ['X-Semi', 'a;b{c}', 'always'],
      ['X-Escaped', 'say "hi"'],
      ['X-Hash', 'a#b'],
    ]);
    expect(findAll(http!.block!, 'set')[1]!.args).toEqual(['$y', '${x}b']);
    expect(findAll(http!.block!, 'return').map((d) => d.args.at(-1))).toEqual(['multi\nline', '404', '403', 'ok\\;still']);
    const ifs = findAll(http!.block!, 'if');
    expect(ifs[0]!.args).toEqual(['($request_uri', '~', '^/a{2}', ')']);
    expect(ifs[1]!.args).toEqual(['($http_x', '=', '', ')']);
    const listen = findAll(http!.block!, 'listen')[0]!;
    expect([listen.file, listen.line]).toEqual(['q.conf', 8]);
    const location = findAll(http!.block!, 'location')[1]!;
    expect([location.line, location.endLine]).toEqual([16, 21]);
  });

  it('skips *_by_lua_block bodies, braces in Lua strings and comments included', () => {
    const text = `location / {\n  content_by_lua_block {\n    local t = { a = "}" } -- }\n    --[[ } ]] ngx.say([[}]])\n  }\n  return 200;\n}\n`;
    const [location] = parseNginx(text, 'lua.conf');
    expect(location!.block!.map((d) => [d.name, d.line])).toEqual([
      ['content_by_lua_block', 2],
      ['return', 6],
    ]);
    expect(location!.block![0]!.endLine).toBe(5);
  });

  it('names the file and line of a syntax error', () => {
    expect(() => parseNginx('server {\n  listen 80;\n  server_name "a"b;\n}\n', 'site.conf')).toThrow('site.conf:3: unexpected "b"');
    expect(() => parseNginx('server {\n  listen 80;\n', 'site.conf')).toThrow('site.conf:3: unexpected end of file, expecting "}"');
  });

  it("reads Debian's mime.types through an include", () => {
    const [http] = parseNginx(VALID['debian includes']!['nginx.conf']!).filter((d) => d.name === 'http');
    expect(http!.block!.map((d) => d.name).slice(-4)).toEqual(['include', 'include', 'include', 'server']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-debian-'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), VALID['debian includes']!['nginx.conf']!);
    const config = loadNginxPath(path.join(dir, 'nginx.conf'));
    expect(findAll(config.directives, 'types')[0]!.block!.length).toBeGreaterThan(50);
    expect(findAll(config.directives, 'fastcgi_param').length).toBeGreaterThan(10);
  });

  it('follows includes with globs relative to the prefix, keeping each file and line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-include-'));
    fs.mkdirSync(path.join(dir, 'sites-enabled'));
    fs.writeFileSync(path.join(dir, 'nginx.conf'), 'events {}\nhttp {\n  include sites-enabled/*;\n}\n');
    fs.writeFileSync(path.join(dir, 'sites-enabled/b.conf'), 'server {\n  listen 81;\n}\n');
    fs.writeFileSync(path.join(dir, 'sites-enabled/a.conf'), '\nserver { listen 80; }\n');
    const config = loadNginxPath(dir);
    const listens = findAll(config.directives, 'listen').map((d) => `${path.basename(d.file)}:${d.line} ${d.args[0]}`);
    expect(listens).toEqual(['a.conf:2 80', 'b.conf:2 81']);
    expect(config.texts.size).toBe(3);
  });

  it("reads a site file on its own: a missing include is a note, Debian's proxy_params is found in /etc/nginx", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-site-'));
    fs.writeFileSync(path.join(dir, 'site'), 'server {\n  location / {\n    include proxy_params;\n    include snippets/missing.conf;\n    proxy_pass http://unix:/run/gunicorn.sock;\n  }\n}\n');
    const config = loadNginxPath(path.join(dir, 'site'));
    expect(config.notes).toEqual([`${dir}/site:4: include snippets/missing.conf is not here (looked in ${dir} and /etc/nginx); its directives were not read`]);
    expect(findAll(config.directives, 'proxy_pass').length).toBe(1);
  });

  it('reads the output of nginx -T, its sections standing in for the disk', () => {
    const dump = [
      'nginx: the configuration file /etc/nginx/nginx.conf syntax is ok',
      '# configuration file /etc/nginx/nginx.conf:',
      'http {',
      '  include /etc/nginx/conf.d/*.conf;',
      '}',
      '',
      '# configuration file /etc/nginx/conf.d/site.conf:',
      'server {',
      '  location /static { alias /srv/static/; }',
      '}',
    ].join('\n');
    const config = loadNginxDump(dump);
    const alias = findAll(config.directives, 'alias')[0]!;
    expect([alias.file, alias.line, alias.args]).toEqual(['/etc/nginx/conf.d/site.conf', 2, ['/srv/static/']]);
    expect(() => loadNginxDump('server {}')).toThrow(/nginx -T/);
  });

  it('matches globs as glob(3) does', () => {
    expect(globMatch('*.conf', 'a.conf')).toBe(true);
    expect(globMatch('*.conf', 'a.conf.bak')).toBe(false);
    expect(globMatch('site-[a-c]?', 'site-b1')).toBe(true);
    expect(globMatch('site-[!a-c]', 'site-b')).toBe(false);
  });
});
