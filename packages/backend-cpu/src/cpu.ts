import { engine } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { registerCpuKernels, registerGradientFixes } from '@tessera/kernels';

/**
 * Options of {@link cpu}.
 *
 * @example
 * ```ts
 * await useBackend(cpu({ priority: 5, kernels: false }));
 * ```
 */
export interface CpuOptions {
  /** Priority used by `auto()` (default 10: the fallback of last resort). */
  priority?: number;
  /**
   * Replace three slow tfjs-backend-cpu kernels with Tessera's (default true): Conv2DBackpropFilter
   * by im2col + one matMul instead of a naive loop (conv and conv-transpose weights train tens of
   * times faster), a one-pass UnsortedSegmentSum instead of one that compares every id with
   * every segment (an Embedding gradient with an 8,000-word vocabulary: milliseconds, not a minute),
   * and a GatherV2 that copies whole rows (shuffled batches: ~0.1 ms instead of ~17 ms).
   */
  kernels?: boolean;
}

/**
 * The plain-JavaScript backend: runs everywhere, slowest. The reference for conformance tests.
 * Registers `@tessera/kernels`' gradient fixes (the ones for every backend) and, unless
 * `kernels: false`, its cpu Conv2DBackpropFilter, UnsortedSegmentSum and GatherV2 (for cpu only).
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { cpu } from '@tessera/backend-cpu';
 * await useBackend(cpu());
 * ```
 */
export function cpu(options: CpuOptions = {}): BackendPlugin {
  return {
    name: 'cpu',
    priority: options.priority ?? 10,
    isAvailable: () => true,
    async load() {
      await import('@tensorflow/tfjs-backend-cpu');
      registerGradientFixes();
      if (options.kernels !== false) registerCpuKernels();
    },
    afterActivate() {
      // tfjs-backend-cpu prints an advertisement for tfjs-node on its first write in Node;
      // the choice of backend is the app's, so mark the banner as shown.
      const backend = engine().backend as { firstUse?: boolean };
      if ('firstUse' in backend) backend.firstUse = false;
    },
  };
}
