/**
 * The compose file doctor reads (the production one among several), and which of its services
 * run nginx and Django. The reading itself is lib/compose/read.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseCompose, type ComposeFacts, type Mount, type Service } from '../compose/read.js';

export { parseCompose, type ComposeFacts, type Mount, type PublishedPort, type Service } from '../compose/read.js';

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
