/**
 * Least privilege, applied in one pass over the compose object: every service gets a read-only
 * root filesystem, no capabilities, no-new-privileges and memory/PIDs bounds, plus what its row
 * in lib/config/privileges.ts gives back, each with the reason as a comment.
 */
import { Document, isMap, isSeq, isScalar, type Node } from 'yaml';
import { limitOf } from '../config/limits.js';
import { NO_NEW_PRIVILEGES, profileOf } from '../config/privileges.js';
import type { StackConfig } from '../config/stack-config.js';

/** Every key this pass sets, for the regeneration report. */
export const HARDENING_KEYS = ['read_only', 'tmpfs', 'cap_drop', 'cap_add', 'security_opt', 'mem_limit', 'memswap_limit', 'pids_limit'] as const;

/** The hardening keys of one service, in the order compose.yaml shows them. */
export function hardeningKeys(config: StackConfig, service: string): Record<string, unknown> {
  const profile = profileOf(service, config);
  const limit = limitOf(config.limits, service);
  const memory = `${limit.memoryMiB}m`;
  return {
    read_only: true,
    ...(profile.tmpfs.length ? { tmpfs: profile.tmpfs.map((grant) => grant.value) } : {}),
    cap_drop: ['ALL'],
    ...(profile.capAdd.length ? { cap_add: profile.capAdd.map((grant) => grant.value) } : {}),
    security_opt: [NO_NEW_PRIVILEGES],
    mem_limit: memory,
    // Equal to mem_limit: no swap on top, so the bound is the bound.
    memswap_limit: memory,
    pids_limit: limit.pids,
  };
}

/**
 * The same bounds in `docker stack deploy`'s terms: a tmpfs is a mount (the `tmpfs` key is
 * compose-only), memory and PIDs are deploy.resources.limits (Docker 20.10 applies both), and
 * security_opt, mem_limit, memswap_limit and pids_limit are left out because stack deploy
 * ignores them (lib/validate/swarm-rules.ts).
 */
export function swarmHardening(config: StackConfig, service: string): { keys: Record<string, unknown>; tmpfsMounts: Record<string, unknown>[]; limits: { memory: string; pids: number } } {
  const { read_only, tmpfs, cap_drop, cap_add } = hardeningKeys(config, service) as { read_only: true; tmpfs?: string[]; cap_drop: string[]; cap_add?: string[] };
  return {
    keys: { read_only, cap_drop, ...(cap_add ? { cap_add } : {}) },
    tmpfsMounts: (tmpfs ?? []).map((target) => ({ type: 'tmpfs', target })),
    limits: { memory: `${limitOf(config.limits, service).memoryMiB}M`, pids: limitOf(config.limits, service).pids },
  };
}

/** Every service of the file, hardened. */
export function harden<File extends { services: Record<string, Record<string, unknown>> }>(compose: File, config: StackConfig): File {
  const services = Object.fromEntries(Object.entries(compose.services).map(([name, service]) => [name, { ...service, ...hardeningKeys(config, name) }]));
  return { ...compose, services };
}

/** Writes each grant's reason as a comment beside it in the YAML document. */
export function commentGrants(document: Document, config: StackConfig): void {
  const services = document.get('services');
  if (!isMap(services)) return;
  for (const pair of services.items) {
    const service = pair.value;
    if (!isMap(service) || !isScalar(pair.key)) continue;
    const profile = profileOf(String(pair.key.value), config);
    for (const [key, grants] of [
      ['tmpfs', profile.tmpfs],
      ['cap_add', profile.capAdd],
    ] as const) {
      const list = service.get(key, true) as Node | undefined;
      if (!isSeq(list)) continue;
      for (const item of list.items) {
        const grant = isScalar(item) ? grants.find((g) => g.value === item.value) : undefined;
        if (grant && isScalar(item)) item.comment = ` ${grant.why}`;
      }
    }
    // Swarm writes a tmpfs as a mount ({type: tmpfs, target}): the reason goes beside its target.
    const volumes = service.get('volumes', true) as Node | undefined;
    for (const mount of isSeq(volumes) ? volumes.items : []) {
      if (!isMap(mount) || mount.get('type') !== 'tmpfs') continue;
      const target = mount.get('target', true);
      const grant = isScalar(target) ? profile.tmpfs.find((g) => g.value === target.value) : undefined;
      if (grant && isScalar(target)) target.comment = ` ${grant.why}`;
    }
  }
}
