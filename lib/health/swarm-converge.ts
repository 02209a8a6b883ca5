/**
 * Waits for a deployed Swarm stack to converge: every replicated service runs its desired
 * replicas (Swarm reports a task running only once its healthcheck passed) with no update in
 * flight, and every job (migrate) has completed its current iteration. Read from
 * `docker service inspect` and `docker inspect` of the tasks, both JSON.
 */
import { docker } from './swarm-cli.js';

export interface SwarmService {
  ID: string;
  /** When the spec last changed (a deploy or an update): tasks created before it belong to an older spec. */
  UpdatedAt?: string;
  CreatedAt?: string;
  Spec: {
    Name: string;
    Mode: { Replicated?: { Replicas?: number }; ReplicatedJob?: { TotalCompletions?: number }; Global?: object };
    TaskTemplate?: { RestartPolicy?: { MaxAttempts?: number } };
  };
  UpdateStatus?: { State?: string; Message?: string };
  JobStatus?: { JobIteration?: { Index: number } };
}

export interface SwarmTask {
  ServiceID: string;
  CreatedAt?: string;
  DesiredState: string;
  Status: { State: string; Err?: string; ContainerStatus?: { ExitCode?: number } };
  JobIteration?: { Index: number };
}

export interface ServiceVerdict {
  name: string;
  state: 'converged' | 'pending' | 'failed';
  /** "2/2", "complete", "1/2, updating", "failed: <task error>". */
  detail: string;
}

const UPDATE_IN_FLIGHT = new Set(['updating', 'rollback_started', 'paused', 'rollback_paused']);

/**
 * Tasks of the current spec that exited on their own before this many times: a crash loop.
 * Swarm restarts them forever (restart_policy any), and a first deploy has nothing to roll back to.
 */
export const CRASH_LOOP_FAILURES = 3;

/**
 * The tasks that exited on their own since the service's spec last changed, newest first. A task
 * Swarm stopped for failing its healthcheck is not counted: on a slow machine a start can outlast
 * it, and the next task may make it, so those are waited for until the check's timeout.
 */
function crashedSinceUpdate(service: SwarmService, own: SwarmTask[]): SwarmTask[] {
  const since = Date.parse(service.UpdatedAt ?? service.CreatedAt ?? '') || 0;
  const exitedOnItsOwn = (task: SwarmTask) => task.Status.State === 'failed' && !/unhealthy/.test(task.Status.Err ?? '');
  return own.filter((task) => exitedOnItsOwn(task) && (Date.parse(task.CreatedAt ?? '') || 0) >= since).sort((a, b) => (Date.parse(b.CreatedAt ?? '') || 0) - (Date.parse(a.CreatedAt ?? '') || 0));
}

