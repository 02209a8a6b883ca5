/**
 * collectstatic: the static files, collected into a volume the app reads and nginx serves. A
 * target that bakes them into a release image (Swarm) collects them while building instead.
 */
import { SERVICES } from '../../config/names.js';
import type { StackConfig } from '../../config/stack-config.js';
import type { Feature, Service } from '../service.js';
import { staticMounts } from './static-volume.js';
import { appBase } from './app.js';

/**
 * collectstatic, then the build steps the project declares: django-compressor offline needs
 * `compress` to write the files its {% compress %} tags name (and the manifest they are read from).
 */
export function collectCommand(config: StackConfig): string {
  return ['python manage.py collectstatic --noinput', ...(config.compress ? ['python manage.py compress --force'] : [])].join(' && ');
}

export const collectstatic: Feature = {
  name: 'collectstatic',
  services(context): Record<string, Service> {
    const { config, traits } = context;
    if (traits.bakesStatic) return {};
    return {
      [SERVICES.collectstatic]: {
        ...appBase(context),
        // One-shot: fills the static volume, precompresses for nginx's gzip_static, then records
        // the release's manifest (earlier releases' files stay until a passing check prunes them).
        command: ['sh', '-c', `${collectCommand(config)} && python ${config.files.compressStatic} ${config.static.appDir} && python ${config.files.staticReleases} record ${config.static.appDir}`],
        mounts: staticMounts(config, traits, config.static.appDir, false),
        lifecycle: 'one-shot',
      },
    };
  },
  volumes: ({ config, traits }) => (traits.bakesStatic ? [] : [config.static.volume]),
};
