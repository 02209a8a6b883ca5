/**
 * Names a worker, beat or Redis that did not come up, and why when its healthcheck or log says:
 * most often a broker it cannot reach, then with the address it tried, the .env variable that
 * sets it, and what to put there. processEvidence gathers the states; processCauses is pure.
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
  /** A one-shot's exit status, once it has exited. */
  exitCode?: number;
  /** The log tail (a worker's log names the URL it tried; Docker cuts a healthcheck's output at 4 KiB). */
  logs?: string;
}

/** Connection errors as redis-py, kombu, amqp and Celery's inspect print them. */
const UNREACHABLE =
  /Connection refused|Error -?\d+ connecting to|Timeout connecting to|Name or service not known|Temporary failure in name resolution|Cannot assign requested address|cannot reach its broker|Cannot connect to|No nodes replied|ConnectionError|OperationalError/;
/** The line of a log that says best where and why: Celery's consumer names the URL, redis-py the address. */
const SAYS_WHERE = [/Cannot connect to [a-z0-9+]+:\/\/\S+/, /(Error -?\d+|Timeout) connecting to \S+/, UNREACHABLE];

/** The process services that are not running healthy, with what they last said. */
export async function processEvidence(config: StackConfig, runtime: StackRuntime): Promise<ProcessState[]> {
  const states: ProcessState[] = [];
  for (const service of processServices(config.processes)) {
    const state = await runtime.state(service);
    if (service === SERVICES.release) {
      // A one-shot: its exit is its verdict, and one that failed stopped everything after it.
      if (state?.status === 'exited' && state.exitCode !== 0) states.push({ service, status: 'exited', exitCode: state.exitCode, output: await runtime.logs(service, 30) });
      continue;
    }
    if (state && state.status === 'running' && (state.health === undefined || state.health === 'healthy')) continue;
    const logs = await runtime.logs(service, 30);
    states.push({ service, status: state?.status ?? 'no container', health: state?.health, output: state?.healthOutput || logs, logs });
  }
  return states;
}

/** What a process that cannot reach its broker said: the line, and the address in it (credentials masked). */
interface Unreachable {
  line: string;
  /** The URL (Celery's consumer names it) or host:port (redis-py's words) it tried. */
  address?: string;
  host?: string;
  /** host:port, the same for the processes that tried one broker whichever words they used. */
  key: string;
}

/** The WHATWG parser (URL.parse is newer than the Node this supports). */
function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

const masked = (text: string) => text.replace(/\/\/[^@/\s]*@/g, '//…@');

function unreachable(state: ProcessState): Unreachable | undefined {
  const text = `${state.logs ?? ''}\n${state.output}`;
  if (!UNREACHABLE.test(text)) return undefined;
  const lines = text.split('\n').map((line) => line.replace(/^\S+\s+\|\s?/, '').trim());
  const line = masked(SAYS_WHERE.map((pattern) => lines.find((candidate) => pattern.test(candidate))).find(Boolean) ?? '');
  const url = /Cannot connect to ([a-z0-9+]+:\/\/\S+?):?\s/.exec(`${line} `)?.[1];
  const parsed = url ? parseUrl(url) : undefined;
  const hostPort = parsed ? `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ''}` : /connecting to (\S+?)\.?(\s|$)/.exec(line)?.[1];
  const host = parsed ? parsed.hostname : hostPort?.replace(/:\d+$/, '');
  return { line, key: hostPort ?? '', ...(url || hostPort ? { address: url ?? hostPort } : {}), ...(host ? { host } : {}) };
}

const LOOPBACK = /^(localhost|127\.[\d.]+|\[?::1\]?|0\.0\.0\.0)$/;

/** The broker variable of a service: beat and the Celery workers share Celery's, RQ's workers RQ's. */
function variableOf(config: StackConfig, service: string): string | undefined {
  const processes = config.processes!;
  const kind = service === SERVICES.beat ? 'celery' : processes.workers.find((worker) => worker.service === service)?.kind;
  return kind === 'celery' || kind === 'rq' ? processes.brokerVariables[kind] : undefined;
}

