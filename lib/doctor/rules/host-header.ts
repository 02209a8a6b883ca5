import { isNginx } from '../compose.js';
import { listenPorts, proxyHeaders, type Server } from '../../nginx/model.js';
import { djangoProxying } from './upstream.js';
import { rewrite, type DoctorFacts, type Rule } from '../rule.js';

export const DEFAULT_PORTS = [80, 443];

/** The ports a server is reached on: its listen ports, and those compose publishes for nginx. */
export function reachedOn(facts: DoctorFacts, server: Server): number[] {
  const published = facts.compose?.services.filter(isNginx).flatMap((s) => s.ports.map((p) => Number(p.text.split(':').at(-2) ?? NaN))) ?? [];
  return [...listenPorts(server), ...published.filter(Number.isInteger)];
}

/** `$host` has no port: behind a non-default port, Django's CSRF origin check fails. */
export const hostHeaderPort: Rule = {
  id: 'host-header-port',
  severity: 'medium',
  title: 'Host without the port on a non-default port',
  why: "$host drops the port, so on a non-default port Django sees another origin than the browser's Origin header and refuses every form post (CSRF) and builds wrong absolute URLs.",
  check(facts) {
    return facts.servers.flatMap((server) => {
      const odd = reachedOn(facts, server).find((port) => !DEFAULT_PORTS.includes(port));
      if (odd === undefined) return [];
      return djangoProxying(facts, server).flatMap((location) => {
        const host = proxyHeaders(location, facts.nginx.directives).get('host');
        if (!host || !['$host', '$server_name'].includes(host.value)) return [];
        return [
          {
            file: host.directive.file,
            line: host.directive.line,
            message: `proxy_set_header Host ${host.value} while the server is reached on port ${odd}`,
            fix: { file: host.directive.file, edits: [rewrite(facts, host.directive, ['Host', '$http_host'])] },
          },
        ];
      });
    });
  },
};
