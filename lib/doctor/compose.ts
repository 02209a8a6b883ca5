/**
 * Compose files read with `yaml` (a real parser, keeping lines): each service's image,
 * command, environment, published ports and volume mounts, as doctor's rules need them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

export interface Mount {
  /** A named volume, or an absolute host path for a bind mount. */
  source: string;
  target: string;
  line: number;
}

export interface PublishedPort {
  text: string;
  /** The host address it is published on ('' for all addresses). */
  hostIp: string;
  line: number;
}

export interface Service {
  name: string;
  line: number;
  image: string;
  build: boolean;
  /** command and entrypoint, joined, for "does it run gunicorn/collectstatic". */
  command: string;
  /** The first and last lines of the `command:` value (and of `entrypoint:`), where the text is. */
  commandLines?: [number, number][];
  /** Which of `entrypoint` and `command` the service sets (each replaces the image's ENTRYPOINT, CMD). */
  commandKeys?: string[];
  environment: Map<string, string>;
  ports: PublishedPort[];
  /** The line of the `ports:` key. */
  portsLine?: number;
  volumes: Mount[];
  /** The least-privilege settings it has (limits also count under deploy.resources.limits). */
  hardening: { readOnly: boolean; capDrop: string[]; securityOpt: string[]; memoryLimit: boolean; pidsLimit: boolean };
}

export interface ComposeFacts {
  file: string;
  services: Service[];
  /** How the file was chosen among several, when there were several (for the report). */
  choice?: string;
}

export const COMPOSE_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];

/** Names of compose files for one purpose: production first, development last. */
const PRODUCTION_NAME = /(^|[._-])prod(uction)?([._-]|$)/i;
const DEVELOPMENT_NAME = /(^|[._-])(dev(elop(ment)?)?|local|override|test|ci|debug)([._-]|$)/i;

const isComposeName = (name: string) => /\.ya?ml$/.test(name) && (/^(docker-)?compose([._-]|\.ya?ml$)/.test(name) || /^prod(uction)?\.ya?ml$/.test(name));

/** Compose's own order of its default names; other names after them. */
const plainOrder = (file: string) => (COMPOSE_FILES.includes(file) ? COMPOSE_FILES.indexOf(file) : COMPOSE_FILES.length);

/** A compose file whose Django service runs Django's development server is not production's. */
const runsDevServer = (facts: ComposeFacts) => facts.services.some((service) => isDjango(service) && service.command.includes('runserver'));

/**
 * The compose file the server runs: `chosen` when given (--compose), else the production-looking
 * one among the folder's compose files: a name saying prod/production first, then the plain
 * compose.yaml / docker-compose.yml unless it runs `manage.py runserver`, names saying
 * dev/local/override/test last (Compose's own default, compose.yaml, is often the development one).
 */
export function readCompose(root: string, chosen?: string): ComposeFacts | undefined {
  if (chosen !== undefined) {
    const file = path.resolve(root, chosen);
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new Error(`--compose ${chosen}: no such file`);
    return parseCompose(fs.readFileSync(file, 'utf8'), path.relative(root, file).startsWith('..') ? file : path.relative(root, file), root);
  }
  const names = fs.existsSync(root) ? fs.readdirSync(root).filter(isComposeName).sort() : [];
  if (names.length === 0) return undefined;
  const read = names.map((name) => parseCompose(fs.readFileSync(path.join(root, name), 'utf8'), name, root));
  const rank = (facts: ComposeFacts) => {
    if (PRODUCTION_NAME.test(facts.file)) return 0;
    if (DEVELOPMENT_NAME.test(facts.file) || runsDevServer(facts)) return 3;
    return COMPOSE_FILES.includes(facts.file) ? 1 : 2;
  };
  const best = read.map((facts, order) => ({ facts, order, rank: rank(facts) })).sort((a, b) => a.rank - b.rank || plainOrder(a.facts.file) - plainOrder(b.facts.file) || a.order - b.order)[0]!.facts;
  if (names.length === 1) return best;
  const reason = PRODUCTION_NAME.test(best.file)
    ? 'its name says production'
    : runsDevServer(best) || DEVELOPMENT_NAME.test(best.file)
      ? 'none looks like production'
      : 'the others look like development files';
  return { ...best, choice: `compose file ${best.file}, of ${names.join(', ')}: ${reason} (choose with --compose FILE)` };
}

