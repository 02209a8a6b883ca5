/**
 * One validator per answer. Each returns a one-line reason when the value is wrong, or
 * undefined when it is fine, so prompts (ask again) and --yes (exit non-zero) share them.
 */
import { SUPPORTED_PYTHON } from '../detect/dependencies/python-version.js';
import { MIN_APP_MEMORY_MIB, parseMemory } from './limits.js';

export type Validator<T> = (value: T) => string | undefined;

/** Compose project names: lowercase letters, digits, dashes and underscores, starting with a letter or digit. */
export const projectName: Validator<string> = (value) =>
  /^[a-z0-9][a-z0-9_-]*$/.test(value) ? undefined : `"${value}" is not a valid compose project name: use lowercase letters, digits, "-" and "_", starting with a letter or digit`;

const DOTTED = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*$/;

export const settingsModule: Validator<string> = (value) => (DOTTED.test(value) ? undefined : `"${value}" is not a Python module path (expected something like mysite.settings)`);

export const wsgiApplication: Validator<string> = (value) =>
  /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*[.:][A-Za-z_]\w*$/.test(value) && value.includes('.') ? undefined : `"${value}" is not a WSGI application path (expected something like mysite.wsgi.application)`;

export const asgiApplication: Validator<string> = (value) =>
  /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)*[.:][A-Za-z_]\w*$/.test(value) && value.includes('.') ? undefined : `"${value}" is not an ASGI application path (expected something like mysite.asgi.application)`;

export const pythonVersion: Validator<string> = (value) =>
  (SUPPORTED_PYTHON as readonly string[]).includes(value) ? undefined : `Python "${value}" has no supported python:${value}-slim image; choose one of ${SUPPORTED_PYTHON.join(', ')}`;

/** A URL path that nginx can own: /x/ with safe characters, never "/" alone. */
export const urlPath =
  (setting: string, example: string): Validator<string> =>
  (value) => {
    if (/^[a-z]+:\/\//i.test(value) || value.startsWith('//')) {
      return `${setting} "${value}" is a full URL (a CDN?); this stack serves ${setting} from nginx, so it must be a path like ${example}`;
    }
    if (!value.startsWith('/') || !value.endsWith('/')) return `${setting} "${value}" must start and end with "/" (for example ${example})`;
    if (value === '/') return `${setting} "/" would hand every URL of the site to nginx's file server; use a prefix like ${example}`;
    if (!/^\/([A-Za-z0-9._~-]+\/)+$/.test(value)) return `${setting} "${value}" may only use letters, digits, ".", "_", "~" and "-" between slashes`;
    if (value.split('/').some((segment) => segment === '.' || segment === '..')) return `${setting} "${value}" must not contain "." or ".." segments`;
    return undefined;
  };

export const port: Validator<number> = (value) => (Number.isInteger(value) && value >= 1 && value <= 65535 ? undefined : `port "${value}" is impossible: use a whole number from 1 to 65535`);

export const bindAddress: Validator<string> = (value) => {
  const octets = value.split('.');
  const ok = octets.length === 4 && octets.every((octet) => /^\d{1,3}$/.test(octet) && Number(octet) <= 255);
  return ok ? undefined : `bind address "${value}" is not an IPv4 address (use 127.0.0.1 for this machine only, 0.0.0.0 for every interface)`;
};

const HOST_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/** Host names as Django ALLOWED_HOSTS and nginx server_name both understand them. */
export const serverNames: Validator<string[]> = (names) => {
  if (names.length === 0) return 'give at least one server name (for example localhost or example.com)';
  for (const name of names) {
    const bare = name.startsWith('.') ? name.slice(1) : name;
    if (!bare.split('.').every((label) => HOST_LABEL.test(label))) {
      return `"${name}" is not a host name (letters, digits and "-" between dots; a leading "." also matches subdomains)`;
    }
  }
  return undefined;
};

export const workers: Validator<string> = (value) =>
  value === 'auto' || (/^\d+$/.test(value) && Number(value) >= 1 && Number(value) <= 128) ? undefined : `workers "${value}" must be "auto" (2 × CPUs + 1 at start-up) or a whole number from 1 to 128`;

