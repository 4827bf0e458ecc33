import { engine } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';

/** Options of {@link cpu}. */
export interface CpuOptions {
  /** Priority used by `auto()` (default 10: the fallback of last resort). */
  priority?: number;
}

/**
 * The plain-JavaScript backend: runs everywhere, slowest. The reference for conformance tests.
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
    },
    afterActivate() {
      // tfjs-backend-cpu prints an advertisement for tfjs-node on its first write in Node;
      // the choice of backend is the app's, so mark the banner as shown.
      const backend = engine().backend as { firstUse?: boolean };
      if ('firstUse' in backend) backend.firstUse = false;
    },
  };
}
