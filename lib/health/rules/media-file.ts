import { SERVICES } from '../../config/names.js';
import { probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** A file the app writes into the media volume is served by nginx (or, for private uploads, refused to a direct request). */
export const mediaFile: HealthRule = {
  id: 'media-file',
  needs: ({ config }) => config.media !== undefined,
  async check({ config, stack, port, host }) {
    const media = config.media!;
    const name = `health-check-${Date.now()}.txt`;
    const write = await stack.exec(SERVICES.app, ['sh', '-c', `echo media-ok > ${media.appDir}/${name}`]);
    if (write.exitCode !== 0) return { ok: false, detail: `could not write into the media volume: ${write.output.trim().split('\n').at(-1)}` };
    const response = await probe(port, media.url + name, host);
    await stack.exec(SERVICES.app, ['rm', '-f', `${media.appDir}/${name}`]);
    // Private uploads: the file is there, and a request for its URL must not get it.
    if (media.internal) return { ok: response.status === 404, detail: `${media.url}${name}: ${response.status} (internal: only X-Accel-Redirect serves it)`, response };
    const ok = response.status === 200 && response.body.trim() === 'media-ok';
    return { ok, detail: `${media.url}${name}: ${response.status}`, response };
  },
};