/** The app container's memory bound: "auto" (from the worker count) or a size in MiB or GiB. */
export const appMemory: Validator<string> = (value) => {
  if (value === 'auto') return undefined;
  const mib = parseMemory(value);
  if (mib === undefined) return `app memory "${value}" must be "auto" or a size like 768m or 2g`;
  if (mib < MIN_APP_MEMORY_MIB) return `app memory "${value}" is below ${MIN_APP_MEMORY_MIB}m, too little for Django and one gunicorn worker`;
  if (mib > 1024 * 1024) return `app memory "${value}" is more than 1024g`;
  return undefined;
};

/** A worker container's memory bound: a size in MiB or GiB. */
export const workerMemory: Validator<string> = (value) => {
  const mib = parseMemory(value);
  if (mib === undefined) return `worker memory "${value}" must be a size like 512m or 1g`;
  return mib < MIN_APP_MEMORY_MIB ? `worker memory "${value}" is below ${MIN_APP_MEMORY_MIB}m, too little for Django and a worker` : undefined;
};

export const bodySize: Validator<string> = (value) => (/^\d+[kKmMgG]?$/.test(value) ? undefined : `client_max_body_size "${value}" must be a size like 10m, 512k or 1g`);

/** Docker image references: [registry[:port]/]name[:tag][@digest]. */
export const imageReference: Validator<string> = (value) =>
  /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/.test(value)
    ? undefined
    : `"${value}" is not a Docker image reference (expected something like python:3.12-slim)`;

/** The database for the target: a SQLite file lives in one node's volume, and Swarm replicas elsewhere would each see another, empty database. */
export const databaseOnTarget = (value: string, earlier: { target?: string }): string | undefined =>
  value === 'sqlite' && earlier.target === 'swarm' ? "--target swarm needs --database postgres or external: a SQLite file lives in one node's volume, which replicas cannot share" : undefined;

/** HTTPS on Swarm needs the certificate in every nginx task (not built yet). */
export const tlsOnTarget = (value: string, earlier: { target?: string }): string | undefined =>
  value !== 'off' && earlier.target === 'swarm' ? `--target swarm does not support --tls ${value} yet: terminate HTTPS in front of the swarm, or use --target compose` : undefined;

/** A repository without tag or digest: swarm.sh appends /app:<tag> and /static:<tag>. */
export const imageRepository: Validator<string> = (value) =>
  /^([a-z0-9.-]+(:\d+)?\/)?[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/.test(value)
    ? undefined
    : `"${value}" is not an image repository (expected <registry>/<path> without a tag, such as 127.0.0.1:5000/mysite)`;

export const keepReleases: Validator<number> = (value) => (Number.isInteger(value) && value >= 0 && value <= 20 ? undefined : `keep-releases "${value}" must be a whole number from 0 to 20`);
export const replicas: Validator<number> = (value) => (Number.isInteger(value) && value >= 1 && value <= 64 ? undefined : `replicas "${value}" must be a whole number from 1 to 64`);

/** Project-relative folders only: the Docker build context is the project. */
export const projectRelativeDir: Validator<string> = (value) =>
  value.startsWith('/') || value.split('/').includes('..') || value === '' ? `"${value}" must be a folder inside the project, written relative to its root` : undefined;

/** Enough of an address for an ACME account: the CA checks it properly. */
export const email: Validator<string> = (value) => (/^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$/.test(value) ? undefined : `"${value}" is not an e-mail address`);

export const httpsUrl: Validator<string> = (value) => {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  // Written into a shell script in single quotes: no quote, space or backslash.
  return url?.protocol === 'https:' && !/['"\s\\`]/.test(value) ? undefined : `"${value}" is not an https:// URL (an ACME directory, such as https://acme-v02.api.letsencrypt.org/directory)`;
};

/** A file on the host: absolute, or relative to the project (compose mounts it from there). */
export const hostFile =
  (option: string): Validator<string> =>
  (value) =>
    value === '' ? `${option} needs a file` : /[\s:,]/.test(value) ? `${option} "${value}" must not contain spaces, ":" or "," (compose mounts it by that path)` : undefined;
