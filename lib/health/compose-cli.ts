/**
 * Finds a Docker engine and a Compose implementation, and runs compose commands with a
 * bounded time and streamed, indented output.
 */
import { execa, type ResultPromise } from 'execa';
import { SERVICES } from '../config/names.js';

export type Compose = { variant: 'v2' | 'v1'; command: string[]; version: string };

const quiet = { reject: false, timeout: 20_000, stdin: 'ignore' } as const;

export async function engineAnswers(): Promise<boolean> {
  const result = await execa('docker', ['info', '--format', '{{.ServerVersion}}'], quiet).catch(() => undefined);
  return result?.exitCode === 0;
}

/** DJANGO_STATIC_COMPOSE=v1 or v2 forces one Compose (both installed, e.g. to test each). */
export function forcedCompose(): 'v1' | 'v2' | undefined {
  const forced = process.env['DJANGO_STATIC_COMPOSE'];
  if (!forced) return undefined;
  if (forced !== 'v1' && forced !== 'v2') throw new Error(`DJANGO_STATIC_COMPOSE=${forced}: use v1 or v2 (or unset it)`);
  return forced;
}

/** Compose v2 (`docker compose`) when present, else docker-compose 1.x, unless one is forced. */
export async function findCompose(forced = forcedCompose()): Promise<Compose | undefined> {
  const v2 = forced === 'v1' ? undefined : await execa('docker', ['compose', 'version', '--short'], quiet).catch(() => undefined);
  if (v2?.exitCode === 0) return { variant: 'v2', command: ['docker', 'compose'], version: v2.stdout.trim() };
  if (forced === 'v2') return undefined;
  const v1 = await execa('docker-compose', ['version', '--short'], quiet).catch(() => undefined);
  if (v1?.exitCode === 0) return { variant: 'v1', command: ['docker-compose'], version: v1.stdout.trim() };
  return undefined;
}

export interface ComposeRun {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

// A StackRuntime (runtime.ts, which takes its types from here): checked where it is used as one.
export class ComposeProject {
  readonly target = 'compose';
  readonly cannotSet = {};

  constructor(
    readonly compose: Compose,
    readonly cwd: string,
    readonly projectName: string,
    /** Compose files (-f), in order; none: Compose's own default (compose.yaml in cwd). */
    readonly files: string[] = [],
  ) {}

  private args(args: string[]): [string, string[]] {
    const [file, ...rest] = this.compose.command;
    return [file!, [...rest, '--project-name', this.projectName, ...this.files.flatMap((f) => ['-f', f]), ...args]];
  }

  private spawn(args: string[], timeoutMs: number, stdin: 'ignore' | 'pipe'): ResultPromise {
    const [file, fullArgs] = this.args(args);
    return execa(file, fullArgs, {
      cwd: this.cwd,
      reject: false,
      all: true,
      timeout: timeoutMs,
      stdin,
      env: { COMPOSE_ANSI: 'never', BUILDKIT_PROGRESS: 'plain', DOCKER_CLI_HINTS: 'false' },
    });
  }

  /** Runs a compose command; with `stream`, each output line goes to it as it arrives. */
  async run(args: string[], options: { timeoutMs?: number; stream?: (line: string) => void } = {}): Promise<ComposeRun> {
    const child = this.spawn(args, options.timeoutMs ?? 60_000, 'ignore');
    if (options.stream) onLines(child, options.stream);
    return finished(child);
  }

  /**
   * Starts a compose command that keeps running while the caller talks to it: its stdin stays
   * open until `end()`, and `waitForLine` reads its output as it comes.
   */
  start(args: string[], options: { timeoutMs?: number } = {}): ComposeSession {
    return new ComposeSession(this.spawn(args, options.timeoutMs ?? 60_000, 'pipe'));
  }

  /**
   * Container id of a service (also of a one-shot service that has exited), not of a `run`
   * one-off. Asked of the engine by the labels both Compose versions set: a fraction of a
   * compose process (docker-compose 1.x starts Python each time), and v1 polls this every second.
   */
  async containerId(service: string): Promise<string | undefined> {
    const labels = [`com.docker.compose.project=${this.projectName}`, `com.docker.compose.service=${service}`, 'com.docker.compose.oneoff=False'];
    const result = await execa('docker', ['ps', '-a', '-q', ...labels.flatMap((label) => ['--filter', `label=${label}`])], quiet);
    return result.stdout
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^[0-9a-f]{12,}$/.test(l));
  }

  /** The state of a service's container, or undefined when it has none. */
  async state(service: string): Promise<ContainerState | undefined> {
    const id = await this.containerId(service);
    return id ? inspectContainer(id) : undefined;
  }

  exec(service: string, command: string[], options: { timeoutMs?: number } = {}): Promise<ComposeRun> {
    return this.run(['exec', '-T', service, ...command], { timeoutMs: options.timeoutMs ?? 30_000 });
  }

