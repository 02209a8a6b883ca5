/**
 * What each service gets back from a read-only root and no capabilities: a tmpfs, a
 * capability, each with the reason (written into compose.yaml beside it). Each was proven
 * needed by running the service without it (README: "Least privilege"). A service without a
 * row (one another feature adds) gets the strictest profile: nothing writable but its volumes,
 * no capabilities. The renderer writes these, the health check holds the running stack to them.
 */
import { CONTAINER_REDIS_DATA, SERVICES } from './names.js';
import type { StackConfig } from './stack-config.js';
import { processServices } from './processes.js';

/** Something a service gets back, with why: written into compose.yaml as a comment beside it. */
export interface Grant {
  value: string;
  why: string;
}

export interface Profile {
  /** In-memory folders on the read-only root (charged to the container's memory limit). */
  tmpfs: Grant[];
  capAdd: Grant[];
}

/** nginx as root master with unprivileged workers: compose's nginx, and Swarm's front and static services. */
const NGINX: Profile = {
  tmpfs: [
    { value: '/var/cache/nginx', why: "temp files for request bodies and proxied responses (the official image's paths)" },
    { value: '/var/lib/nginx', why: "the same temp files where Debian's nginx keeps them" },
    { value: '/run', why: 'nginx.pid' },
  ],
  capAdd: [
    { value: 'CHOWN', why: 'the master hands its temp folders to the worker user' },
    { value: 'SETGID', why: 'the master starts its workers as an unprivileged group' },
    { value: 'SETUID', why: 'the master starts its workers as an unprivileged user' },
    { value: 'NET_BIND_SERVICE', why: 'listens on port 80 (and 443 with --tls), below 1024' },
  ],
};

/** Per service role. Volumes stay writable as mounted; everything else on the root is read-only. */
export const PROFILES: Record<string, Profile> = {
  // gunicorn's heartbeat files are in /dev/shm (worker_tmp_dir), a tmpfs of its own.
  [SERVICES.app]: { tmpfs: [{ value: '/tmp', why: "Python's tempfile: uploads larger than FILE_UPLOAD_MAX_MEMORY_SIZE are spooled here" }], capAdd: [] },
  // Writes only the static volume.
  [SERVICES.collectstatic]: { tmpfs: [], capAdd: [] },
  // Writes only the database (the data volume, or the db service over the network).
  [SERVICES.migrate]: { tmpfs: [], capAdd: [] },
  // --tls acme: writes only the certs volume, as root (uid 0, which owns the volume's folder), so no
  // capability at all: openssl's temporary files are made in the volume, beside the final name.
  [SERVICES.tlsBootstrap]: { tmpfs: [], capAdd: [] },
  [SERVICES.nginx]: NGINX,
  [SERVICES.static]: NGINX,
  [SERVICES.db]: {
    tmpfs: [
      { value: '/var/run/postgresql', why: "the server's socket and lock file" },
      { value: '/tmp', why: "initdb's password file, on the first start" },
    ],
    capAdd: [
      { value: 'CHOWN', why: 'the entrypoint (root) gives the data folder to the postgres user' },
      { value: 'DAC_OVERRIDE', why: "the entrypoint (root) looks and writes inside the data folder, which is postgres's own, mode 700" },
      { value: 'FOWNER', why: 'the entrypoint (root) sets the mode of folders postgres owns' },
      { value: 'SETGID', why: 'the entrypoint then runs the server as the postgres group' },
      { value: 'SETUID', why: 'the entrypoint then runs the server as the postgres user' },
    ],
  },
  [SERVICES.backup]: {
    tmpfs: [],
    capAdd: [
      { value: 'DAC_OVERRIDE', why: 'root writes the dump into ./backups, a folder the host user owns' },
      { value: 'CHOWN', why: 'the dump is given the owner of ./backups, so it can be read and deleted without root' },
    ],
  },
};

/** The security option every service gets, and how a compose file or `docker inspect` may spell it. */
export const NO_NEW_PRIVILEGES = 'no-new-privileges:true';
export const setsNoNewPrivileges = (options: readonly string[]): boolean => options.some((option) => option === NO_NEW_PRIVILEGES || option === 'no-new-privileges');

/** Services nobody wrote a row for: nothing writable but their volumes, no capabilities. */
export const STRICTEST: Profile = { tmpfs: [], capAdd: [] };

/**
 * With --tls acme, nginx-start.sh gives the certificate folder the workers' group and the setgid
 * bit, so the PEM the acme service writes there is readable by the workers. Without FSETID the
 * kernel drops that bit silently (chmod(2)) and every handshake fails with "Permission denied".
 */
const ACME_NGINX: Grant = { value: 'FSETID', why: "sets the setgid bit on the certificate folder, so the acme service's certificate gets the workers' group" };

/** Services that import the project's settings, so run whatever they do at import. */
const IMPORTS_SETTINGS = new Set<string>([SERVICES.app, SERVICES.collectstatic, SERVICES.migrate]);

/** Celery and RQ workers, beat and Procfile processes: the app's code, with Python's tempfile (beat's schedule file is there too). */
const PROCESS: Profile = { tmpfs: [{ value: '/tmp', why: "Python's tempfile, and beat's schedule file" }], capAdd: [] };

/**
 * Redis without persistence writes nothing, but its image declares VOLUME /data: without a mount
 * there, every container start leaves an anonymous volume behind that `down` never removes.
 * An empty tmpfs is that mount, and costs nothing.
 */
const REDIS_EPHEMERAL: Profile = {
  tmpfs: [{ value: CONTAINER_REDIS_DATA, why: 'the image declares a volume here; without persistence this keeps an anonymous volume from being left behind' }],
  capAdd: [],
};

/** A process service's profile (Redis and release write nothing but their volume or the database), else the row's. */
function rowOf(service: string, config: Partial<Pick<StackConfig, 'processes'>>): { profile: Profile; importsSettings: boolean } {
  const processes = config.processes;
  if (service === SERVICES.redis && processes?.redis && !processes.redis.volume) return { profile: REDIS_EPHEMERAL, importsSettings: false };
  if (processes && (processes.workers.some((worker) => worker.service === service) || (service === SERVICES.beat && processes.celery?.beat))) return { profile: PROCESS, importsSettings: true };
  if (processes && processServices(processes).includes(service)) return { profile: STRICTEST, importsSettings: service === SERVICES.release };
  return { profile: PROFILES[service] ?? STRICTEST, importsSettings: IMPORTS_SETTINGS.has(service) };
}

export function profileOf(service: string, config: Pick<StackConfig, 'tls'> & Partial<Pick<StackConfig, 'importWrites' | 'processes'>>): Profile {
  const row = rowOf(service, config);
  let profile = row.profile;
  if (service === SERVICES.nginx && config.tls.mode === 'acme') profile = { ...profile, capAdd: [...profile.capAdd, ACME_NGINX] };
  // A folder the settings create at import (os.makedirs(LOG_DIR)) would fail on the read-only root.
  const writes = row.importsSettings ? (config.importWrites ?? []).filter((write) => !profile.tmpfs.some((grant) => grant.value === write.path)) : [];
  if (writes.length > 0) {
    profile = {
      ...profile,
      tmpfs: [
        ...profile.tmpfs,
        ...writes.map((write) => ({ value: write.path, why: `the settings create this folder at import (${write.source}); what is written there lasts as long as the container` })),
      ],
    };
  }
  return profile;
}
