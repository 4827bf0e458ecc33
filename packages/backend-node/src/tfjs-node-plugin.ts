import type { BackendPlugin } from '@tessera/core';
import { BackendUnavailableError, detectRuntime, recordTfjsCore, resolveInNode } from '@tessera/core';
import { registerGradientFixes, registerTensorflowKernels } from '@tessera/kernels';
import { checkTensorflowVersion, readTensorflowVersion } from './tensorflow-version.js';

/**
 * What differs between the tfjs-node and tfjs-node-gpu plugins (the argument of {@link tfjsNodePlugin}).
 *
 * @example
 * ```ts
 * const flavor: TfjsNodeFlavor = {
 *   name: 'node-gpu',
 *   pkg: '@tensorflow/tfjs-node-gpu',
 *   priority: 50,
 *   requirements: 'Linux x86-64 with an NVIDIA GPU, CUDA 11.2 and cuDNN 8.1',
 * };
 * await useBackend(tfjsNodePlugin(flavor));
 * ```
 */
export interface TfjsNodeFlavor {
  /** Tessera backend name. */
  name: 'node' | 'node-gpu';
  /** The optional peer package that provides the native backend. */
  pkg: '@tensorflow/tfjs-node' | '@tensorflow/tfjs-node-gpu';
  /** Priority used by `auto()`. */
  priority: number;
  /** What the package needs on the machine, said in the error. */
  requirements: string;
  /** How to get the package, said in the error when it is missing (default: `npm install PKG@4.22.0`). */
  install?: string;
  /** TensorFlow versions known to work; another one is refused at load (default: any). */
  testedTensorflow?: readonly string[];
  /** Load a TensorFlow version outside `testedTensorflow` anyway (default false). */
  allowUntestedTensorflow?: boolean;
}

/**
 * A file URL for an absolute path (POSIX or Windows), for `import()`: a bare `C:\\...` path is
 * not a valid module specifier on Windows.
 *
 * @example
 * ```ts
 * fileUrl('C:\\app\\node_modules\\x\\index.js'); // 'file:///C:/app/node_modules/x/index.js'
 * ```
 */
export function fileUrl(path: string): string {
  const p = path.replace(/\\/g, '/');
  return `file://${p.startsWith('/') ? '' : '/'}${encodeURI(p).replace(/[?#]/g, encodeURIComponent)}`;
}

/**
 * Builds a plugin for a libtensorflow-based Node backend (tfjs registers it as 'tensorflow').
 * The package is an optional peer: when missing, `isAvailable()` is false and loading throws
 * a {@link BackendUnavailableError} that says what to install. Loading sets
 * `TF_ENABLE_ONEDNN_OPTS=0` (measured: matMul twice as fast, and oneDNN's conv gradients are wrong
 * for some shapes) and `TF_CPP_MIN_LOG_LEVEL=1` (no INFO lines on stderr) unless the environment
 * sets them, reads the TensorFlow version from the native binding and refuses one outside
 * `testedTensorflow` before anything is registered, then registers `@tessera/kernels`' gradient
 * fixes over tfjs-node's gradients and its kernel fixes for the tensorflow backend.
 *
 * @example
 * ```ts
 * const plugin = tfjsNodePlugin({ name: 'node', pkg: '@tensorflow/tfjs-node', priority: 40, requirements: '...' });
 * ```
 */
export function tfjsNodePlugin(flavor: TfjsNodeFlavor): BackendPlugin {
  const reason = (): string =>
    detectRuntime() !== 'node'
      ? `${flavor.pkg} runs only in Node.js`
      : `${flavor.pkg} is not installed. ${flavor.install ?? `Install it with \`npm install ${flavor.pkg}@4.22.0\``} (${flavor.requirements})`;
  const locate = () => resolveInNode(flavor.pkg, import.meta.url).then((p) => p ?? resolveInNode(flavor.pkg));
  return {
    name: flavor.name,
    tfjsName: 'tensorflow',
    priority: flavor.priority,
    async isAvailable() {
      return (await locate()) !== undefined;
    },
    unavailableReason: reason,
    async load() {
      const entry = await locate();
      if (!entry) throw new BackendUnavailableError(flavor.name, reason());
      // TensorFlow reads these when the library loads and runs its first op.
      const env = process.env;
      env.TF_ENABLE_ONEDNN_OPTS ??= '0';
      env.TF_CPP_MIN_LOG_LEVEL ??= '1';
      let version: string;
      try {
        version = readTensorflowVersion(flavor.pkg, entry);
      } catch (cause) {
        throw new BackendUnavailableError(
          flavor.name,
          `${flavor.pkg} is installed at ${entry} but its native binding does not load: ${(cause as Error).message} (${flavor.requirements})`,
          { cause },
        );
      }
      if (flavor.testedTensorflow)
        checkTensorflowVersion(flavor.name, version, flavor.testedTensorflow, flavor.allowUntestedTensorflow ?? false);
      try {
        await import(/* @vite-ignore */ fileUrl(entry));
      } catch (cause) {
        throw new BackendUnavailableError(
          flavor.name,
          `${flavor.pkg} is installed at ${entry} but failed to load: ${(cause as Error).message} (${flavor.requirements})`,
          { cause },
        );
      }
      // tfjs-node imports the whole @tensorflow/tfjs, which registers tfjs-core's gradients: Tessera's go on top.
      registerGradientFixes();
      registerTensorflowKernels();
      const core = await resolveInNode('@tensorflow/tfjs-core', entry);
      if (core) recordTfjsCore(core, 'unknown', flavor.pkg);
    },
  };
}
