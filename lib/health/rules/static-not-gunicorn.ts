import { SERVICES } from '../../config/names.js';
import type { HealthRule } from '../rule.js';

/** The static file probed did not reach gunicorn (its access log does not show it). */
export const staticNotGunicorn: HealthRule = {
  id: 'static-not-gunicorn',
  async check({ stack, staticPath }) {
    const path = await staticPath();
    if (!path) return { ok: false, detail: 'no static file was probed' };
    const appLog = await stack.logs(SERVICES.app, 500);
    const leaked = appLog.split('\n').some((line) => line.includes(path));
    return { ok: !leaked, detail: leaked ? `gunicorn's access log shows ${path}` : 'no static request reached gunicorn' };
  },
};
