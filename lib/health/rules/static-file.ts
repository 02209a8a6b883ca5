import { header, probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** A collected file comes from nginx: 200, its type, immutable when hashed, gzip unless small. */
export const staticFile: HealthRule = {
  id: 'static-file',
  async check({ config, port, host, staticPath }) {
    const path = await staticPath();
    if (!path) return { ok: false, detail: 'no collected file to probe (staticfiles.json is empty or unreadable)' };
    const response = await probe(port, path, { ...host, 'Accept-Encoding': 'gzip' });
    const type = header(response, 'content-type') ?? '';
    const cacheControl = response.headers.get('cache-control') ?? [];
    const problems: string[] = [];
    if (response.status !== 200) problems.push(`status ${response.status}`);
    if (response.status === 200 && !/^(text\/css|application\/javascript|text\/javascript)/.test(type)) problems.push(`Content-Type ${type || 'missing'}`);
    if (new RegExp(config.hashedNamePattern).test(path) && (cacheControl.length !== 1 || !cacheControl[0]!.includes('immutable'))) {
      problems.push(`Cache-Control ${JSON.stringify(cacheControl)} (want exactly one, immutable)`);
    }
    // Files under 1 KiB are sent plain on purpose (gzip_min_length).
    const small = Number(header(response, 'content-length') ?? Infinity) < 1024;
    if (response.status === 200 && header(response, 'content-encoding') !== 'gzip' && !small) problems.push('not gzip-encoded');
    return {
      ok: problems.length === 0,
      detail: `${path}: ${problems.length ? problems.join(', ') : `200 ${type}, immutable, ${header(response, 'content-encoding') ?? 'plain (small)'}`}`,
      response,
    };
  },
};
