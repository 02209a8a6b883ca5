/** The service model of a StackConfig for a target: every feature's contribution, in FEATURES order. */
import type { StackConfig } from '../config/stack-config.js';
import { FEATURES } from './features/index.js';
import type { StackModel, TargetTraits } from './service.js';

export function buildModel(config: StackConfig, traits: TargetTraits): StackModel {
  const context = { config, traits };
  const model: StackModel = { services: {}, volumes: [] };
  for (const feature of FEATURES) {
    Object.assign(model.services, feature.services?.(context) ?? {});
    model.volumes.push(...(feature.volumes?.(context) ?? []));
  }
  return model;
}
