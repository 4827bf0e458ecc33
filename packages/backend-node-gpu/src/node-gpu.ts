import { tfjsNodePlugin } from '@tessera/backend-node';
import type { BackendPlugin } from '@tessera/core';

/**
 * Options of {@link nodeGpu}.
 *
 * @example
 * ```ts
 * // Let tfjs-node (priority 40) win over the GPU build when both are installed.
 * await useBackend(await auto([nodeGpu({ priority: 35 }), node(), wasm()]));
 * ```
 */
export interface NodeGpuOptions {
  /** Priority used by `auto()` (default 50: the highest in Node). */
  priority?: number;
}

/**
 * The native TensorFlow GPU backend from `@tensorflow/tfjs-node-gpu`, an optional peer
 * dependency (Linux x86-64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1).
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { nodeGpu } from '@tessera/backend-node-gpu';
 * await useBackend(nodeGpu()); // throws with install instructions when tfjs-node-gpu is missing
 * ```
 */
export function nodeGpu(options: NodeGpuOptions = {}): BackendPlugin {
  return tfjsNodePlugin({
    name: 'node-gpu',
    pkg: '@tensorflow/tfjs-node-gpu',
    priority: options.priority ?? 50,
    requirements:
      'Linux x86-64 only, with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1; its install script downloads libtensorflow 2.9.1 GPU, so the install needs network access to storage.googleapis.com',
  });
}
