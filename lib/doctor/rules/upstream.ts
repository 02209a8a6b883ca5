/**
 * Who a proxy_pass reaches: the Django app (gunicorn, uWSGI over HTTP, daphne, uvicorn), or
 * something else a Django deployment puts behind the same nginx (a frontend dev server, an
 * object-storage emulator, flower, a dashboard). Rules about Django's proxy headers judge only
 * the first: a client's X-Forwarded-Host reaching MinIO is no Django defect.
 *
 * In order: the compose service the host names (does it run Django?), the hosts of an
 * `upstream` block, then names and ports these tools are known by. Unknown stays unknown and
 * is judged as Django (doctor is run on Django deployments).
 */
import type { Service } from '../compose.js';
import { proxying, type Location, type Server } from '../../nginx/model.js';
import { findAll, type Directive } from '../../nginx/parse.js';
import type { DoctorFacts } from '../rule.js';

export type UpstreamKind = 'django' | 'other' | 'unknown';

/** `upstream` blocks by name, read once per configuration (rules ask per location: keep it linear). */
const upstreamsOf = new WeakMap<object, Map<string, Directive>>();
function upstreamNamed(facts: DoctorFacts, name: string): Directive | undefined {
  let found = upstreamsOf.get(facts.nginx.directives);
  if (!found) {
    found = new Map(findAll(facts.nginx.directives, 'upstream').map((u) => [u.args[0] ?? '', u]));
    upstreamsOf.set(facts.nginx.directives, found);
  }
  return found.get(name);
}

/** Names (service, upstream, host) of the tools that are not the Django app. */
const OTHER_NAME =
  /flower|minio|frontend|front-end|client|node|vite|webpack|next|nuxt|react|vue|angular|svelte|grafana|pgadmin|adminer|localstack|azurite|s3|storage|mailhog|mailpit|kibana|prometheus|portainer|jupyter|notebook|storybook|rabbitmq|metabase|superset|keycloak|sentry|plausible|umami|matomo/i;
const DJANGO_NAME = /django|gunicorn|wsgi|asgi|daphne|uvicorn|^web$|^app$|^backend$|^api$|^server$|^website$|^web-?app$|^webapp$|^api-?server$/i;
/**
 * Ports of frontend dev servers (3000, 4200, 5173), flower (5555), Azurite (10000), LocalStack
 * (4566), MailHog (8025). Not 9000: gunicorn and uWSGI are as often there as MinIO (named so).
 */
const OTHER_PORTS = new Set([3000, 3001, 4200, 5173, 5555, 10000, 4566, 8025, 15672, 5601]);
/** Locations whose prefix names such a tool. */
const OTHER_PATH = /^\/(flower|minio|sockjs-node|_next|__webpack_hmr|storybook|grafana|pgadmin|kibana|s3)\b/i;

interface Target {
  host: string;
  port?: number;
}

function parseTarget(address: string): Target | undefined {
  const rest = address.replace(/^[a-z]+:\/\//i, '');
  if (rest.startsWith('unix:')) return { host: rest.slice(5).split(':')[0]! };
  const hostPort = rest.split('/')[0] ?? '';
  if (hostPort.includes('$')) return undefined;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostPort);
  return match ? { host: match[1]!, port: match[2] ? Number(match[2]) : undefined } : undefined;
}

function serviceKind(service: Service): UpstreamKind {
  if (/\b(flower|celery|npm|yarn|pnpm|node|npx)\b/.test(service.command) || OTHER_NAME.test(service.image)) return 'other';
  if (/gunicorn|uwsgi|daphne|uvicorn|manage\.py|django/i.test(service.command) || service.environment.has('DJANGO_SETTINGS_MODULE')) return 'django';
  if (OTHER_NAME.test(service.name)) return 'other';
  return DJANGO_NAME.test(service.name) ? 'django' : 'unknown';
}

