/**
 * The least-privilege row: every container of a service the generator writes (the exited one-shots
 * too; not one that an override file of the user's adds, which is theirs to judge) is inspected for a
 * read-only root, no capabilities beyond its row in lib/config/privileges.ts,
 * no-new-privileges and the memory/PIDs bounds of StackConfig; the app must not run as root
 * and must not be able to write under its code folder. What the engine cannot set (Swarm ignores
 * security_opt) is named in the row, not failed: the task containers show what really applies.
 */
import { execa } from 'execa';
import { limitOf } from '../config/limits.js';
import { SERVICES } from '../config/names.js';
import { profileOf, setsNoNewPrivileges } from '../config/privileges.js';
import { processServices } from '../config/processes.js';
import type { StackConfig } from '../config/stack-config.js';
import type { StackRuntime } from './runtime.js';

/** The parts of `docker inspect` this row reads. */
export interface InspectedContainer {
  Name: string;
  Config: { User?: string; Labels?: Record<string, string> };
  HostConfig: {
    ReadonlyRootfs?: boolean;
    CapDrop?: string[] | null;
    CapAdd?: string[] | null;
    SecurityOpt?: string[] | null;
    Memory?: number;
    PidsLimit?: number | null;
  };
}

const MIB = 1024 * 1024;
const composeService = (labels: Record<string, string> | undefined) => labels?.['com.docker.compose.service'];

/** How the row reads the engine: which service a container is, and what it cannot set. */
type Engine = Pick<StackRuntime, 'serviceOf' | 'cannotSet'>;
const COMPOSE: Engine = { serviceOf: composeService, cannotSet: {} };

const GENERATED: ReadonlySet<string> = new Set(Object.values(SERVICES));
/** The stack's fixed services, and its workers (named after their queues and Procfile processes). */
const generatedServices = (containers: InspectedContainer[], engine: Engine, config: StackConfig) => {
  const workers = new Set(processServices(config.processes));
  return containers.filter((container) => GENERATED.has(engine.serviceOf(container.Config.Labels) ?? '') || workers.has(engine.serviceOf(container.Config.Labels) ?? ''));
};

/** One line per container that lacks a setting: "i15-app-1: root filesystem writable (read_only removed)". */
export function privilegeProblems(config: StackConfig, containers: InspectedContainer[], engine: Engine = COMPOSE): string[] {
  const problems: string[] = [];
  for (const container of generatedServices(containers, engine, config)) {
    const name = container.Name.replace(/^\//, '');
    const service = engine.serviceOf(container.Config.Labels) ?? name;
    const host = container.HostConfig;
    const missing: string[] = [];
    if (!host.ReadonlyRootfs) missing.push('root filesystem writable (read_only: true missing)');
    if (!(host.CapDrop ?? []).includes('ALL')) missing.push('capabilities not dropped (cap_drop: [ALL] missing)');
    const allowed = profileOf(service, config).capAdd.map((grant) => grant.value);
    const extra = (host.CapAdd ?? []).map((cap) => cap.replace(/^CAP_/, '')).filter((cap) => !allowed.includes(cap));
    if (extra.length) missing.push(`capabilities added beyond its row: ${extra.join(', ')}`);
    if (!engine.cannotSet.noNewPrivileges && !setsNoNewPrivileges(host.SecurityOpt ?? [])) missing.push('no-new-privileges missing');
    const limit = limitOf(config.limits, service);
    if (host.Memory !== limit.memoryMiB * MIB) missing.push(`memory limit ${host.Memory ? `${host.Memory / MIB}m` : 'none'} (want ${limit.memoryMiB}m)`);
    if (host.PidsLimit !== limit.pids) missing.push(`PIDs limit ${host.PidsLimit && host.PidsLimit > 0 ? host.PidsLimit : 'none'} (want ${limit.pids})`);
    if (missing.length) problems.push(`${name}: ${missing.join(', ')}`);
  }
  return problems;
}

/** Runs the row on the started stack. */
export async function leastPrivilege(config: StackConfig, project: StackRuntime): Promise<{ ok: boolean; detail: string }> {
  const ids = await project.containerIds();
  if (ids.length === 0) return { ok: false, detail: 'no running container to inspect' };
  const inspected = await execa('docker', ['inspect', ...ids], { reject: false, timeout: 20_000, stdin: 'ignore' });
  if (inspected.exitCode !== 0) return { ok: false, detail: `docker inspect failed: ${inspected.stderr.trim()}` };
  const containers = JSON.parse(inspected.stdout) as InspectedContainer[];
  const problems = privilegeProblems(config, containers, project);

  // One exec (each costs a Python start-up under docker-compose 1.x): the app's uid, then the proof
  // that matters: code execution in the app cannot change the app's code.
  const probe = `${config.appDir}/.least-privilege-probe`;
  const app = await project.exec(SERVICES.app, ['sh', '-c', `id -u; if touch ${probe} 2>/dev/null; then rm -f ${probe}; echo writable; fi`]);
  const [uid = '', writable] = app.output
    .trim()
    .split('\n')
    .map((line) => line.trim());
  if (app.exitCode !== 0 || !/^\d+$/.test(uid)) problems.push(`${SERVICES.app}: could not be inspected from inside (${app.output.trim().split('\n').at(-1) || `exit ${app.exitCode}`})`);
  else if (uid === '0') problems.push(`${SERVICES.app}: runs as root (uid 0)`);
  if (writable === 'writable') problems.push(`${SERVICES.app}: could write under ${config.appDir}`);

  const unset = project.cannotSet.noNewPrivileges;
  return problems.length
    ? { ok: false, detail: problems.join('; ') }
    : {
        ok: true,
        detail: `${generatedServices(containers, project, config).length} containers: read-only, no extra capabilities, ${unset ? `no-new-privileges not set (${unset})` : 'no-new-privileges'}, bounded; app is not root and cannot write ${config.appDir}`,
      };
}
