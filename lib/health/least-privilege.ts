/**
 * The least-privilege row: every container of a service the generator writes (the exited one-shots
 * too; not one that an override file of the user's adds, which is theirs to judge) is inspected for a
 * read-only root, no capabilities beyond its row in lib/config/privileges.ts,
 * no-new-privileges and the memory/PIDs bounds of StackConfig; the app must not run as root
 * and must not be able to write under its code folder.
 */
import { execa } from 'execa';
import { limitOf } from '../config/limits.js';
import { SERVICES } from '../config/names.js';
import { profileOf, setsNoNewPrivileges } from '../config/privileges.js';
import type { StackConfig } from '../config/stack-config.js';
import type { ComposeProject } from './compose-cli.js';

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
const SERVICE_LABEL = 'com.docker.compose.service';

const GENERATED: ReadonlySet<string> = new Set(Object.values(SERVICES));
const generatedServices = (containers: InspectedContainer[]) =>
  containers.filter((container) => GENERATED.has(container.Config.Labels?.[SERVICE_LABEL] ?? ''));

/** One line per container that lacks a setting: "i15-app-1: root filesystem writable (read_only removed)". */
export function privilegeProblems(config: StackConfig, containers: InspectedContainer[]): string[] {
  const problems: string[] = [];
  for (const container of generatedServices(containers)) {
    const name = container.Name.replace(/^\//, '');
    const service = container.Config.Labels?.[SERVICE_LABEL] ?? name;
    const host = container.HostConfig;
    const missing: string[] = [];
    if (!host.ReadonlyRootfs) missing.push('root filesystem writable (read_only: true missing)');
    if (!(host.CapDrop ?? []).includes('ALL')) missing.push('capabilities not dropped (cap_drop: [ALL] missing)');
    const allowed = profileOf(service, config).capAdd.map((grant) => grant.value);
    const extra = (host.CapAdd ?? []).map((cap) => cap.replace(/^CAP_/, '')).filter((cap) => !allowed.includes(cap));
    if (extra.length) missing.push(`capabilities added beyond its row: ${extra.join(', ')}`);
    if (!setsNoNewPrivileges(host.SecurityOpt ?? [])) missing.push('no-new-privileges missing');
    const limit = limitOf(config.limits, service);
    if (host.Memory !== limit.memoryMiB * MIB) missing.push(`memory limit ${host.Memory ? `${host.Memory / MIB}m` : 'none'} (want ${limit.memoryMiB}m)`);
    if (host.PidsLimit !== limit.pids) missing.push(`PIDs limit ${host.PidsLimit && host.PidsLimit > 0 ? host.PidsLimit : 'none'} (want ${limit.pids})`);
    if (missing.length) problems.push(`${name}: ${missing.join(', ')}`);
  }
  return problems;
}

/** Runs the row on the started stack. */
export async function leastPrivilege(config: StackConfig, project: ComposeProject): Promise<{ ok: boolean; detail: string }> {
  // -a: the one-shots (collectstatic, migrate) have exited by now; their settings are still there to read.
  const ids = (await project.run(['ps', '-a', '-q'], { timeoutMs: 20_000 })).output.split('\n').map((line) => line.trim()).filter((line) => /^[0-9a-f]{12,}$/.test(line));
  if (ids.length === 0) return { ok: false, detail: 'no running container to inspect' };
  const inspected = await execa('docker', ['inspect', ...ids], { reject: false, timeout: 20_000, stdin: 'ignore' });
  if (inspected.exitCode !== 0) return { ok: false, detail: `docker inspect failed: ${inspected.stderr.trim()}` };
  const containers = JSON.parse(inspected.stdout) as InspectedContainer[];
  const problems = privilegeProblems(config, containers);

  // One exec (each costs a Python start-up under docker-compose 1.x): the app's uid, then the proof
  // that matters: code execution in the app cannot change the app's code.
  const probe = `${config.appDir}/.least-privilege-probe`;
  const app = await project.run(['exec', '-T', SERVICES.app, 'sh', '-c', `id -u; if touch ${probe} 2>/dev/null; then rm -f ${probe}; echo writable; fi`], { timeoutMs: 30_000 });
  const [uid = '', writable] = app.output.trim().split('\n').map((line) => line.trim());
  if (app.exitCode !== 0 || !/^\d+$/.test(uid)) problems.push(`${SERVICES.app}: could not be inspected from inside (${app.output.trim().split('\n').at(-1) || `exit ${app.exitCode}`})`);
  else if (uid === '0') problems.push(`${SERVICES.app}: runs as root (uid 0)`);
  if (writable === 'writable') problems.push(`${SERVICES.app}: could write under ${config.appDir}`);

  return problems.length
    ? { ok: false, detail: problems.join('; ') }
    : { ok: true, detail: `${generatedServices(containers).length} containers: read-only, no extra capabilities, no-new-privileges, bounded; app is not root and cannot write ${config.appDir}` };
}
