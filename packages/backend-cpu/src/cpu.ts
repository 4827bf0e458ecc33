import { Conv2DBackpropFilter, engine, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { conv2dBackpropFilterConfig } from '@tessera/core';

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
   * Replace tfjs-backend-cpu's naive-loop Conv2DBackpropFilter with Tessera's im2col + one
   * matMul kernel (default true): conv and conv-transpose weights train tens of times faster.
   */
  kernels?: boolean;
}

/**
 * The plain-JavaScript backend: runs everywhere, slowest. The reference for conformance tests.
 * Registers Tessera's cpu Conv2DBackpropFilter unless `kernels: false`.
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
      const fast = conv2dBackpropFilterConfig('cpu');
      const current = getKernel(Conv2DBackpropFilter, 'cpu');
      if (options.kernels !== false && current?.kernelFunc !== fast.kernelFunc) {
        if (current) unregisterKernel(Conv2DBackpropFilter, 'cpu');
        registerKernel(fast);
      }
    },
    afterActivate() {
      // tfjs-backend-cpu prints an advertisement for tfjs-node on its first write in Node;
      // the choice of backend is the app's, so mark the banner as shown.
      const backend = engine().backend as { firstUse?: boolean };
      if ('firstUse' in backend) backend.firstUse = false;
    },
  };
}
