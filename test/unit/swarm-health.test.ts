import { describe, expect, it } from 'vitest';
import { privilegeProblems, type InspectedContainer } from '../../lib/health/least-privilege.js';
import { SwarmStack } from '../../lib/health/swarm-cli.js';
import { CRASH_LOOP_FAILURES, judgeServices, type SwarmService, type SwarmTask } from '../../lib/health/swarm-converge.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const app = (replicas: number, update?: SwarmService['UpdateStatus']): SwarmService => ({ ID: 'a', Spec: { Name: 's_app', Mode: { Replicated: { Replicas: replicas } } }, UpdateStatus: update });
const migrate = (iteration: number): SwarmService => ({
  ID: 'm',
  Spec: { Name: 's_migrate', Mode: { ReplicatedJob: { TotalCompletions: 1 } }, TaskTemplate: { RestartPolicy: { MaxAttempts: 3 } } },
  JobStatus: { JobIteration: { Index: iteration } },
});
const task = (ServiceID: string, State: string, DesiredState = 'running', extra: Partial<SwarmTask> = {}): SwarmTask => ({ ServiceID, DesiredState, Status: { State }, ...extra });

describe('a Swarm stack converges', () => {
  it('when each service runs its desired replicas and no update is in flight', () => {
    expect(judgeServices([app(2)], [task('a', 'running'), task('a', 'running'), task('a', 'shutdown', 'shutdown')])).toEqual([{ name: 's_app', state: 'converged', detail: '2/2' }]);
    expect(judgeServices([app(2)], [task('a', 'running'), task('a', 'starting')])[0]).toMatchObject({ state: 'pending', detail: '1/2' });
    // start-first: the new replica is running beside the old ones, and the update has not finished.
    expect(judgeServices([app(2, { State: 'updating' })], [task('a', 'running'), task('a', 'running')])[0]).toMatchObject({ state: 'pending', detail: '2/2, updating' });
  });

  it('takes a global service (one task a node) as converged when every task Swarm wants is running', () => {
    const front: SwarmService = { ID: 'n', Spec: { Name: 's_nginx', Mode: { Global: {} } } };
    expect(judgeServices([front], [task('n', 'running')])[0]).toMatchObject({ state: 'converged', detail: '1/1' });
    expect(judgeServices([front], [task('n', 'preparing')])[0]).toMatchObject({ state: 'pending', detail: '0/1' });
  });

  it('names the last task error while it waits, and fails on a rolled-back update', () => {
    const failing = [task('a', 'running'), task('a', 'failed', 'shutdown', { Status: { State: 'failed', Err: 'task: non-zero exit (3)' } }), task('a', 'starting')];
    expect(judgeServices([app(2)], failing)[0]!.detail).toBe('1/2 (last task error: task: non-zero exit (3))');
    expect(judgeServices([app(2, { State: 'rollback_completed', Message: 'update rolled back due to failure' })], [task('a', 'running'), task('a', 'running')])[0]).toMatchObject({ state: 'failed' });
  });

  it('fails a service whose tasks keep exiting since its spec changed, with the exit code, and not for older crashes', () => {
    const deployed: SwarmService = { ...app(2), UpdatedAt: '2026-12-02T08:00:00Z' };
    const crash = (at: string, code = 1) => task('a', 'failed', 'shutdown', { CreatedAt: at, Status: { State: 'failed', Err: `task: non-zero exit (${code})`, ContainerStatus: { ExitCode: code } } });
    const loop = [crash('2026-12-02T08:00:01Z'), crash('2026-12-02T08:00:09Z'), crash('2026-12-02T08:00:17Z', 3), task('a', 'starting')];
    expect(CRASH_LOOP_FAILURES).toBe(3);
    expect(judgeServices([deployed], loop)[0]).toEqual({ name: 's_app', state: 'failed', detail: 'its tasks keep exiting: 3 since the deploy, the last with exit code 3' });
    expect(judgeServices([deployed], loop.slice(1))[0]).toMatchObject({ state: 'pending' });
    // Crashes of the spec before the last deploy do not count against this one.
    const before = [crash('2026-12-02T07:59:01Z'), crash('2026-12-02T07:59:09Z'), crash('2026-12-02T07:59:17Z'), task('a', 'starting')];
    expect(judgeServices([deployed], before)[0]).toMatchObject({ state: 'pending' });
    // Stopped by Swarm for failing the healthcheck (a slow start): waited for, not a crash loop.
    const unhealthy = loop.slice(0, 3).map((t) => ({ ...t, Status: { State: 'failed', Err: 'task: non-zero exit (137): dockerexec: unhealthy container', ContainerStatus: { ExitCode: 137 } } }));
    expect(judgeServices([deployed], [...unhealthy, task('a', 'starting')])[0]).toMatchObject({ state: 'pending' });
    // Every replica up again: a crash loop is over.
    expect(judgeServices([deployed], [...loop.slice(0, 3), task('a', 'running'), task('a', 'running')])[0]).toMatchObject({ state: 'converged' });
  });

  it('counts only the current iteration of a job: each deploy runs migrate again', () => {
    const done = task('m', 'complete', 'complete', { JobIteration: { Index: 7 } });
    expect(judgeServices([migrate(7)], [done])[0]).toMatchObject({ state: 'converged', detail: 'complete' });
    expect(judgeServices([migrate(9)], [done, task('m', 'running', 'complete', { JobIteration: { Index: 9 } })])[0]).toMatchObject({ state: 'pending' });
    const failed = (n: number) => Array.from({ length: n }, () => task('m', 'failed', 'complete', { JobIteration: { Index: 9 }, Status: { State: 'failed', Err: 'task: non-zero exit (1)' } }));
    // max_attempts: 3 restarts after the first run.
    expect(judgeServices([migrate(9)], failed(3))[0]).toMatchObject({ state: 'pending', detail: 'running (attempt 4, last: task: non-zero exit (1))' });
    expect(judgeServices([migrate(9)], failed(4))[0]).toMatchObject({ state: 'failed', detail: 'job failed 4 times: task: non-zero exit (1)' });
  });
});

