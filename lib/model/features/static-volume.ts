/** The static volume (collectstatic writes it, the app and nginx read it), where the files are not baked into an image. */
import type { StackConfig } from '../../config/stack-config.js';
import type { Mount, TargetTraits } from '../service.js';

export function staticMounts(config: StackConfig, traits: TargetTraits, dir: string, readOnly: boolean): Mount[] {
  return traits.bakesStatic ? [] : [{ type: 'volume', source: config.static.volume, target: dir, readOnly }];
}