/** What to do, from where the processes tried to connect and which broker the stack has. */
function brokerAdvice(config: StackConfig, host: string | undefined, variables: string[], redisState: string | undefined): string {
  const redis = config.processes?.redis;
  const named = variables.length ? `${variables.join(' and ')} in .env` : 'the broker URL in your settings';
  if (redis) {
    const ours = `the stack's Redis (service ${redis.service}, ${redisState ?? 'running'})`;
    if (host === undefined || host === redis.service) return `Its broker is ${ours}.`;
    return `That is not ${ours}: ${named} replaces the stack's URL, redis://${redis.service}:${redis.port}/…; remove it from .env to use the stack's Redis, or point it at a broker the containers can reach.`;
  }
  const set = variables.length ? `Set ${named}` : 'Make the broker URL your settings set read an environment variable, and set it in .env';
  if (host !== undefined && LOOPBACK.test(host))
    return `${host} inside a container is that container itself, not your machine nor another service. ${set} to the broker's address as the containers reach it (its host name or IP on their network), or generate with --broker redis for a Redis in the stack.`;
  return `Nothing answered there from the stack's network (--broker external). ${set} to a host and port the containers can reach, with the broker listening there, or generate with --broker redis for a Redis in the stack.`;
}

export function processCauses(config: StackConfig, states: ProcessState[]): string[] {
  const redis = config.processes?.redis;
  const redisState = redis && states.find((state) => state.service === redis.service);
  const redisWords = redisState && `${redisState.status}${redisState.health ? ` ${redisState.health}` : ''}`;
  // A service with no container and nothing said was never started (a failed build, a one-shot
  // step that failed first): the causes above name why, and a line per service would only repeat it.
  const started = states.filter((state) => state.status !== 'no container' || state.output.trim());
  const how = (state: ProcessState) => `${state.status}${state.health ? `, ${state.health}` : ''}`;
  const causes: string[] = [];
  // Processes that failed to reach the same address: one cause naming them all.
  const cutOff = new Map<string, { states: ProcessState[]; found: Unreachable }>();
  for (const state of started) {
    const release = config.processes?.release;
    if (release && state.service === SERVICES.release) {
      causes.push(
        `The Procfile's release command (${release.source}) failed: ${state.service} exited with ${state.exitCode}, so the app and the workers, which start after it, were not started. ` +
          `Fix the command or what it needs, or generate with --no-procfile-release to leave it out. ${state.output.trim() ? `Its last lines:\n${lastLines(state.output, 6)}` : 'It said nothing.'}`,
      );
      continue;
    }
    const found = redis && state.service === redis.service ? undefined : unreachable(state);
    if (found) {
      const seen = cutOff.get(found.key);
      cutOff.set(found.key, { states: [...(seen?.states ?? []), state], found: seen?.found ?? found });
      continue;
    }
    const said = state.output.trim() ? `; it last said:\n${lastLines(state.output, 4)}` : ' and has said nothing';
    if (redis && state.service === redis.service) causes.push(`Redis (service ${state.service}) is ${how(state)}, so no task can be queued${said}`);
    else causes.push(`${state.service} is ${how(state)}${said}`);
  }
  for (const { states: group, found } of cutOff.values()) {
    const who = group.length === 1 ? `${group[0]!.service} cannot reach its broker` : `${group.map((state) => state.service).join(' and ')} cannot reach their broker`;
    const where = found.address ? ` at ${found.address}` : '';
    const variables = [...new Set(group.flatMap((state) => variableOf(config, state.service) ?? []))];
    const states = group.map((state) => (group.length === 1 ? `it is ${how(state)}` : `${state.service} is ${how(state)}`)).join('; ');
    const said = found.line ? ` ${group.length === 1 ? 'It' : group[0]!.service} said:\n    ${found.line}` : '';
    causes.push(`${who}${where} (${states}). ${brokerAdvice(config, found.host, variables, redisWords)}${said}`);
  }
  return causes;
}
