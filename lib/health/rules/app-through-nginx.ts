import { header, probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** Django answers through nginx (not nginx's own error page). */
export const appThroughNginx: HealthRule = {
  id: 'app-through-nginx',
  async check({ config, port, host }) {
    // startproject routes only /admin/: the home page is Django's 404, so the admin is tried too.
    let path = '/';
    let response = await probe(port, path, host);
    if (response.status === 404 && config.probeStaticFile) response = await probe(port, (path = '/admin/'), host);
    const fromNginxItself = /<center>nginx<\/center>/.test(response.body);
    const ok = header(response, 'server') === 'nginx' && response.status < 500 && response.status !== 400 && !fromNginxItself;
    return { ok, detail: `${path}: ${response.status} for Host ${host.Host}${ok ? ' (Django answered)' : ''}`, response, path };
  },
};
