/**
 * The seed, for real: host nginx on loopback serves `location /static { autoindex on; alias
 * <dir>/staticfiles/; }` with a secret beside the folder. doctor finds it statically and
 * `--url` proves `/static../secret.txt` leaks; after doctor's own fixes are applied, both the
 * static rules and the live probe report clean.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runDoctor } from '../../lib/doctor/command.js';
import { applyEdits } from '../../lib/doctor/finding.js';
import { diagnose, gatherFacts } from '../../lib/doctor/run.js';
import { NGINX, privateArgs, privateMain } from '../fixtures/host-nginx.js';
import { handMadeProject, handMadeSettings } from '../fixtures/shapes.js';

const PORT = 19301; // this range: 19300-19399
const URL = `http://127.0.0.1:${PORT}`;

let nginx: ChildProcess | undefined;

async function startNginx(conf: string): Promise<void> {
  const prefix = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-nginx-'));
  fs.mkdirSync(path.join(prefix, 'logs'));
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), privateMain(`include ${conf};`));
  nginx = spawn(NGINX, privateArgs(prefix, 'daemon off;'), { stdio: 'ignore' });
  // A bound, not a wait: polled every 50 ms, generous for a loaded machine (the unit tier runs beside the e2e suites).
  const deadline = Date.now() + 60_000;
  while (!(await answers())) {
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${PORT}: ${fs.readFileSync(path.join(prefix, 'logs/error.log'), 'utf8')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const answers = () =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(PORT, '127.0.0.1', () => resolve(socket.end() && true));
    socket.on('error', () => resolve(false));
  });

async function stopNginx(): Promise<void> {
  if (!nginx || nginx.exitCode !== null) return;
  const exited = new Promise((resolve) => nginx!.once('exit', resolve));
  nginx.kill('SIGTERM');
  await exited;
  nginx = undefined;
}

afterEach(stopNginx);

describe('doctor on a real nginx serving the seed config', () => {
  it('finds the traversal statically and live, and reports clean after its own fixes', async () => {
    const root = handMadeProject(handMadeSettings('static'), {
      'secret.txt': 'top secret\n',
      'staticfiles/app.css': 'body {}\n',
      'static/app.css': 'body {}\n', // what collectstatic wrote into STATIC_ROOT
    });
    fs.chmodSync(root, 0o755); // nginx's workers run as another user
    const site = path.join(root, 'site.conf');
    fs.writeFileSync(site, `server {\n    listen 127.0.0.1:${PORT};\n    server_name localhost;\n\n    location /static {\n        autoindex on;\n        alias ${root}/staticfiles/;\n    }\n}\n`);

    await startNginx(site);
    const before = await runDoctor({ root, nginx: 'site.conf', url: URL, format: 'json' });
    const report = JSON.parse(before.output) as { findings: { rule: string; file: string; line: number; url?: string; diff?: string; message: string }[]; probe: { sent: number } };
    const at = (rule: string) => report.findings.find((f) => f.rule === rule);
    expect(at('alias-traversal')).toMatchObject({ file: 'site.conf', line: 5 });
    expect(at('autoindex-on')).toMatchObject({ file: 'site.conf', line: 6 });
    expect(at('static-folder')).toMatchObject({ file: 'site.conf', line: 7 });
    for (const rule of ['alias-traversal', 'autoindex-on', 'static-folder']) expect(at(rule)!.diff).toContain('+++ b/site.conf');
    const leaks = report.findings.filter((f) => f.rule.startsWith('live-'));
    expect(leaks.map((f) => f.url)).toContain(`${URL}/static../secret.txt`);
    expect(leaks.map((f) => `${f.file}:${f.line}`)).toContain('site.conf:5'); // the location that serves it
    expect(leaks.map((f) => f.rule)).toEqual(expect.arrayContaining(['live-traversal', 'live-listing']));
    expect(report.probe.sent).toBeLessThanOrEqual(24);
    expect(before.exitCode).toBe(1);

    // Apply doctor's fixes one at a time, as a user would, re-reading after each.
    for (let round = 0; round < 10; round++) {
      const next = diagnose(gatherFacts({ root, nginx: 'site.conf' })).find((f) => f.fix);
      if (!next) break;
      const file = path.resolve(root, next.fix!.file);
      fs.writeFileSync(file, applyEdits(fs.readFileSync(file, 'utf8'), next.fix!.edits));
    }
    await stopNginx();
    await startNginx(site);
    const after = await runDoctor({ root, nginx: 'site.conf', url: URL, failOn: 'low' });
    expect(after.output, `${after.output}\n${fs.readFileSync(site, 'utf8')}`).toMatch(/^doctor: no findings in site\.conf/);
    expect(after.output).toMatch(/live probe of http:\/\/127\.0\.0\.1:19301: \d+ requests, 0 leaks\n/);
    expect(after.exitCode).toBe(0);
    // The fixed config still serves the static files, from STATIC_ROOT.
    const css = await fetch(`${URL}/static/app.css`);
    expect(css.status).toBe(200);
  });
});
