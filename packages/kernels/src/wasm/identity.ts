import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Identity, tensor } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm this kernel uses. */
interface RefCountedBackend {
  incRef(dataId: object): void;
  readSync(dataId: object): unknown;
}

/**
 * Identity for wasm that shares the input's heap memory (one more reference on it, as the stock
 * `Reshape` does, and as tfjs-backend-cpu's `Identity` does) instead of copying it. tfjs' engine
 * calls Identity for every tensor a gradient saves (`clone`), so a CNN step copied its largest
 * activations three times: ~1.3 ms a step for the MNIST CNN's `[64, 26, 26, 32]` ones. Strings keep
 * the stock path (a new tensor of the same values).
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * const y = tf.clone(x); // y shares x's memory; disposing one keeps the other
 * ```
 */
export const wasmIdentityKernel: KernelFunc = ({ inputs, backend }) => {
  const { x } = inputs as { x: TensorInfo };
  const b = backend as unknown as RefCountedBackend;
  if (x.dtype === 'string') return tensor(b.readSync(x.dataId) as Uint8Array[], x.shape, x.dtype) as unknown as TensorInfo;
  b.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/**
 * Kernel config of {@link wasmIdentityKernel}.
 *
 * @example
 * ```ts
 * registerKernel(wasmIdentityConfig); // registerWasmKernels() does this, reversibly
 * ```
 */
export const wasmIdentityConfig: KernelConfig = { kernelName: Identity, backendName: 'wasm', kernelFunc: wasmIdentityKernel };
