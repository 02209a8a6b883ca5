/**
 * Compose files read with `yaml` (a real parser, keeping lines): each service's image, command,
 * environment, published ports and volume mounts. The one reader of compose files: doctor reads
 * the user's with it, the generator's validation its own.
 */
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
