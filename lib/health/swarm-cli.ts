/**
 * A deployed Swarm stack as the checks see it (StackRuntime): its services are
 * `<stack>_<service>`, their task containers are found by the labels Swarm sets, commands run
 * with `docker exec` in a task container of this node, logs come from `docker service logs`.
 */
import { execa } from 'execa';
import { ComposeSession, inspectContainer, type ComposeRun, type ContainerState } from './compose-cli.js';
import type { StackRuntime } from './runtime.js';

const quiet = { reject: false, timeout: 30_000, stdin: 'ignore' } as const;
const NAMESPACE_LABEL = 'com.docker.stack.namespace';
const SERVICE_LABEL = 'com.docker.swarm.service.name';

/** output: stdout and stderr as the user would see them; stdout alone for parsing (an error about a vanished task goes to stderr). */
export interface DockerRun extends ComposeRun {
  stdout: string;
}

export async function docker(args: string[], timeoutMs = 30_000): Promise<DockerRun> {
  const result = await execa('docker', args, { ...quiet, timeout: timeoutMs, all: true });
  return { exitCode: result.exitCode ?? 1, output: String(result.all ?? ''), stdout: String(result.stdout ?? ''), timedOut: Boolean(result.timedOut) };
}

const ids = (output: string) =>
  output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^[0-9a-z]{12,}$/.test(line));

export class SwarmStack implements StackRuntime {
  readonly target = 'swarm';
  readonly cannotSet = { noNewPrivileges: 'docker stack deploy ignores security_opt' };

  constructor(readonly stackName: string) {}

  serviceName(service: string): string {
    return `${this.stackName}_${service}`;
  }

  serviceOf(labels: Record<string, string> | undefined): string | undefined {
    const name = labels?.[SERVICE_LABEL];
    return name?.startsWith(`${this.stackName}_`) ? name.slice(this.stackName.length + 1) : undefined;
  }

  /** The service's task containers on this node, running ones (newest first), or with `all` the exited too. */
  async taskContainers(service: string, all = false): Promise<string[]> {
    const result = await docker(['ps', ...(all ? ['-a'] : []), '-q', '--filter', `label=${SERVICE_LABEL}=${this.serviceName(service)}`]);
    return ids(result.stdout);
  }

  /** A running task container, else the newest exited one (a completed job's). */
  async containerId(service: string): Promise<string | undefined> {
    return (await this.taskContainers(service))[0] ?? (await this.taskContainers(service, true))[0];
  }

  async exec(service: string, command: string[], options: { timeoutMs?: number } = {}): Promise<ComposeRun> {
    const id = await this.containerId(service);
    if (!id) return { exitCode: 1, output: `no running task of ${this.serviceName(service)} on this node`, timedOut: false };
    return docker(['exec', id, ...command], options.timeoutMs ?? 30_000);
  }

  async startExec(service: string, command: string[], options: { timeoutMs?: number } = {}): Promise<ComposeSession> {
    const id = (await this.containerId(service)) ?? 'no-running-task';
    return new ComposeSession(execa('docker', ['exec', '-i', id, ...command], { reject: false, all: true, timeout: options.timeoutMs ?? 60_000, stdin: 'pipe' }));
  }

  /** Every replica's lines, each prefixed by its task name (`<stack>_app.2.<task id>@<node>`). */
  async logs(service: string, tail = 200): Promise<string> {
    return (await docker(['service', 'logs', '--no-trunc', '--tail', String(tail), this.serviceName(service)])).output;
  }

  async state(service: string): Promise<ContainerState | undefined> {
    const id = await this.containerId(service);
    return id ? inspectContainer(id) : undefined;
  }

  /** What the service publishes (ingress or host mode), from its spec: a task container shows host-mode ports only. */
  async publishedPorts(service: string): Promise<string[] | undefined> {
    const result = await docker(['service', 'inspect', '--format', '{{json .Spec.EndpointSpec}}', this.serviceName(service)]);
    if (result.exitCode !== 0) return undefined;
    const spec = JSON.parse(result.stdout) as { Ports?: { PublishedPort?: number; TargetPort: number; PublishMode?: string }[] } | null;
    return (spec?.Ports ?? []).map((port) => `${port.PublishedPort ?? '?'}->${port.TargetPort} (${port.PublishMode ?? 'ingress'})`);
  }

  /** The running task containers of the stack, and the last container of each one that has none running (the migrate job). */
  async containerIds(): Promise<string[]> {
    const running = ids((await docker(['ps', '-q', '--filter', `label=${NAMESPACE_LABEL}=${this.stackName}`])).stdout);
    const services = (await docker(['service', 'ls', '--format', '{{.Name}}', '--filter', `label=${NAMESPACE_LABEL}=${this.stackName}`])).stdout;
    const idle: string[] = [];
    for (const name of services
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)) {
      const service = name.slice(this.stackName.length + 1);
      if ((await this.taskContainers(service)).length === 0) idle.push(...(await this.taskContainers(service, true)).slice(0, 1));
    }
    return [...running, ...idle];
  }
}
