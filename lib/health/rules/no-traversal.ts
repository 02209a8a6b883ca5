import { fileServerAnswered, folderAbove } from '../../nginx/rules.js';
import { probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** No file outside the static folder is readable through the static location (the off-by-slash alias). */
export const noTraversal: HealthRule = {
  id: 'no-traversal',
  async check({ config, port, host }) {
    const base = config.static.url.replace(/\/$/, '');
    const leaks: string[] = [];
    for (const path of [folderAbove(config.static.url), `${base}..%2f`]) {
      const response = await probe(port, path, host);
      if (fileServerAnswered(response.status)) leaks.push(`${path} -> ${response.status}`);
    }
    for (const path of [`${base}../manage.py`, `${config.static.url}../manage.py`]) {
      const response = await probe(port, path, host);
      if (response.status === 200 && /DJANGO_SETTINGS_MODULE|Index of/.test(response.body)) leaks.push(`${path} -> 200`);
    }
    return { ok: leaks.length === 0, detail: leaks.length ? `files outside the static folder are readable: ${leaks.join(', ')}` : 'traversal probes get no file content' };
  },
};
