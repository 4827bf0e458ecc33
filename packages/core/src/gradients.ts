import type { GradConfig } from '@tensorflow/tfjs-core';
import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { gradientConfigs } from './gradient-configs.js';

/**
 * tfjs-core's own gradients (its `register_all_gradients` list), as {@link registerCoreGradients}
 * registers them. Tessera's additions and replacements live in `@tessera/kernels` (`gradientFixes`),
 * which the backend plugins register.
 *
 * @example
 * ```ts
 * const stock = tfjsGradientConfigs.find((c) => c.kernelName === 'LeakyRelu');
 * ```
 */
export const tfjsGradientConfigs: readonly GradConfig[] = gradientConfigs as GradConfig[];

let registered = false;

/**
 * Registers tfjs-core's gradients (bare tfjs-core registers none) for every kernel that has no
 * gradient yet, so a gradient registered before (e.g. Tessera's from `@tessera/kernels`, which
 * the backend plugins register when they load) is kept. Idempotent; called by `useBackend`,
 * exported for apps that set a backend through tfjs directly.
 *
 * @example
 * ```ts
 * registerCoreGradients();
 * ```
 */
export function registerCoreGradients(): void {
  if (registered) return;
  for (const config of tfjsGradientConfigs) {
    if (getGradient(config.kernelName) == null) registerGradient(config);
  }
  registered = true;
}