describe('the least-privilege row on Swarm task containers', () => {
  const { config } = renderAll(fixtures.startproject());
  const stack = new SwarmStack('s3');
  const MIB = 1024 * 1024;
  const task = (service: string, host: Partial<InspectedContainer['HostConfig']> = {}): InspectedContainer => ({
    Name: `/s3_${service}.1.abc`,
    Config: { Labels: { 'com.docker.swarm.service.name': `s3_${service}`, 'com.docker.stack.namespace': 's3' } },
    HostConfig: { ReadonlyRootfs: true, CapDrop: ['ALL'], CapAdd: null, SecurityOpt: null, Memory: config.limits[service]!.memoryMiB * MIB, PidsLimit: config.limits[service]!.pids, ...host },
  });

  it('reads the service from the Swarm label, and does not fail on no-new-privileges, which stack deploy cannot set', () => {
    expect(stack.serviceOf({ 'com.docker.swarm.service.name': 's3_app' })).toBe('app');
    expect(stack.serviceOf({ 'com.docker.swarm.service.name': 'other_app' })).toBeUndefined();
    expect(privilegeProblems(config, [task('app')], stack)).toEqual([]);
    expect(privilegeProblems(config, [task('app')])).toEqual([]); // compose labels: not a generated service
  });

  it('still fails what Swarm can set: a writable root, added capabilities, missing bounds', () => {
    expect(privilegeProblems(config, [task('app', { ReadonlyRootfs: false, CapAdd: ['CAP_SYS_ADMIN'], PidsLimit: 0 })], stack)).toEqual([
      `s3_app.1.abc: root filesystem writable (read_only: true missing), capabilities added beyond its row: SYS_ADMIN, PIDs limit none (want ${config.limits['app']!.pids})`,
    ]);
  });
});
