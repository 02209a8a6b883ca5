/**
 * Docker Swarm end to end, as a user meets it (issue 12): the installed package through real
 * yo, as the non-root user, on a fresh startproject with SQLite settings (plus a page naming its
 * version, a stylesheet, and psycopg in requirements.txt). `yo django-static --target swarm
 * --yes` picks PostgreSQL and says so; the printed `./swarm.sh up` builds, pushes to a local
 * registry and deploys on a real single-node swarm with .env exactly as generated;
 * `yo django-static:check` passes. Then: an optional variable added to .env reaches gunicorn;
 * secrets are files; scaled to 4 replicas the load spreads over all of them; a rolling update to
 * a new image (new CSS and JS) under load fails no page and no asset a page references (the
 * earlier release's files are bridged into the new static image) and serves the new CSS after;
 * `./swarm.sh rollback` serves v1's page and CSS again, and is refused across a migration v1 does
 * not know; a killed replica is replaced while requests are still served; an app that exits at
 * start is diagnosed by name with its log line. The swarm (when this run made it), registry, stack, secrets, volumes and images
 * are all removed afterwards, on failure too.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { elementsNamed } from '../../lib/health/html-form.js';
import { header, probe, type ProbeResponse } from '../../lib/probe/http-probe.js';
import { waitForConvergence } from '../../lib/health/swarm-converge.js';
import { NOTES_APP, withNotesApp } from '../fixtures/projects.js';
import { SERVED_BY, swarmProject } from '../fixtures/swarm.js';
import { until } from '../fixtures/poll.js';
import { dockerOut, swarmStackForFile } from '../fixtures/swarm-engine.js';
import { exists, read, runAsUserAsync, userProject } from './user.js';

const { base, prefix } = inject('installed');
/**
 * SWARM_BRIDGING=off, for this test only: the project is generated with --keep-releases 0, so
 * a static image holds its own release's files only. The rolling update's asset requests then
 * fail, which shows the test can.
 */
const BRIDGING = process.env['SWARM_BRIDGING'] !== 'off';

const STACK = 'djsswarm';
const PORT = 19_601;
const REGISTRY_PORT = 19_650;
const HOST = { Host: `localhost:${PORT}` };
const APP = `${STACK}_app`;

let dir: string;

/** A command as the user, in the project, without blocking this process. */
const asUser = (command: string[]) => runAsUserAsync(command, { cwd: dir, prefix });
const swarmSh = (command: string) => asUser(['./swarm.sh', command]);

const converged = async (timeoutMs = 240_000) => {
  const result = await waitForConvergence(STACK, timeoutMs, () => {});
  expect(result.ok, JSON.stringify(result.verdicts)).toBe(true);
};

/** What a browser fetches after the page: every stylesheet and script it references. */
const assetsOf = (html: string): string[] =>
  [...elementsNamed(html, 'link').map((link) => link.get('href')), ...elementsNamed(html, 'script').map((script) => script.get('src'))].filter((url): url is string => Boolean(url));

/**
 * New-connection GETs of the home page from `workers` loops until stopped, each followed, as a
 * browser does, by its CSS and JS: every failure (error or non-200, page or asset) counted.
 */
