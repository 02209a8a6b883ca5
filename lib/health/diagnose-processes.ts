/**
 * Names a worker, beat or Redis that did not come up, and why when its healthcheck or log says:
 * most often a broker it cannot reach. processEvidence gathers the states; processCauses is pure.
 */
import { SERVICES } from '../config/names.js';
import { processServices } from '../config/processes.js';
import type { StackConfig } from '../config/stack-config.js';
import { lastLines } from './log-lines.js';
import type { StackRuntime } from './runtime.js';

export interface ProcessState {
  service: string;
  /** running, exited, restarting, or "no container". */
  status: string;
  health?: string;
  /** The last healthcheck output, or the log tail when there is none. */
  output: string;
}

/** Connection errors as redis-py, kombu, amqp and Celery's inspect print them. */
const UNREACHABLE =
  /Connection refused|Error 111|Error -[23] connecting|Name or service not known|Temporary failure in name resolution|cannot reach its broker|No nodes replied|ConnectionError|OperationalError/;

/** The process services that are not running healthy, with what they last said. */
export async function processEvidence(config: StackConfig, runtime: StackRuntime): Promise<ProcessState[]> {
  const states: ProcessState[] = [];
  for (const service of processServices(config.processes)) {
    if (service === SERVICES.release) continue; // a one-shot: its exit is its verdict
    const state = await runtime.state(service);
    if (state && state.status === 'running' && (state.health === undefined || state.health === 'healthy')) continue;
    states.push({ service, status: state?.status ?? 'no container', health: state?.health, output: state?.healthOutput || (await runtime.logs(service, 30)) });
  }
  return states;
}

export function processCauses(config: StackConfig, states: ProcessState[]): string[] {
  const redis = config.processes?.redis;
  const redisState = redis && states.find((state) => state.service === redis.service);
  const broker = redis
    ? `the stack's Redis (service ${redis.service}${redisState ? `, ${redisState.status}${redisState.health ? ` ${redisState.health}` : ''}` : ', running'})`
    : 'the broker URL your settings read (--broker external: set it in .env)';
  // A service with no container and nothing said was never started (a failed build, a one-shot
  // step that failed first): the causes above name why, and a line per service would only repeat it.
  const started = states.filter((state) => state.status !== 'no container' || state.output.trim());
  return started.map((state) => {
    const how = `${state.status}${state.health ? `, ${state.health}` : ''}`;
    const said = state.output.trim() ? `; it last said:\n${lastLines(state.output, 4)}` : ' and has said nothing';
    if (redis && state.service === redis.service) return `Redis (service ${state.service}) is ${how}, so no task can be queued${said}`;
    if (UNREACHABLE.test(state.output)) return `${state.service} cannot reach its broker, ${broker}; it is ${how}${said}`;
    return `${state.service} is ${how}${said}`;
  });
}
