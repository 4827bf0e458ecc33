import type { GradConfig } from '@tensorflow/tfjs-core';
import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { gradientConfigs } from './gradient-configs.js';

let registered = false;

/**
 * Registers tfjs-core's gradients (bare tfjs-core registers none). Idempotent; called by
 * `useBackend`, exported for apps that set a backend through tfjs directly.
 *
 * @example
 * ```ts
 * registerCoreGradients();
 * ```
 */
export function registerCoreGradients(): void {
  if (registered) return;
  for (const config of gradientConfigs as GradConfig[]) {
    if (getGradient(config.kernelName) == null) registerGradient(config);
  }
  registered = true;
}