function loadLoop(workers = 3) {
  const tally = { pages: 0, assets: 0, failed: [] as string[], bodies: new Map<string, number>() };
  let running = true;
  const fetch = async (url: string): Promise<ProbeResponse | undefined> => {
    try {
      const response = await probe(PORT, url, HOST, 10_000);
      if (response.status === 200) return response;
      tally.failed.push(`${url}: ${response.status}`);
    } catch (error) {
      tally.failed.push(`${url}: ${(error as Error).message}`);
    }
    return undefined;
  };
  const worker = async () => {
    while (running) {
      const page = await fetch('/');
      if (!page) continue;
      tally.pages++;
      const version = /home (v\d+)/.exec(page.body)?.[1] ?? 'other';
      tally.bodies.set(version, (tally.bodies.get(version) ?? 0) + 1);
      const assets = await Promise.all(assetsOf(page.body).map(fetch));
      tally.assets += assets.filter(Boolean).length;
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return { tally, stop: async () => ((running = false), await done, tally) };
}

/** The failures, counted by URL and answer (one line each), for the log. */
function failureCounts(failed: string[]): string {
  const counts = new Map<string, number>();
  for (const failure of failed) counts.set(failure, (counts.get(failure) ?? 0) + 1);
  return [...counts].map(([failure, count]) => `${count} × ${failure}`).join('; ');
}

/** The distinct [error] lines the front nginx logged (the upstream each names, so a failure says which side failed). */
function frontErrors(): string {
  const logs = spawnSync('docker', ['service', 'logs', '--raw', '--since', '10m', `${STACK}_nginx`], { encoding: 'utf8', timeout: 60_000 });
  const errors = `${logs.stdout}${logs.stderr}`.split('\n').filter((line) => line.includes('[error]'));
  const distinct = [...new Set(errors.map((line) => line.replace(/^\S+ \S+ \[error\] \d+#\d+: \*\d+ /, '')))];
  return `${errors.length} lines, ${distinct.length} distinct; the first 8:\n${distinct.slice(0, 8).join('\n')}`;
}

/** Which replicas answered `count` home-page requests (the X-Served-By hostname each gave). */
async function servedBy(count: number): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const response = await probe(PORT, '/', HOST);
    expect(response.status).toBe(200);
    const name = header(response, SERVED_BY) ?? 'none';
    seen.set(name, (seen.get(name) ?? 0) + 1);
  }
  return seen;
}

/** nginx's resolver keeps an answer this long (`resolver ... valid=2s` in the front's configuration). */
const RESOLVER_VALID_MS = 2_000;
const hostnames = () =>
  runningApps()
    .map((id) => dockerOut('inspect', '--format', '{{.Config.Hostname}}', id))
    .sort();

/** Scaled, converged, and nginx answering from exactly the running replicas (its resolver keeps an answer 2 s: polled, bounded). */
const scale = async (replicas: number) => {
  dockerOut('service', 'scale', '--detach', `${APP}=${replicas}`);
  await converged();
  // A replica being stopped still runs (gunicorn's graceful stop) and may still answer, and nginx
  // keeps a DNS answer for RESOLVER_VALID_MS: exactly `replicas` running hosts, for longer than that.
  const deadline = Date.now() + 60_000;
  let seen = new Map<string, number>();
  let want: string[] = [];
  let steadySince: number | undefined;
  while (Date.now() < deadline) {
    const round = Date.now();
    seen = await servedBy(replicas * 10);
    want = hostnames();
    const good = seen.size === replicas && [...seen.keys()].every((host) => want.includes(host));
    steadySince = good ? (steadySince ?? round) : undefined;
    if (steadySince !== undefined && Date.now() - steadySince > RESOLVER_VALID_MS) return;
  }
  expect([...seen.keys()].sort(), 'nginx answers from as many running replicas as asked').toEqual(want);
};

const runningApps = () => dockerOut('ps', '-q', '--filter', `label=com.docker.swarm.service.name=${APP}`).split('\n').filter(Boolean);

const onSwarm = swarmStackForFile(STACK, PORT, REGISTRY_PORT);
beforeAll(() => {
  dir = userProject(base, 'swarm', swarmProject('v1'));
});

describe('--target swarm on a single-node swarm', () => {
  it('yo django-static --target swarm --yes writes stack.yaml and swarm.sh; ./swarm.sh up builds, pushes and deploys; yo django-static:check passes', async () => {
    const generated = await asUser(['yo', 'django-static', ...onSwarm, ...(BRIDGING ? [] : ['--keep-releases', '0'])]);
    expect(generated.status, generated.output).toBe(0);
    // SQLite settings: the run says it chose PostgreSQL, and prints the commands it did not run.
    expect(generated.output).toMatch(/--target swarm: your settings use SQLite.*runs PostgreSQL/);
    expect(generated.output).toContain('./swarm.sh up does build, push and deploy');
    for (const file of ['stack.yaml', 'swarm.sh', 'docker/release.Dockerfile', 'compose.yaml']) expect(exists(dir, file), file).toBe(true);
    expect(read(dir, '.yo-rc.json')).toMatch(/"database": "postgres"/);

    // .env exactly as generated: no optional variable is set, so each takes its default.
    const up = await swarmSh('up');
    expect(up.status, up.output).toBe(0);
    const tag = (await swarmSh('tag')).output.trim();
    expect(tag).toMatch(/^[0-9a-f]{12}$/); // outside git: a content hash, never `latest`
    expect(dockerOut('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', APP)).toContain(`127.0.0.1:${REGISTRY_PORT}/${STACK}/app:${tag}`);

    const check = await asUser(['yo', 'django-static:check', '--timeout', '300']);
    expect(check.output).toMatch(/Stack converged after/);
    expect(check.output).not.toMatch(/^\s+FAIL /m);
    expect(check.output).toMatch(/PASS {2}static file from nginx/);
    expect(check.output).toMatch(/SKIP {2}dotfiles hidden\s+the static files are baked into an image here/);
    expect(check.output).toMatch(/PASS {2}least privilege\s+.*no-new-privileges not set \(docker stack deploy ignores security_opt\)/);
    expect(check.output).toMatch(/PASS {2}admin login through nginx/);
    expect(check.status, check.output).toBe(0);
  });

  it('passes an optional variable once .env sets it (gunicorn runs WEB_CONCURRENCY workers), and never an unset one as an empty string', async () => {
    const [before] = runningApps();
    const unset = JSON.parse(dockerOut('inspect', '--format', '{{json .Config.Env}}', before!)) as string[];
    expect(unset.filter((entry) => /^(WEB_CONCURRENCY|DJANGO_DEBUG|GUNICORN_LOG_LEVEL|FORWARDED_ALLOW_IPS)=/.test(entry))).toEqual([]);
    // Set the way a user does: quoted, in .env; then deployed again.
    fs.appendFileSync(path.join(dir, '.env'), 'WEB_CONCURRENCY="3"\n');
    const deploy = await swarmSh('deploy');
    expect(deploy.status, deploy.output).toBe(0);
    await converged(300_000);
    const [task] = runningApps();
    const env = JSON.parse(dockerOut('inspect', '--format', '{{json .Config.Env}}', task!)) as string[];
    expect(env).toContain('WEB_CONCURRENCY=3');
    expect(env.some((entry) => entry.startsWith('DJANGO_DEBUG='))).toBe(false);
    // gunicorn's master is the task's PID 1 (the start script execs it); its workers are its children.
    // It forks them one after another, and the first may already answer the healthcheck: count
    // until two counts a second apart agree (it spawns one each 0.1 s at most), then compare.
    const workers =
      'import os; print("gunicorn" if b"/gunicorn\\0" in open("/proc/1/cmdline", "rb").read() else "not gunicorn", sum(1 for p in os.listdir("/proc") if p.isdigit() and "PPid:\\t1\\n" in open("/proc/%s/status" % p).read()))';
    let previous = '';
    const steady = await until(
      'a steady count of gunicorn workers',
      () => {
        const now = dockerOut('exec', task!, 'python', '-c', workers);
        const same = now === previous;
        previous = now;
        return same ? now : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 1000, last: () => previous },
    );
    expect(steady).toBe('gunicorn 3');
  });

  it('keeps the secrets in files under /run/secrets, not in the environment', async () => {
    await converged();
    const [task] = runningApps();
    const env = JSON.parse(dockerOut('inspect', '--format', '{{json .Config.Env}}', task!)) as string[];
    expect(env.some((entry) => entry.startsWith('DJANGO_SECRET_KEY='))).toBe(false);
    expect(env).toContain('DJANGO_SECRET_KEY_FILE=/run/secrets/django_secret_key');
    expect(dockerOut('exec', task!, 'ls', '/run/secrets')).toContain('django_secret_key');
    expect(dockerOut('secret', 'ls', '--format', '{{.Name}}').split('\n')).toEqual(expect.arrayContaining([`${STACK}_django_secret_key`, `${STACK}_postgres_password`]));
  });

  it('scaled from 1 to 4 replicas, nginx spreads the requests over all of them', async () => {
    await scale(1);
    expect((await servedBy(20)).size).toBe(1);
    await scale(4);
    const spread = await servedBy(80);
    console.log(`80 requests over 4 replicas: ${JSON.stringify([...spread.values()])}`);
    expect([...spread.keys()].sort()).toEqual(
      runningApps()
        .map((id) => dockerOut('inspect', '--format', '{{.Config.Hostname}}', id))
        .sort(),
    );
    expect(spread.size, JSON.stringify([...spread])).toBe(4);
    await scale(2);
  });

  it('rolls out a new image (changed view, CSS and JS) under load: every page and every asset it references answers 200, and the old assets still do after', async () => {
    const before = assetsOf((await probe(PORT, '/', HOST)).body);
    expect(before).toHaveLength(2);
    for (const [file, content] of Object.entries(swarmProject('v2'))) if (/\.(css|js)$/.test(file) || file.endsWith('urls.py')) fs.writeFileSync(path.join(dir, file), content);
    const load = loadLoop();
    const up = await swarmSh('up');
    expect(up.status, up.output).toBe(0);
    await converged(300_000);
    const tally = await load.stop();
    console.log(
      `rolling update${BRIDGING ? '' : ' WITHOUT bridging (--keep-releases 0)'} (./swarm.sh up took ${up.seconds.toFixed(0)} s): ${tally.pages} pages and ${tally.assets} assets answered 200, ${tally.failed.length} requests failed; pages by version ${JSON.stringify([...tally.bodies])}${tally.failed.length ? `; failures: ${failureCounts(tally.failed)}` : ''}`,
    );
    if (tally.failed.length) console.log(`the front nginx's errors meanwhile:\n${frontErrors()}`);
    expect(up.output).toMatch(new RegExp(`bridging the static files of 127\\.0\\.0\\.1:${REGISTRY_PORT}/${STACK}/static:`));
    expect(tally.failed, `${tally.failed.length} of ${tally.pages + tally.assets + tally.failed.length} requests failed`).toEqual([]);
    expect(tally.pages).toBeGreaterThan(100);
    expect(tally.bodies.get('v2')).toBeGreaterThan(0);
    const page = await probe(PORT, '/', HOST);
    expect(page.body).toContain('home v2');
    const after = assetsOf(page.body);
    expect(after.filter((url) => before.includes(url))).toEqual([]);
    const css = await probe(PORT, after[0]!, HOST);
    expect(css.status).toBe(200);
    expect(css.body).toContain('rule-v2');
    // A page a browser still holds from v1 loads too: its files were bridged into v2's image.
    for (const url of before) expect((await probe(PORT, url, HOST)).status, url).toBe(200);
  });

  it('./swarm.sh rollback returns app and static to the release before (its page and CSS), then refuses across a migration that release does not know', async () => {
    const image = (service: string) => dockerOut('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ContainerSpec.Image}}', `${STACK}_${service}`).split('@')[0]!;
    const tagOf = (name: string) => name.slice(name.lastIndexOf(':') + 1);
    const v2 = tagOf(image('app'));
    const previous = tagOf(dockerOut('service', 'inspect', '--format', '{{.PreviousSpec.TaskTemplate.ContainerSpec.Image}}', APP).split('@')[0]!);
    const back = await swarmSh('rollback');
    expect(back.status, back.output).toBe(0);
    expect(back.output).toContain(`rolling back ${STACK} from ${v2} to ${previous}`);
    await converged(300_000);
    // App and static together, on the previous tag.
    expect([tagOf(image('app')), tagOf(image('static'))]).toEqual([previous, previous]);
    const page = await probe(PORT, '/', HOST);
    expect(page.body).toContain('home v1');
    const css = await probe(PORT, /href="([^"]+)"/.exec(page.body)![1]!, HOST);
    expect(css.status).toBe(200);
    expect(css.body).toContain('rule-v1');
    const check = await asUser(['yo', 'django-static:check', '--timeout', '300']);
    expect(check.status, check.output).toBe(0);
    expect(check.output).toContain(`Release running: ${previous} (`);

    // A release that migrates, deployed; going back from it is refused with the migration's name.
    fs.writeFileSync(path.join(dir, 'mysite/settings.py'), withNotesApp(read(dir, 'mysite/settings.py')));
    for (const [file, content] of Object.entries(NOTES_APP)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), content);
    }
    const up = await swarmSh('up');
    expect(up.status, up.output).toBe(0);
    await converged(300_000);
    const migrated = image('app');
    const refused = await swarmSh('rollback');
    expect(refused.status).not.toBe(0);
    expect(refused.output).toContain('refusing to roll back to');
    expect(refused.output).toMatch(/^ {2}notes\.0001_initial$/m);
    expect(image('app')).toBe(migrated);
  });

  it('replaces a killed replica while requests are still served', async () => {
    const [victim] = runningApps();
    const load = loadLoop();
    await until('10 answers under load', () => (load.tally.pages >= 10 || load.tally.failed.length > 0 ? true : undefined), { last: () => JSON.stringify(load.tally) });
    dockerOut('kill', victim!);
    await until('a replacement for the killed replica', () => (!runningApps().includes(victim!.slice(0, 12)) && runningApps().length >= 2 ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 1000,
      last: () => runningApps().join(' '),
    });
    await converged();
    const tally = await load.stop();
    console.log(`killed replica: ${tally.pages} pages and ${tally.assets} assets answered, ${tally.failed.length} failed${tally.failed.length ? `: ${failureCounts(tally.failed)}` : ''}`);
    expect(runningApps()).not.toContain(victim);
    expect(runningApps()).toHaveLength(2);
    expect(tally.failed, `${tally.failed.length} of ${tally.pages + tally.assets + tally.failed.length} failed`).toEqual([]);
    expect(tally.pages).toBeGreaterThan(20);
  });

  it('diagnoses an app whose tasks exit at start by name, with the exit code and its log line, never a parser error', async () => {
    // A value gunicorn cannot read: every app task exits at start. Removing the service first
    // makes the deploy a first one, with no earlier spec to roll back to: Swarm restarts the task forever.
    fs.appendFileSync(path.join(dir, '.env'), 'WEB_CONCURRENCY="many"\n');
    dockerOut('service', 'rm', APP);
    const deploy = await swarmSh('deploy');
    expect(deploy.status, deploy.output).toBe(0);
    const check = await asUser(['yo', 'django-static:check', '--timeout', '300']);
    expect(check.status).not.toBe(0);
    expect(check.output).toMatch(new RegExp(`${APP} did not converge \\(its tasks keep exiting: \\d+ since the deploy, the last with exit code 1\\)`));
    expect(check.output).toContain("invalid literal for int() with base 10: 'many'");
    expect(check.output).not.toMatch(/JSON|Unexpected (non-whitespace|token)/);
    console.log(
      `crash loop diagnosed: ${check.output
        .split('\n')
        .filter((line) => line.includes('keep exiting'))
        .join(' ')}`,
    );
  });
});
