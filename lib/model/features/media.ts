/** Uploaded media: one volume the app writes and nginx serves read-only. */
import type { StackConfig } from '../../config/stack-config.js';
import type { Feature, Mount } from '../service.js';

export function mediaMounts(config: StackConfig, reader: 'app' | 'nginx'): Mount[] {
  const media = config.media;
  if (!media) return [];
  return reader === 'app' ? [{ type: 'volume', source: media.volume, target: media.appDir }] : [{ type: 'volume', source: media.volume, target: media.nginxDir, readOnly: true }];
}

export const media: Feature = {
  name: 'media',
  volumes: ({ config }) => (config.media ? [config.media.volume] : []),
};
