import type { BackendPlugin } from '@tessera/core';
import { TESTED_TENSORFLOW_VERSIONS } from './tensorflow-version.js';
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
  /**
   * Load a TensorFlow library outside {@link TESTED_TENSORFLOW_VERSIONS} anyway (default false:
   * `useBackend(node())` refuses it, naming the expected and the received version).
   */
  allowUntestedTensorflow?: boolean;
}

/**
 * The native TensorFlow (CPU) backend from `@tensorflow/tfjs-node`, an optional peer dependency.
 * In the Tessera repository `npm run setup:native` builds it offline against TensorFlow 2.21;
 * {@link tensorflowVersion} tells which library it runs on once loaded, and an untested one is
 * refused unless `allowUntestedTensorflow`. Loading sets `TF_ENABLE_ONEDNN_OPTS=0` unless the
 * environment sets it.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { node, tensorflowVersion } from '@tessera/backend-node';
 * await useBackend(node()); // throws with install instructions when tfjs-node is missing
 * console.log(tensorflowVersion()); // '2.21.0'
 * ```
 */
export function node(options: NodeOptions = {}): BackendPlugin {
  return tfjsNodePlugin({
    name: 'node',
    pkg: '@tensorflow/tfjs-node',
    priority: options.priority ?? 40,
    install:
      'In the Tessera repository run `npm run setup:native` (offline, Linux x86-64); elsewhere `npm install @tensorflow/tfjs-node@4.22.0`',
    requirements:
      'its install script downloads libtensorflow 2.9.1 for Linux x86-64, macOS or Windows, so the install needs network access to storage.googleapis.com',
    testedTensorflow: TESTED_TENSORFLOW_VERSIONS,
    allowUntestedTensorflow: options.allowUntestedTensorflow ?? false,
  });
}
