/**
 * A real `nginx -t` of a generated nginx/default.conf, run as any user. Things in the generated
 * file that only make sense inside the nginx container, and nginx -t opens: the access log (the
 * image links it to stdout), ports 80/443 (only root may bind them) and the host of an `upstream`
 * block, if any (the generated files name the app in a variable, resolved per request instead). The copy under test differs from the
 * generated file only there, each port becoming a free loopback port, plus `replace` (a test's
 * own substitutions, such as certificate paths), and `http2 on;` where the local nginx predates
 * it (1.25.1; the image's nginx is newer). Everything else nginx opens (pid, error log, the
 * default access log, temp dirs) is pointed into a temporary prefix, so the test needs no root
 * and leaves the system alone. The http block also sets what Debian's nginx.conf sets there.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findAll, parseNginx } from '../../lib/validate/nginx-conf.js';

/** A TCP port nothing listens on now, chosen by the kernel. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** nginx accepts `http2 on;` from 1.25.1 on. */
export function localNginxHasHttp2Directive(): boolean {
  const version = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr);
  const [major, minor, patch] = version!.slice(1).map(Number) as [number, number, number];
  return major > 1 || minor > 25 || (minor === 25 && patch >= 1);
}

export async function nginxTest(conf: string, upstream: string, replace: [string, string][] = []): Promise<{ status: number | null; stderr: string }> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'nginx-t-'));
  const directives = parseNginx(conf);
  const upstreamServers = findAll(directives, 'upstream').flatMap((block) => findAll(block.block ?? [], 'server'));
  const logFiles = findAll(directives, 'access_log').filter((log) => log.args[0]!.startsWith('/'));
  const lines = conf.split('\n');
  const substitute = (line: number, from: string, to: string) => (lines[line - 1] = lines[line - 1]!.replace(from, to));
  for (const server of upstreamServers) substitute(server.line, server.args[0]!, upstream);
  for (const log of logFiles) substitute(log.line, log.args[0]!, `${prefix}/access.log`);
  const ports = new Map<string, number>();
  for (const listen of findAll(directives, 'listen')) {
    const port = listen.args[0]!;
    if (!ports.has(port)) ports.set(port, await freePort());
    substitute(listen.line, `listen ${port}`, `listen 127.0.0.1:${ports.get(port)}`);
  }
  if (!localNginxHasHttp2Directive()) for (const http2 of findAll(directives, 'http2')) substitute(http2.line, 'http2 on;', '');
  let text = lines.join('\n');
  for (const [from, to] of replace) text = text.replaceAll(from, to);
  fs.writeFileSync(path.join(prefix, 'default.conf'), text);
  // What Debian's nginx.conf (the stand-in images') sets for every server: ours must override, not repeat, it.
  const debianHttp = '  ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;\n  ssl_prefer_server_ciphers on;\n';
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${prefix}/${kind};`).join('\n');
  fs.writeFileSync(
    path.join(prefix, 'nginx.conf'),
    `pid ${prefix}/nginx.pid;\nerror_log ${prefix}/error.log;\nevents {}\nhttp {\n  include /etc/nginx/mime.types;\n  access_log ${prefix}/access.log;\n${debianHttp}${temp}\n  include ${prefix}/default.conf;\n}\n`,
  );
  const result = spawnSync('nginx', ['-t', '-p', prefix, '-e', `${prefix}/error.log`, '-c', `${prefix}/nginx.conf`], { encoding: 'utf8' });
  fs.rmSync(prefix, { recursive: true, force: true });
  return { status: result.status, stderr: result.stderr };
}
