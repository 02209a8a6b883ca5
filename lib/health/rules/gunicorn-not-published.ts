import { SERVICES } from '../../config/names.js';
import type { HealthRule } from '../rule.js';

/** Only nginx has a host port: gunicorn is reachable through it alone. */
export const gunicornNotPublished: HealthRule = {
  id: 'gunicorn-not-published',
  async check({ stack }) {
    const published = await stack.publishedPorts(SERVICES.app);
    if (!published) return { ok: false, detail: `no ${SERVICES.app} container to inspect` };
    return { ok: published.length === 0, detail: published.length ? `published: ${published.join(', ')}` : 'only nginx has a host port' };
  },
};
