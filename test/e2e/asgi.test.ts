/**
 * ASGI end to end: a Channels project with an echo consumer, generated, built, started and
 * checked on a real Docker engine with both Compose versions; the check opens a websocket
 * through nginx and gets its message back. Then the fault the generator used to write: the
 * ASGI application under gunicorn's sync worker (the Dockerfile edited by hand), named by cause.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UVICORN_WORKER_CLASS } from '../../lib/config/names.js';
import { channelsEcho } from '../fixtures/asgi.js';
import { cli, onPython311, stacksFrom } from './stack.js';

const project = stacksFrom(19_610);

for (const compose of ['v2', 'v1'] as const) {
  describe(`Compose ${compose}`, () => {
    it('Channels under gunicorn with uvicorn workers: the websocket echoes through nginx', () => {
      const { dir, base } = project(channelsEcho(), `e2e-asgi-${compose}`);
      const run = cli(dir, [...base, '--down'], { DJANGO_STATIC_COMPOSE: compose });
      expect(run.output).toContain(compose === 'v2' ? 'with Compose v2' : 'with docker-compose 1.');
      expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toContain(`"-k", "${UVICORN_WORKER_CLASS}", "mysite.asgi:application"`);
      expect(run.output).toMatch(/PASS {2}websocket echo through nginx +\/ws\/echo\/: opened through nginx \(101\), and "health-check-[0-9a-f]+" came back/);
      expect(run.output).toMatch(/PASS {2}app through nginx/);
      expect(run.output).not.toMatch(/^\s+FAIL /m);
      expect(run.status, run.output).toBe(0);
    });
  });
}

describe('Channels under daphne', () => {
  it('the websocket echoes through nginx', () => {
    const daphne = onPython311(channelsEcho('daphne')); // why: onPython311's comment
    const { dir, base } = project(daphne.files, 'e2e-asgi-daphne');
    const run = cli(dir, [...base, '--down', ...daphne.args]);
    expect(run.output).toMatch(/PASS {2}websocket echo through nginx +\/ws\/echo\/: opened through nginx \(101\), and "health-check-[0-9a-f]+" came back/);
    expect(run.status, run.output).toBe(0);
  });
});

describe('fault: an ASGI application under a sync worker', () => {
  it('written by hand into the Dockerfile: the check fails and names the cause; doctor points at the line, and its fix makes the check pass', () => {
    const { dir, base } = project(channelsEcho(), 'e2e-asgi-sync');
    expect(cli(dir, [...base, '--skip-health-check']).status).toBe(0);
    const dockerfile = path.join(dir, 'Dockerfile');
    const edited = fs.readFileSync(dockerfile, 'utf8').replace(`"-k", "${UVICORN_WORKER_CLASS}", `, '');
    expect(edited).toContain('CMD ["gunicorn", "--config", "gunicorn.conf.py", "mysite.asgi:application"]');
    fs.writeFileSync(dockerfile, edited);
    const run = cli(dir, ['check', '--down']);
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/An ASGI application is served by a WSGI server: gunicorn's sync worker calls mysite\.asgi:application as WSGI/);
    expect(run.output).toMatch(/__call__\(\) missing 1 required positional argument: 'send'/);

    // doctor reads the same folder without Docker: the CMD line, and a fix that puts the ASGI worker back.
    const cmdLine = edited.split('\n').findIndex((line) => line.startsWith('CMD ')) + 1;
    const doctor = cli(dir, ['doctor', '--format', 'json']);
    expect(doctor.status, doctor.output).toBe(1);
    const findings = (JSON.parse(doctor.output.slice(doctor.output.indexOf('{'))) as { findings: { rule: string; file: string; line: number }[] }).findings;
    expect(findings.filter((finding) => finding.rule === 'asgi-under-wsgi')).toMatchObject([{ file: 'Dockerfile', line: cmdLine }]);
    expect(cli(dir, ['doctor', '--fix']).status).not.toBe(2);
    expect(fs.readFileSync(dockerfile, 'utf8')).toContain(`"mysite.asgi:application", "-k", "${UVICORN_WORKER_CLASS}"`);
    const fixed = cli(dir, ['check', '--down']);
    expect(fixed.output).toMatch(/PASS {2}websocket echo through nginx/);
    expect(fixed.status, fixed.output).toBe(0);
  });
});