  async startExec(service: string, command: string[], options: { timeoutMs?: number } = {}): Promise<ComposeSession> {
    return this.start(['exec', '-T', service, ...command], options);
  }

  async publishedPorts(service: string): Promise<string[] | undefined> {
    const state = await this.state(service);
    if (!state) return undefined;
    return Object.entries(state.ports)
      .filter(([, bindings]) => Array.isArray(bindings) && bindings.length > 0)
      .map(([port]) => port);
  }

  /** -a: the one-shots (collectstatic, migrate) have exited by now; their settings are still there to read. */
  async containerIds(): Promise<string[]> {
    return (await this.run(['ps', '-a', '-q'], { timeoutMs: 20_000 })).output
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^[0-9a-f]{12,}$/.test(line));
  }

  serviceOf(labels: Record<string, string> | undefined): string | undefined {
    return labels?.['com.docker.compose.service'];
  }

  runWithStaticVolume(command: string[]): Promise<ComposeRun> {
    return this.run(['run', '--rm', '--no-deps', '-T', SERVICES.collectstatic, ...command], { timeoutMs: 60_000 });
  }

  async logs(service: string, tail = 200): Promise<string> {
    return (await this.run(['logs', '--no-color', '--tail', String(tail), service], { timeoutMs: 20_000 })).output;
  }

  /**
   * Stops and removes the containers and the network, and of the volumes only those named:
   * `down -v` would take every volume, data included. Both Compose versions label their volumes.
   */
  async downRemovingVolumes(removable: string[]): Promise<void> {
    await this.run(['down', '--remove-orphans'], { timeoutMs: 120_000 });
    for (const volume of removable) {
      const filters = ['--filter', `label=com.docker.compose.project=${this.projectName}`, '--filter', `label=com.docker.compose.volume=${volume}`];
      const found = await execa('docker', ['volume', 'ls', '-q', ...filters], quiet);
      const names = found.stdout.split('\n').filter(Boolean);
      if (names.length > 0) await execa('docker', ['volume', 'rm', ...names], quiet);
    }
  }
}

/** A running compose command (see ComposeProject.start). */
export class ComposeSession {
  private readonly lines: string[] = [];
  private readonly waiters = new Set<() => void>();
  private exited = false;
  private readonly result: Promise<ComposeRun>;

  constructor(private readonly child: ResultPromise) {
    // A write after the command has exited fails with EPIPE: its output says why, not this.
    child.stdin?.on('error', () => {});
    onLines(child, (line) => {
      this.lines.push(line);
      for (const wake of this.waiters) wake();
    });
    this.result = finished(child).finally(() => {
      this.exited = true;
      for (const wake of this.waiters) wake();
    });
  }

  write(text: string): void {
    this.child.stdin?.write(text);
  }

  /** The first output line that matches, or undefined once the command has exited without one. */
  waitForLine(matches: (line: string) => boolean): Promise<string | undefined> {
    return new Promise((resolve) => {
      const look = () => {
        const line = this.lines.find(matches);
        if (line === undefined && !this.exited) return;
        this.waiters.delete(look);
        resolve(line);
      };
      this.waiters.add(look);
      look();
    });
  }

  /** Closes its stdin and waits for it to exit. */
  end(): Promise<ComposeRun> {
    this.child.stdin?.end();
    return this.result;
  }
}

/** Each non-blank output line, as it arrives. */
function onLines(child: ResultPromise, each: (line: string) => void): void {
  let pending = '';
  child.all?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const lines = pending.split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) each(line);
  });
}

async function finished(child: ResultPromise): Promise<ComposeRun> {
  const result = await child;
  return { exitCode: result.exitCode ?? 1, output: String(result.all ?? ''), timedOut: Boolean(result.timedOut) };
}

export interface ContainerState {
  status: string;
  exitCode: number;
  health?: string;
  /** Output of the latest healthcheck run, when there is one. */
  healthOutput?: string;
  ports: Record<string, unknown>;
  /** The kernel's OOM killer killed a process of the container (set until it is restarted). */
  oomKilled: boolean;
}

export async function inspectContainer(id: string): Promise<ContainerState | undefined> {
  const result = await execa('docker', ['inspect', '--format', '{{json .State}}|{{json .NetworkSettings.Ports}}', id], quiet);
  if (result.exitCode !== 0) return undefined;
  const [state, ports] = result.stdout.split('|');
  const parsed = JSON.parse(state!) as { Status: string; ExitCode: number; OOMKilled?: boolean; Health?: { Status: string; Log?: { Output: string }[] } };
  const healthOutput = parsed.Health?.Log?.at(-1)?.Output.trim();
  return { status: parsed.Status, exitCode: parsed.ExitCode, health: parsed.Health?.Status, healthOutput, ports: JSON.parse(ports!) ?? {}, oomKilled: parsed.OOMKilled === true };
}
