import { probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** No file outside the static folder is readable through the static location (the off-by-slash alias). */
export const noTraversal: HealthRule = {
  id: 'no-traversal',
  async check({ config, port, host }) {
    const base = config.static.url.replace(/\/$/, '');
    const leaks: string[] = [];
    // With the off-by-slash alias, "/static../" is the folder above the static files: nginx answers
    // it itself, 403 (autoindex off) or a listing. Passed to Django, it is a 404.
    for (const path of [`${base}../`, `${base}..%2f`]) {
      const response = await probe(port, path, host);
      if (response.status === 200 || response.status === 403) leaks.push(`${path} -> ${response.status}`);
    }
    for (const path of [`${base}../manage.py`, `${config.static.url}../manage.py`]) {
      const response = await probe(port, path, host);
      if (response.status === 200 && /DJANGO_SETTINGS_MODULE|Index of/.test(response.body)) leaks.push(`${path} -> 200`);
    }
    return { ok: leaks.length === 0, detail: leaks.length ? `files outside the static folder are readable: ${leaks.join(', ')}` : 'traversal probes get no file content' };
  },
};
