import type { GradConfig } from '@tensorflow/tfjs-core';
import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { gradientConfigs } from './gradient-configs.js';
import { einsumGradConfig } from './gradient-fixes/einsum.js';
import { eluGradConfig, leakyReluGradConfig, maximumGradConfig } from './gradient-fixes/second-order.js';
import { stridedSliceGradConfig } from './gradient-fixes/strided-slice.js';

/**
 * The gradients Tessera adds to or replaces in tfjs-core, for every backend: Einsum and
 * StridedSlice (tfjs-core has none) and second-order-safe LeakyRelu, Elu and Maximum (tfjs-core's
 * are built from comparisons, so grad of grad fails, e.g. in WGAN-GP).
 *
 * @example
 * ```ts
 * tesseraGradientConfigs.map((c) => c.kernelName); // ['Einsum', 'StridedSlice', 'LeakyRelu', 'Elu', 'Maximum']
 * ```
 */
export const tesseraGradientConfigs: readonly GradConfig[] = [
  einsumGradConfig,
  stridedSliceGradConfig,
  leakyReluGradConfig,
  eluGradConfig,
  maximumGradConfig,
];

/**
 * tfjs-core's own gradients (its `register_all_gradients` list), as {@link registerCoreGradients}
 * registers them before Tessera's replacements.
 *
 * @example
 * ```ts
 * const stock = tfjsGradientConfigs.find((c) => c.kernelName === 'LeakyRelu');
 * ```
 */
export const tfjsGradientConfigs: readonly GradConfig[] = gradientConfigs as GradConfig[];

let registered = false;

/**
 * Registers tfjs-core's gradients (bare tfjs-core registers none), then Tessera's additions and
 * replacements ({@link tesseraGradientConfigs}). Gradients are global, so this serves every
 * backend. Idempotent; called by `useBackend`, exported for apps that set a backend through tfjs
 * directly.
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
  for (const config of tesseraGradientConfigs) {
    if (getGradient(config.kernelName)?.gradFunc !== config.gradFunc) registerGradient(config);
  }
  registered = true;
}