function kindOfTarget(facts: DoctorFacts, target: Target): UpstreamKind {
  const service = facts.compose?.services.find((s) => s.name === target.host);
  const kind = service ? serviceKind(service) : 'unknown';
  if (kind !== 'unknown') return kind;
  const name = target.host
    .split('/')
    .at(-1)!
    .replace(/\.sock$/, '');
  if (OTHER_NAME.test(name)) return 'other';
  if (DJANGO_NAME.test(name) || /gunicorn|wsgi|asgi|daphne|uvicorn/i.test(target.host)) return 'django';
  if (target.port !== undefined && OTHER_PORTS.has(target.port)) return 'other';
  return 'unknown';
}

/** What the location's proxy_pass reaches. */
export function upstreamKind(facts: DoctorFacts, location: Location): UpstreamKind {
  if (OTHER_PATH.test(location.uri)) return 'other';
  const pass = location.directive.block?.find((d) => d.name === 'proxy_pass');
  const address = pass?.args[0];
  if (!address) return 'unknown';
  const target = parseTarget(address);
  if (!target) return 'unknown';
  const upstream = upstreamNamed(facts, target.host);
  if (upstream) {
    const own = kindOfTarget(facts, { host: target.host });
    if (own !== 'unknown') return own;
    const kinds = (upstream.block ?? [])
      .filter((d) => d.name === 'server')
      .flatMap((d) => (d.args[0] ? [parseTarget(d.args[0])] : []))
      .flatMap((t) => (t ? [kindOfTarget(facts, t)] : []));
    if (kinds.includes('django')) return 'django';
    if (kinds.length > 0 && kinds.every((k) => k === 'other')) return 'other';
    return 'unknown';
  }
  return kindOfTarget(facts, target);
}

/** Locations that proxy to the Django app (or to an upstream doctor cannot tell from it). */
export const djangoProxying = (facts: DoctorFacts, server: Server): Location[] => proxying(server).filter((location) => upstreamKind(facts, location) !== 'other');

/** Django locations whose proxy headers doctor has read in full (no unread include around them). */
export const knownDjangoProxying = (facts: DoctorFacts, server: Server): Location[] => djangoProxying(facts, server).filter((location) => !unreadIncludeAround(facts, location));

/** The addresses a location's proxy_pass reaches (an upstream block's servers, or the one named). */
function targetsOf(facts: DoctorFacts, location: Location): Target[] {
  const address = location.directive.block?.find((d) => d.name === 'proxy_pass')?.args[0];
  const target = address ? parseTarget(address) : undefined;
  if (!target) return [];
  const upstream = upstreamNamed(facts, target.host);
  if (!upstream) return [target];
  return (upstream.block ?? [])
    .filter((d) => d.name === 'server')
    .flatMap((d) => (d.args[0] ? [parseTarget(d.args[0])] : []))
    .flatMap((t) => (t ? [t] : []));
}

const LOOPBACK = /^(127\.|localhost$|\[::1\]$|::1$)/;

/**
 * Does gunicorn act on this nginx's forwarding headers (X-Forwarded-Ssl, -Protocol)? By
 * default only from forwarded_allow_ips (127.0.0.1, ::1) and over a unix socket; in compose,
 * when FORWARDED_ALLOW_IPS or --forwarded-allow-ips widens it.
 */
export function gunicornTrustsNginx(facts: DoctorFacts, location: Location): boolean {
  return targetsOf(facts, location).some((target) => {
    if (target.host.startsWith('/') || LOOPBACK.test(target.host)) return true;
    const service = facts.compose?.services.find((s) => s.name === target.host);
    return !!service && (service.environment.has('FORWARDED_ALLOW_IPS') || service.command.includes('forwarded-allow-ips'));
  });
}

/**
 * Was an `include` inside this location (or the server around it) not read? Then the headers it
 * sets are unknown, and a rule must not claim they are missing.
 */
export function unreadIncludeAround(facts: DoctorFacts, location: Location): boolean {
  const unread = facts.nginx.notes.flatMap((note) => {
    const match = /^(.*):(\d+): include /.exec(note);
    return match ? [{ file: match[1]!, line: Number(match[2]) }] : [];
  });
  return location.chain.some((level) => level.name !== 'http' && unread.some((u) => u.file === level.file && u.line >= level.line && u.line <= (level.endLine ?? level.line)));
}
