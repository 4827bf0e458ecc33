import type { BackendPlugin } from '@tessera/core';
import { tfjsNodePlugin } from './tfjs-node-plugin.js';

/**
 * Options of {@link node}.
 *
 * @example
 * ```ts
 * // Prefer wasm (priority 30) over tfjs-node when auto() picks by priority.
 * await useBackend(await auto([node({ priority: 20 }), wasm()]));
 * ```
 */
export interface NodeOptions {
  /** Priority used by `auto()` (default 40: above wasm). */
  priority?: number;
}

/**
 * The native TensorFlow (libtensorflow, CPU) backend from `@tensorflow/tfjs-node`, an
 * optional peer dependency.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { node } from '@tessera/backend-node';
 * await useBackend(node()); // throws with install instructions when tfjs-node is missing
 * ```
 */
export function node(options: NodeOptions = {}): BackendPlugin {
  return tfjsNodePlugin({
    name: 'node',
    pkg: '@tensorflow/tfjs-node',
    priority: options.priority ?? 40,
    requirements:
      'its install script downloads libtensorflow 2.9.1 for Linux x86-64, macOS or Windows, so the install needs network access to storage.googleapis.com',
  });
}