/** One verdict per service (pure: the engine's answers are passed in). */
export function judgeServices(services: SwarmService[], tasks: SwarmTask[]): ServiceVerdict[] {
  return services.map((service) => {
    const name = service.Spec.Name;
    const own = tasks.filter((task) => task.ServiceID === service.ID);
    const lastError = own.find((task) => task.Status.Err)?.Status.Err;
    if (service.Spec.Mode.ReplicatedJob) {
      const iteration = service.JobStatus?.JobIteration?.Index;
      const current = own.filter((task) => task.JobIteration?.Index === iteration);
      const completed = current.filter((task) => task.Status.State === 'complete').length;
      const want = service.Spec.Mode.ReplicatedJob.TotalCompletions ?? 1;
      if (completed >= want) return { name, state: 'converged', detail: 'complete' };
      const failed = current.filter((task) => ['failed', 'rejected'].includes(task.Status.State)).length;
      // max_attempts counts restarts: the first run plus that many (0: no bound).
      const restarts = service.Spec.TaskTemplate?.RestartPolicy?.MaxAttempts ?? 0;
      const attempts = restarts > 0 ? restarts + 1 : Infinity;
      if (failed >= attempts) return { name, state: 'failed', detail: `job failed ${failed} times: ${lastError ?? 'no error given'}` };
      return { name, state: 'pending', detail: failed ? `running (attempt ${failed + 1}, last: ${lastError ?? 'failed'})` : 'running' };
    }
    const desired = own.filter((task) => task.DesiredState === 'running');
    // Global: one task per eligible node, so the tasks Swarm wants running are the measure.
    const want = service.Spec.Mode.Global ? Math.max(desired.length, 1) : (service.Spec.Mode.Replicated?.Replicas ?? 1);
    const running = desired.filter((task) => task.Status.State === 'running').length;
    const update = service.UpdateStatus?.State;
    if (update === 'rollback_completed') return { name, state: 'failed', detail: `the update was rolled back: ${service.UpdateStatus?.Message ?? ''}`.trim() };
    const crashed = crashedSinceUpdate(service, own);
    if (crashed.length >= CRASH_LOOP_FAILURES && running < want) {
      const exitCode = crashed[0]!.Status.ContainerStatus?.ExitCode;
      const exit = exitCode === undefined ? (crashed[0]!.Status.Err ?? 'failed') : `exit code ${exitCode}`;
      return { name, state: 'failed', detail: `its tasks keep exiting: ${crashed.length} since the deploy, the last with ${exit}` };
    }
    const detail = `${running}/${want}${update && UPDATE_IN_FLIGHT.has(update) ? `, ${update}` : ''}`;
    const settled = running === want && desired.length === want && !(update && UPDATE_IN_FLIGHT.has(update));
    return { name, state: settled ? 'converged' : 'pending', detail: settled || !lastError ? detail : `${detail} (last task error: ${lastError})` };
  });
}

export interface Convergence {
  ok: boolean;
  timedOut: boolean;
  verdicts: ServiceVerdict[];
  /** When the stack has no service at all. */
  missing?: string;
}

/**
 * `docker inspect`'s JSON array on stdout. An object that vanished between two calls (a task
 * replaced, a service removed) is left out of it, with an error on stderr and exit status 1.
 */
const parseList = <T>(stdout: string): T[] => (stdout.trim().startsWith('[') ? (JSON.parse(stdout) as T[]) : []);
const lines = (stdout: string) =>
  stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);

/** The stack's services and their tasks, as the engine reports them now. */
export async function readStack(stackName: string): Promise<{ services: SwarmService[]; tasks: SwarmTask[] }> {
  const serviceIds = lines((await docker(['service', 'ls', '-q', '--filter', `label=com.docker.stack.namespace=${stackName}`])).stdout);
  if (serviceIds.length === 0) return { services: [], tasks: [] };
  const services = parseList<SwarmService>((await docker(['service', 'inspect', ...serviceIds])).stdout);
  const taskIds = lines((await docker(['service', 'ps', '-q', '--no-trunc', ...serviceIds])).stdout);
  const tasks = taskIds.length ? parseList<SwarmTask>((await docker(['inspect', '--type', 'task', ...new Set(taskIds)])).stdout) : [];
  return { services, tasks };
}

/** Polls until every service has converged or one has failed, printing a line each time the picture changes. */
export async function waitForConvergence(stackName: string, timeoutMs: number, progress: (line: string) => void): Promise<Convergence> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const { services, tasks } = await readStack(stackName);
    if (services.length === 0) return { ok: false, timedOut: false, verdicts: [], missing: `no stack named ${stackName} is deployed (\`docker stack ls\`): deploy it first with ./swarm.sh deploy` };
    const verdicts = judgeServices(services, tasks);
    const line = verdicts.map((v) => `${v.name.slice(stackName.length + 1)} ${v.detail}`).join(', ');
    if (line !== last) progress(line);
    last = line;
    const failed = verdicts.some((v) => v.state === 'failed');
    if (failed || verdicts.every((v) => v.state === 'converged')) return { ok: !failed, timedOut: false, verdicts };
    if (Date.now() > deadline) return { ok: false, timedOut: true, verdicts };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}
