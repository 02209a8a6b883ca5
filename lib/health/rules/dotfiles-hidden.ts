import { probe } from '../../probe/http-probe.js';
import type { HealthRule } from '../rule.js';

/** A dotfile placed in the static volume is not served (two one-off containers, about a second each). */
export const dotfilesHidden: HealthRule = {
  id: 'dotfiles-hidden',
  alongside: true,
  async check({ config, stack, port, host }) {
    if (!stack.runWithStaticVolume) {
      return {
        ok: true,
        skipped: true,
        detail:
          "the static files are baked into an image here (read-only, no volume), so no dotfile can be placed to probe; the static rules are the compose stack's (one template), probed by its check",
      };
    }
    const name = '.health-check-dotfile';
    const write = await stack.runWithStaticVolume(['sh', '-c', `echo secret > ${config.static.appDir}/${name}`]);
    const response = await probe(port, config.static.url + name, host);
    await stack.runWithStaticVolume(['rm', '-f', `${config.static.appDir}/${name}`]);
    if (write.exitCode !== 0) return { ok: false, detail: `could not place a dotfile in the static volume to test with: ${write.output.trim().split('\n').at(-1)}` };
    return { ok: response.status === 404, detail: `${config.static.url}${name}: ${response.status}`, response };
  },
};
