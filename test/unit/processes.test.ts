import { describe, expect, it } from 'vitest';
import { buildStackConfig } from '../../lib/config/stack-config.js';
import { profileOf } from '../../lib/config/privileges.js';
import { detectProject } from '../../lib/detect/project.js';
import { processCauses } from '../../lib/health/diagnose-processes.js';
import { roundTripScript } from '../../lib/health/task-round-trip.js';
import { buildCompose } from '../../lib/targets/compose/render.js';
import { buildSwarmStack } from '../../lib/targets/swarm/render.js';
import * as fixtures from '../fixtures/projects.js';
import { celeryRedis, procfileProject, rqProject } from '../fixtures/processes.js';
import { defaultAnswers, renderAll } from './helpers.js';

function configOf(files: fixtures.Files, options: Record<string, unknown> = {}) {
  const root = fixtures.writeProject(files);
  return buildStackConfig(defaultAnswers(root, options), detectProject(root));
}

describe('processes as services', () => {
  it('Celery: a worker per queue, one beat and Redis, each from the answers, least privilege like the app', () => {
    const config = configOf(celeryRedis(), { celeryQueues: ['celery', 'mail'] });
    const compose = buildCompose(config);
    expect(Object.keys(compose.services)).toEqual(['collectstatic', 'migrate', 'app', 'worker-celery', 'worker-mail', 'beat', 'nginx', 'redis', 'backup']);
    const worker = compose.services['worker-mail']!;
    expect(worker['image']).toBe(compose.services['app']!['image']);
    expect(worker['build']).toBeUndefined(); // the app's image, built once
    expect(worker['environment']).toEqual(compose.services['app']!['environment']);
    expect(worker['command']).toEqual(['python', '-m', 'celery', '-A', 'mysite.celery:app', 'worker', '--loglevel=INFO', '-Q', 'mail', '-n', 'mail@%h', '--without-mingle', '--without-gossip']);
    expect((worker['healthcheck'] as { test: string[] }).test).toEqual(['CMD-SHELL', 'python -m celery -A mysite.celery:app inspect ping --timeout 10 -d mail@$$HOSTNAME']);
    expect(worker['stop_grace_period']).toBe('60s');
    expect(worker).toMatchObject({ read_only: true, cap_drop: ['ALL'], mem_limit: '512m', pids_limit: 128 });
    expect(compose.services['beat']!['command']).toEqual(['python', '-m', 'celery', '-A', 'mysite.celery:app', 'beat', '--loglevel=INFO', '--schedule', '/tmp/celerybeat-schedule']);
    expect(profileOf('beat', config).tmpfs.map((grant) => grant.value)).toEqual(['/tmp']);
    const redis = compose.services['redis']!;
    expect(redis).toMatchObject({ image: 'redis:7-alpine', user: 'redis', read_only: true, cap_drop: ['ALL'] });
    expect(redis['ports']).toBeUndefined();
    expect(redis['volumes']).toBeUndefined(); // no persistence asked for
    expect((redis['healthcheck'] as { test: string[] }).test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(compose.services['app']!['depends_on']).toMatchObject({ redis: { condition: 'service_healthy' } });
  });

  it("Celery's pool is bounded by the worker's memory: a child per 256 MiB, unless the project or .env sets it", () => {
    const overlay = (options: Record<string, unknown>) => renderAll(celeryRedis(), options).output.get('mysite/settings_docker.py')!;
    expect(overlay({})).toContain('CELERY_WORKER_CONCURRENCY = int(os.environ.get("CELERY_WORKER_CONCURRENCY") or globals().get("CELERY_WORKER_CONCURRENCY") or 2)');
    expect(overlay({ workerMemory: '1g' })).toMatch(/CELERY_WORKER_CONCURRENCY = int\(.* or 4\)/);
    expect(overlay({ workerMemory: '200m' })).toMatch(/CELERY_WORKER_CONCURRENCY = int\(.* or 1\)/);
    expect(renderAll(rqProject()).output.get('mysite/settings_docker.py')).not.toContain('WORKER_CONCURRENCY');
  });

  it('turns eager tasks off when the stack runs workers (a project runs them in the web process without a broker), under its prefix', () => {
    const files = celeryRedis();
    files['mysite/settings.py'] += 'if not os.environ.get("CELERY_BROKER_URL"):\n    CELERY_TASK_ALWAYS_EAGER = True\n';
    const overlay = renderAll(files).output.get('mysite/settings_docker.py')!;
    expect(overlay).toMatch(/^CELERY_TASK_ALWAYS_EAGER = False$/m);
    expect(overlay.indexOf('CELERY_TASK_ALWAYS_EAGER = False')).toBeGreaterThan(overlay.indexOf('import *'));
    files['mysite/celery.py'] = files['mysite/celery.py']!.replace('namespace="CELERY"', 'namespace="TASKS"');
    expect(renderAll(files).output.get('mysite/settings_docker.py')).toMatch(/^TASKS_TASK_ALWAYS_EAGER = False$/m);
    expect(renderAll(files, { celeryApp: 'none' }).output.get('mysite/settings_docker.py')).not.toContain('ALWAYS_EAGER');
  });

  it('--celery-app none runs no Celery service and no Redis', () => {
    const compose = buildCompose(configOf(celeryRedis(), { celeryApp: 'none' }));
    expect(Object.keys(compose.services)).toEqual(['collectstatic', 'migrate', 'app', 'nginx', 'backup']);
  });

  it("celery without a found app: no Celery service by default; --celery-app runs it, with the named module's prefix", () => {
    const files = celeryRedis();
    files['mysite/celery.py'] = '# empty\n';
    files['mysite/__init__.py'] = '';
    expect(Object.keys(buildCompose(configOf(files)).services)).toEqual(['collectstatic', 'migrate', 'app', 'nginx', 'backup']);
    // A module the search does not look in (deeper than two folders, another file name).
    files['apps/background/work/runner.py'] = 'from celery import Celery\n\nrunner = Celery("w")\nrunner.config_from_object("django.conf:settings", namespace="WORK")\n';
    const named = renderAll(files, { celeryApp: 'apps.background.work.runner:runner' });
    expect(named.config.processes?.workers.map((worker) => [worker.service, worker.source])).toEqual([['worker-celery', '--celery-app']]);
    expect(buildCompose(named.config).services['worker-celery']!['command']).toContain('apps.background.work.runner:runner');
    const overlay = named.output.get('mysite/settings_docker.py')!;
    expect(overlay).toContain('WORK_BROKER_URL = os.environ.get("WORK_BROKER_URL")');
    // A module that is not a file of the project (installed, or built at run time): Celery's default prefix.
    expect(renderAll(files, { celeryApp: 'elsewhere.tasks:app' }).output.get('mysite/settings_docker.py')).toContain('CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL")');
  });

  it('django-celery-beat: beat reads its schedule from the database', () => {
    const files = celeryRedis();
    files['mysite/settings.py'] += 'INSTALLED_APPS += ["django_celery_beat"]\n';
    expect(buildCompose(configOf(files)).services['beat']!['command']).toContain('django_celery_beat.schedulers:DatabaseScheduler');
  });

  it('RQ: an rqworker per queue with a heartbeat check; Redis persistence is a named volume', () => {
    const compose = buildCompose(configOf(rqProject(), { redisPersistence: true }));
    expect(compose.services['rq-low']!['command']).toEqual(['python', 'manage.py', 'rqworker', 'low']);
    expect(JSON.stringify(compose.services['rq-default']!['healthcheck'])).toContain('Worker.all');
    expect(compose.services['redis']!['volumes']).toEqual(['redis:/data']);
    expect(Object.keys(compose.volumes)).toContain('redis');
  });

  it('--broker external: no Redis service, the settings keep their own URLs', () => {
    const config = configOf(celeryRedis(), { broker: 'external' });
    expect(buildCompose(config).services['redis']).toBeUndefined();
    expect(config.processes?.redisUrls).toBeUndefined();
  });

  it(".env.example shows the broker variable the diagnosis names: empty means the stack's Redis, and with --broker external it is required", () => {
    const envExample = (files: fixtures.Files, options: Record<string, unknown> = {}) => {
      const { config, output } = renderAll(files, options);
      return { variables: config.processes!.brokerVariables, text: output.get('.env.example')! };
    };
    const celery = envExample(celeryRedis());
    expect(celery.variables.celery).toBe('CELERY_BROKER_URL');
    expect(celery.text).toContain("# Celery's broker URL; empty: the stack's Redis (redis://redis:6379/0).\n# CELERY_BROKER_URL=\n");
    expect(celery.text).toContain('# CELERY_RESULT_BACKEND=\n');
    const rq = envExample(rqProject());
    expect(rq.variables.rq).toBe('RQ_REDIS_URL');
    expect(rq.text).toContain("# RQ's Redis URL, for every queue; empty: the stack's Redis (redis://redis:6379/2).\n# RQ_REDIS_URL=\n");
    // External: the settings' own variable, where they read it, and their default that a container cannot reach.
    const external = envExample(celeryRedis(), { broker: 'external' });
    expect(external.variables.celery).toBe('CELERY_BROKER_URL');
    expect(external.text).toMatch(/# Celery's broker URL \(--broker external, read at mysite\/settings\.py:\d+\)\. Required: .*redis:\/\/localhost:6379\/0\.\n# CELERY_BROKER_URL=\n/);
    expect(external.text).not.toContain('CELERY_RESULT_BACKEND');
    const rqExternal = envExample(rqProject(), { broker: 'external' });
    expect(rqExternal.variables.rq).toBe('REDIS_URL');
    expect(rqExternal.text).toMatch(/# RQ's Redis URL \(--broker external, read at mysite\/settings\.py:\d+\)\. Required: .*\n# REDIS_URL=\n/);
    // Swarm passes only the variables it lists from .env: the broker's is one of them.
    const stack = buildSwarmStack(configOf(celeryRedis(), { target: 'swarm', database: 'external' }));
    expect(Object.keys((stack.services['worker-celery']!['environment'] ?? {}) as Record<string, unknown>)).toContain('CELERY_BROKER_URL');
  });

  it('Procfile: a service per process beside web, and release as a one-shot after migrate that the app waits for, `$` kept literal', () => {
    const files = procfileProject();
    files['Procfile'] += 'report: echo $HOME\n';
    const compose = buildCompose(configOf(files));
    expect(compose.services['clock']!['command']).toEqual(['sh', '-c', 'python manage.py shell -c "import time; time.sleep(10**9)"']);
    expect(compose.services['report']!['command']).toEqual(['sh', '-c', 'echo $$HOME']);
    expect(compose.services['release']).toMatchObject({ restart: 'no', depends_on: { migrate: { condition: 'service_completed_successfully' } } });
    expect(compose.services['app']!['depends_on']).toMatchObject({ release: { condition: 'service_completed_successfully' } });
    expect(compose.services['web']).toBeUndefined();
  });

  it('a Procfile process that is not in the Procfile is refused, naming the ones that are', () => {
    expect(() => configOf(procfileProject(), { procfileProcesses: ['clock', 'sched'] })).toThrow(/procfile-processes: sched: not a process of the Procfile beside web and release \(it has clock\)/);
  });

  it('Swarm: workers replicated like the app, beat one task stopped before its replacement, Redis one task on dnsrr', () => {
    const config = configOf(celeryRedis(), { target: 'swarm', database: 'external', replicas: 3 });
    const stack = buildSwarmStack(config);
    expect(stack.services['worker-celery']!['deploy']).toMatchObject({ replicas: 3, update_config: { order: 'start-first' } });
    expect(stack.services['beat']!['deploy']).toMatchObject({ replicas: 1, update_config: { order: 'stop-first' } });
    expect(stack.services['redis']!['deploy']).toMatchObject({ replicas: 1, endpoint_mode: 'dnsrr' });
  });

  it('the round trip sends a built-in Celery task through the result backend, and os.getpid through RQ', () => {
    expect(roundTripScript(configOf(celeryRedis()))).toContain('send_task("celery.accumulate"');
    expect(roundTripScript(configOf(rqProject()))).toContain('enqueue("os.getpid")');
  });

  it('a worker that cannot reach its broker is named, with the broker and its state', () => {
    const config = configOf(celeryRedis());
    const [cause] = processCauses(config, [{ service: 'worker-celery', status: 'running', health: 'unhealthy', output: 'Error: No nodes replied within time constraint' }]);
    expect(cause).toMatch(/^worker-celery cannot reach its broker \(it is running, unhealthy\)\. Its broker is the stack's Redis \(service redis, running\)/);
    expect(processCauses(config, [{ service: 'beat', status: 'exited', output: 'ImportError: no module named x' }])[0]).toMatch(/^beat is exited; it last said:\n\s+ImportError/);
  });

  // What the e2e's worker and beat said (test/e2e/workers-faults.test.ts): the worker's healthcheck
  // output is a traceback cut at 4 KiB, its log names the URL; beat's healthcheck names the address.
  const WORKER_LOG = `worker-celery-1  | [2026-12-02 21:47:10,002: ERROR/MainProcess] consumer: Cannot connect to redis://localhost:6379/0: Error 99 connecting to localhost:6379. Cannot assign requested address..
worker-celery-1  | Trying again in 4.00 seconds... (2/100)`;
  const noBroker = [
    { service: 'worker-celery', status: 'running', health: 'unhealthy', output: '  File "/usr/lib/python3/dist-packages/click/core.py", line 1055, in main\n    ...', logs: WORKER_LOG },
    {
      service: 'beat',
      status: 'running',
      health: 'unhealthy',
      output: 'beat cannot reach its broker: Error 99 connecting to localhost:6379. Cannot assign requested address.',
      logs: 'beat: Starting...',
    },
  ];

  it('--broker external at localhost: one cause for the worker and beat, with the URL, the .env variable the settings read, and what to put there', () => {
    const causes = processCauses(configOf(celeryRedis(), { broker: 'external' }), noBroker);
    expect(causes).toHaveLength(1);
    expect(causes[0]).toMatch(
      /^worker-celery and beat cannot reach their broker at redis:\/\/localhost:6379\/0 \(worker-celery is running, unhealthy; beat is running, unhealthy\)\. localhost inside a container is that container itself/,
    );
    expect(causes[0]).toContain("Set CELERY_BROKER_URL in .env to the broker's address as the containers reach it");
    expect(causes[0]).toMatch(/Redis in the stack\. worker-celery said:\n {4}\S.*consumer: Cannot connect to redis:\/\/localhost:6379\/0: Error 99/);
    expect(causes[0]).not.toContain('click/core.py');
  });

  it("another unreachable host with --broker external, a password masked; with the stack's Redis, a URL in .env that replaces it", () => {
    const elsewhere = [
      {
        service: 'worker-celery',
        status: 'restarting',
        output: 'consumer: Cannot connect to redis://:s3cret@broker.internal:6380/0: Error -2 connecting to broker.internal:6380. Name or service not known.',
      },
    ];
    const [external] = processCauses(configOf(celeryRedis(), { broker: 'external' }), elsewhere);
    expect(external).toMatch(
      /^worker-celery cannot reach its broker at redis:\/\/…@broker\.internal:6380\/0 \(it is restarting\)\. Nothing answered there from the stack's network \(--broker external\)\. Set CELERY_BROKER_URL in \.env/,
    );
    expect(external).not.toContain('s3cret');
    const [replaced] = processCauses(configOf(celeryRedis()), noBroker);
    expect(replaced).toMatch(/That is not the stack's Redis \(service redis, running\): CELERY_BROKER_URL in \.env replaces the stack's URL, redis:\/\/redis:6379\/…; remove it from \.env/);
    const [rq] = processCauses(configOf(rqProject(), { broker: 'external' }), [
      { service: 'rq-low', status: 'restarting', output: 'redis.exceptions.ConnectionError: Error 111 connecting to 127.0.0.1:6379. Connection refused.' },
    ]);
    expect(rq).toMatch(/^rq-low cannot reach its broker at 127\.0\.0\.1:6379 \(it is restarting\)\. 127\.0\.0\.1 inside a container is that container itself[^\n]*Set REDIS_URL in \.env/);
  });

  it('a release that failed is named with its Procfile line, and what it stopped', () => {
    const [cause] = processCauses(configOf(procfileProject()), [{ service: 'release', status: 'exited', exitCode: 3, output: 'release-1  | deploy key missing' }]);
    expect(cause).toMatch(/^The Procfile's release command \(Procfile:2\) failed: release exited with 3, so the app and the workers, which start after it, were not started\./);
    expect(cause).toMatch(/Its last lines:\n {4}deploy key missing$/);
  });

  it('says nothing of services that were never started (a failed build already names why)', () => {
    const config = configOf(celeryRedis());
    const never = [
      { service: 'worker-celery', status: 'no container', output: '' },
      { service: 'redis', status: 'no container', output: '' },
    ];
    expect(processCauses(config, never)).toEqual([]);
    expect(processCauses(config, [{ service: 'beat', status: 'exited', output: '' }])).toEqual(['beat is exited and has said nothing']);
  });
});
