import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { appMemoryMiB, parseMemory } from '../../lib/config/limits.js';
import { appMemory } from '../../lib/config/validators.js';
import { privilegeProblems, type InspectedContainer } from '../../lib/health/least-privilege.js';
import { hardeningAdded } from '../../lib/regen/hardening-added.js';
import { buildCompose } from '../../lib/targets/compose/render.js';
import { HARDENING_KEYS, harden } from '../../lib/targets/hardening.js';
import * as fixtures from '../fixtures/projects.js';
import { renderAll } from './helpers.js';

const { config, output } = renderAll(fixtures.startproject());
const MIB = 1024 * 1024;

describe('memory limits from the answers', () => {
  it('derives the app memory from the workers, or takes the answer', () => {
    expect(appMemoryMiB('auto', 'auto')).toBe(128 + 96 * 5);
    expect(appMemoryMiB('auto', 2)).toBe(128 + 96 * 2);
    expect(appMemoryMiB('1g', 2)).toBe(1024);
    expect(parseMemory('768M')).toBe(768);
    expect(parseMemory('768 mb')).toBeUndefined();
  });

  it('refuses nonsense in one line', () => {
    expect(appMemory('auto')).toBeUndefined();
    expect(appMemory('768m')).toBeUndefined();
    for (const bad of ['lots', '-5m', '1.5g', '768', '32m']) expect(appMemory(bad)).toMatch(/^app memory "[^"]+" (must be|is below)[^\n]*$/);
  });
});

describe('every service is hardened in one pass', () => {
  const compose = parse(output.get('compose.yaml')!) as { services: Record<string, Record<string, unknown>> };

  it('gives each generated service a read-only root, no capabilities, no-new-privileges and bounds', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service, name).toMatchObject({ read_only: true, cap_drop: ['ALL'], security_opt: ['no-new-privileges:true'] });
      expect(service['mem_limit'], name).toBe(`${config.limits[name]!.memoryMiB}m`);
      expect(service['memswap_limit'], name).toBe(service['mem_limit']);
      expect(service['pids_limit'], name).toBe(config.limits[name]!.pids);
    }
    expect(compose.services['app']!['cap_add']).toBeUndefined();
    expect(compose.services['nginx']!['cap_add']).toEqual(['CHOWN', 'SETGID', 'SETUID', 'NET_BIND_SERVICE']);
  });

  it('says why beside each capability and tmpfs it gives back', () => {
    const text = output.get('compose.yaml')!;
    expect(text).toMatch(/- NET_BIND_SERVICE # listens on port 80/);
    expect(text).toMatch(/- \/tmp # Python's tempfile/);
  });

  it('gives a service nobody wrote a row for the strictest profile', () => {
    const withAcme = harden({ services: { acme: { image: 'goacme/lego' } }, volumes: {} }, config);
    expect(withAcme.services['acme']).toEqual({
      image: 'goacme/lego',
      read_only: true,
      cap_drop: ['ALL'],
      security_opt: ['no-new-privileges:true'],
      mem_limit: '256m',
      memswap_limit: '256m',
      pids_limit: 64,
    });
  });
});

describe('the least-privilege row reads docker inspect', () => {
  const hardened = (name: string, service: string, host: Partial<InspectedContainer['HostConfig']> = {}): InspectedContainer => ({
    Name: `/${name}`,
    Config: { Labels: { 'com.docker.compose.service': service } },
    HostConfig: {
      ReadonlyRootfs: true,
      CapDrop: ['ALL'],
      CapAdd: service === 'nginx' ? ['CAP_CHOWN', 'CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE'] : null,
      SecurityOpt: ['no-new-privileges:true'],
      Memory: config.limits[service]!.memoryMiB * MIB,
      PidsLimit: config.limits[service]!.pids,
      ...host,
    },
  });

  it('passes the generated settings', () => {
    expect(privilegeProblems(config, [hardened('p-app-1', 'app'), hardened('p-nginx-1', 'nginx')])).toEqual([]);
  });

  it("judges only the services the generator writes: a container an override adds is the user's", () => {
    const added = hardened('p-pebble-1', 'app', { ReadonlyRootfs: false, CapDrop: [], SecurityOpt: [], Memory: 0 });
    added.Config.Labels = { 'com.docker.compose.service': 'pebble' };
    expect(privilegeProblems(config, [hardened('p-app-1', 'app'), added])).toEqual([]);
  });

  it('nginx may set the setgid bit (FSETID) only with --tls acme, for the certificate folder', () => {
    const withFsetid = (c: typeof config) =>
      hardened('p-nginx-1', 'nginx', { CapAdd: ['CAP_CHOWN', 'CAP_SETGID', 'CAP_SETUID', 'CAP_NET_BIND_SERVICE', 'CAP_FSETID'], Memory: c.limits.nginx!.memoryMiB * MIB });
    expect(privilegeProblems(config, [withFsetid(config)])).toEqual(['p-nginx-1: capabilities added beyond its row: FSETID']);
    const acme = { ...config, tls: { ...config.tls, mode: 'acme' } } as unknown as typeof config;
    expect(privilegeProblems(acme, [withFsetid(acme)])).toEqual([]);
  });

  it('names the container and each missing setting', () => {
    expect(privilegeProblems(config, [hardened('p-app-1', 'app', { ReadonlyRootfs: false, Memory: 0 })])).toEqual([
      'p-app-1: root filesystem writable (read_only: true missing), memory limit none (want 608m)',
    ]);
    expect(privilegeProblems(config, [hardened('p-nginx-1', 'nginx', { CapAdd: ['SYS_ADMIN', 'CHOWN'], SecurityOpt: [], PidsLimit: 0, CapDrop: [] })])).toEqual([
      'p-nginx-1: capabilities not dropped (cap_drop: [ALL] missing), capabilities added beyond its row: SYS_ADMIN, no-new-privileges missing, PIDs limit none (want 128)',
    ]);
  });
});

describe('regeneration lists each hardening setting it adds', () => {
  it('per service that lacked them; nothing for a first generation or an up-to-date file', () => {
    const ours = buildCompose(config);
    const before = 'services:\n  app:\n    image: x\n    read_only: true\n  nginx:\n    image: y\n';
    const lines = hardeningAdded(before, ours, HARDENING_KEYS);
    expect(lines[0]).toBe('app: tmpfs /tmp, cap_drop ALL, security_opt no-new-privileges:true, mem_limit 608m, memswap_limit 608m, pids_limit 256');
    expect(lines[1]).toMatch(/^nginx: read_only true, tmpfs \/var\/cache\/nginx \/var\/lib\/nginx \/run, cap_drop ALL, cap_add CHOWN SETGID SETUID NET_BIND_SERVICE, /);
    expect(lines).toHaveLength(2);
    expect(hardeningAdded(undefined, ours, HARDENING_KEYS)).toEqual([]);
    expect(hardeningAdded(output.get('compose.yaml'), ours, HARDENING_KEYS)).toEqual([]);
  });
});
