/**
 * The workers' check: from the app container, as the app would, a task goes through the
 * broker to each worker's queue and its result comes back. Celery: a built-in task
 * (celery.accumulate returns its arguments) through the configured result backend, or, with no
 * result backend, the workers' own replies through the broker (inspect active_queues). RQ: the
 * stdlib's os.getpid, enqueued on each queue, its job polled until finished. A stopped worker
 * or an unreachable broker is named.
 */
import { SERVICES } from '../config/names.js';
import type { StackConfig } from '../config/stack-config.js';
import type { CheckResult } from './check-result.js';
import type { StackRuntime } from './runtime.js';

/** Seconds a task may take to come back: a worker's first task imports the project. */
const ROUND_TRIP_SECONDS = 60;

/** Printed by the script as its last line: what came back from each queue, or why not. */
interface Outcome {
  broker?: string;
  queues: { kind: 'celery' | 'rq'; queue: string; ok: boolean; detail: string }[];
}

export function roundTripScript(config: StackConfig): string {
  const processes = config.processes!;
  const celeryQueues = processes.workers.filter((worker) => worker.kind === 'celery').map((worker) => worker.queue!);
  const rqQueues = processes.workers.filter((worker) => worker.kind === 'rq').map((worker) => worker.queue!);
  const [module, attribute = 'app'] = (processes.celery?.app ?? ':').split(':');
  return [
    'import json, os, sys, time, uuid, django',
    'django.setup()',
    `out = {"queues": []}`,
    'def done(): print(json.dumps(out)); sys.exit(0)',
    `deadline = time.monotonic() + ${ROUND_TRIP_SECONDS}`,
    ...(celeryQueues.length
      ? [
          `from ${module} import ${attribute} as app`,
          'try: app.connection_for_write().ensure_connection(max_retries=2)',
          'except Exception as error: out["broker"] = "Celery cannot reach its broker: %s" % error; done()',
          'from celery.backends.base import DisabledBackend',
          'if isinstance(app.backend, DisabledBackend):',
          '    consumers = {}',
          '    while time.monotonic() < deadline and not all(q in consumers for q in QUEUES):',
          '        for node, queues in (app.control.inspect(timeout=3).active_queues() or {}).items():',
          '            for q in queues: consumers.setdefault(q["name"], node)',
          '    for q in QUEUES: out["queues"].append({"kind": "celery", "queue": q, "ok": q in consumers, "detail": "worker %s answered through the broker" % consumers[q] if q in consumers else "no worker answered for it"})',
          'else:',
          '    for q in QUEUES:',
          '        token = uuid.uuid4().hex',
          '        try:',
          '            result = app.send_task("celery.accumulate", args=(token,), queue=q).get(timeout=max(1, deadline - time.monotonic()))',
          '            ok = token in (result if isinstance(result, (list, tuple)) else [result])',
          '            out["queues"].append({"kind": "celery", "queue": q, "ok": ok, "detail": "a task ran on a worker and its result came back" if ok else "unexpected result %r" % (result,)})',
          '        except Exception as error:',
          '            out["queues"].append({"kind": "celery", "queue": q, "ok": False, "detail": "no result within the time: %s" % (error.__class__.__name__)})',
        ].map((line) => line.replace('QUEUES', JSON.stringify(celeryQueues)))
      : []),
    ...(rqQueues.length
      ? [
          'import django_rq',
          `for q in ${JSON.stringify(rqQueues)}:`,
          '    try: job = django_rq.get_queue(q).enqueue("os.getpid")',
          '    except Exception as error: out["broker"] = "RQ cannot reach Redis: %s" % error; done()',
          '    while job.get_status(refresh=True) not in ("finished", "failed") and time.monotonic() < deadline: time.sleep(0.2)',
          '    status = job.get_status(refresh=True)',
          '    out["queues"].append({"kind": "rq", "queue": q, "ok": status == "finished", "detail": "os.getpid ran in worker process %s" % job.result if status == "finished" else "job %s" % status})',
        ]
      : []),
    'done()',
  ].join('\n');
}

/** The queue's worker service, for naming it when nothing answered. */
const serviceOf = (config: StackConfig, kind: 'celery' | 'rq', queue: string) => config.processes!.workers.find((worker) => worker.kind === kind && worker.queue === queue)?.service;

export async function taskRoundTrip(config: StackConfig, runtime: StackRuntime): Promise<Omit<CheckResult, 'id' | 'name'>> {
  const processes = config.processes;
  if (!processes?.workers.some((worker) => worker.kind !== 'procfile')) return { ok: true, skipped: true, detail: 'no Celery or RQ worker in this stack' };
  const run = await runtime.exec(SERVICES.app, ['python', '-c', roundTripScript(config)], { timeoutMs: (ROUND_TRIP_SECONDS + 30) * 1000 });
  const last = run.output.trim().split('\n').at(-1) ?? '';
  let outcome: Outcome;
  try {
    outcome = JSON.parse(last) as Outcome;
  } catch {
    return { ok: false, detail: `the round trip did not run in ${SERVICES.app}: ${last || `exit ${run.exitCode}`}` };
  }
  if (outcome.broker) {
    const redis = processes.redis ? await runtime.state(processes.redis.service) : undefined;
    const why = processes.redis ? ` (service ${processes.redis.service}: ${redis ? redis.status : 'no container'})` : ' (--broker external: the URL in .env)';
    return { ok: false, detail: `${outcome.broker}${why}` };
  }
  const failed = outcome.queues.filter((queue) => !queue.ok);
  const named = await Promise.all(
    failed.map(async (queue) => {
      const service = serviceOf(config, queue.kind, queue.queue);
      const state = service ? await runtime.state(service) : undefined;
      return `${queue.kind} queue ${queue.queue}: ${queue.detail}; its worker, service ${service ?? '?'}, is ${state ? state.status : 'not running'}`;
    }),
  );
  if (named.length) return { ok: false, detail: named.join('; ') };
  return { ok: true, detail: outcome.queues.map((queue) => `${queue.kind} ${queue.queue}: ${queue.detail}`).join('; ') };
}