export function parseCompose(text: string, file: string, root: string): ComposeFacts {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter });
  if (document.errors.length > 0) throw new Error(`${file}: not valid YAML (${document.errors[0]!.message.split('\n')[0]})`);
  const lineOf = (node: Node | null | undefined) => (node?.range ? lineCounter.linePos(node.range[0]).line : 1);
  const services = document.get('services', true);
  if (!isMap(services)) return { file, services: [] };
  return {
    file,
    services: services.items.flatMap((pair) => {
      if (!isScalar(pair.key) || !isMap(pair.value)) return [];
      const service = pair.value;
      const plain = service.toJSON() as Record<string, unknown>;
      const words = (value: unknown) => (Array.isArray(value) ? value.join(' ') : typeof value === 'string' ? value : '');
      const portsNode = service.get('ports', true);
      const volumesNode = service.get('volumes', true);
      return [
        {
          name: String(pair.key.value),
          line: lineOf(pair.key as Node),
          image: typeof plain['image'] === 'string' ? plain['image'] : '',
          build: plain['build'] !== undefined,
          command: `${words(plain['entrypoint'])} ${words(plain['command'])}`.trim(),
          commandKeys: ['entrypoint', 'command'].filter((key) => plain[key] !== undefined),
          commandLines: ['entrypoint', 'command'].flatMap((key): [number, number][] => {
            const node = service.get(key, true) as Node | undefined;
            return node?.range ? [[lineOf(node), lineCounter.linePos(Math.max(node.range[0], node.range[1] - 1)).line]] : [];
          }),
          environment: environment(plain['environment']),
          portsLine: service.items.find((item) => isScalar(item.key) && item.key.value === 'ports')?.key
            ? lineOf(service.items.find((item) => isScalar(item.key) && item.key.value === 'ports')!.key as Node)
            : undefined,
          ports: isSeq(portsNode) ? portsNode.items.map((item) => publishedPort((item as Node & { toJSON(): unknown }).toJSON(), lineOf(item as Node))) : [],
          volumes: isSeq(volumesNode) ? volumesNode.items.flatMap((item) => mount((item as Node & { toJSON(): unknown }).toJSON(), lineOf(item as Node), root)) : [],
          hardening: hardening(plain),
        },
      ];
    }),
  };
}

function hardening(plain: Record<string, unknown>): Service['hardening'] {
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const limits = ((plain['deploy'] as { resources?: { limits?: Record<string, unknown> } } | undefined)?.resources?.limits ?? {}) as Record<string, unknown>;
  return {
    readOnly: plain['read_only'] === true,
    capDrop: strings(plain['cap_drop']).map((cap) => cap.toUpperCase().replace(/^CAP_/, '')),
    securityOpt: strings(plain['security_opt']),
    memoryLimit: plain['mem_limit'] !== undefined || limits['memory'] !== undefined,
    pidsLimit: plain['pids_limit'] !== undefined || limits['pids'] !== undefined,
  };
}

function environment(value: unknown): Map<string, string> {
  if (Array.isArray(value)) {
    return new Map(value.map((entry) => String(entry)).map((entry) => [entry.split('=')[0]!, entry.slice(entry.indexOf('=') + 1)]));
  }
  if (value && typeof value === 'object') return new Map(Object.entries(value).map(([key, v]) => [key, String(v ?? '')]));
  return new Map();
}

/** "8000", "8000:8000", "127.0.0.1:8000:8000" or the long form. */
function publishedPort(value: unknown, line: number): PublishedPort {
  if (value && typeof value === 'object') {
    const long = value as { host_ip?: string; published?: unknown; target?: unknown };
    return { text: `${long.host_ip ? `${long.host_ip}:` : ''}${String(long.published ?? '')}:${String(long.target ?? '')}`, hostIp: long.host_ip ?? '', line };
  }
  const text = String(value);
  const parts = text.split(':');
  // An IPv6 host address is in brackets: "[::1]:8000:8000".
  const hostIp = text.startsWith('[') ? text.slice(0, text.indexOf(']') + 1) : parts.length === 3 ? parts[0]! : '';
  return { text, hostIp, line };
}

function mount(value: unknown, line: number, root: string): Mount[] {
  let source: string | undefined;
  let target: string | undefined;
  if (typeof value === 'string') {
    const parts = value.split(':');
    if (parts.length === 1) return []; // an anonymous volume
    [source, target] = parts;
  } else if (value && typeof value === 'object') {
    ({ source, target } = value as { source?: string; target?: string });
  }
  if (!source || !target) return [];
  const bind = source.startsWith('.') || source.startsWith('/') || source.startsWith('~');
  return [{ source: bind ? path.resolve(root, source) : source, target: target.replace(/\/$/, ''), line }];
}

/** The service running nginx: by its image, or by the nginx configuration it mounts. */
export const isNginx = (service: Service) => service.image.includes('nginx') || service.volumes.some((m) => m.target.startsWith('/etc/nginx'));

/** Services that run the Django project (gunicorn, collectstatic, migrate...). */
export const isDjango = (service: Service) =>
  !isNginx(service) && (service.environment.has('DJANGO_SETTINGS_MODULE') || ['gunicorn', 'manage.py', 'django-admin'].some((word) => service.command.includes(word)) || service.build);

/** The mount of `service` a container path lies in, and the path's rest below it. */
export function mountOf(service: Service, containerPath: string): { mount: Mount; rest: string } | undefined {
  const clean = containerPath.replace(/\/$/, '');
  const hits = service.volumes.filter((m) => clean === m.target || clean.startsWith(`${m.target}/`));
  const best = hits.sort((a, b) => b.target.length - a.target.length)[0];
  return best && { mount: best, rest: clean.slice(best.target.length) };
}
