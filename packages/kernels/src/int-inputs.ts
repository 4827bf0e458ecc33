import type { KernelConfig, KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { Cast, getKernel, Identity, IsFinite, IsInf, IsNan, Round } from '@tensorflow/tfjs-core';

/** The wrappers this module made, so registering twice finds its own kernel and keeps it. */
const ours = new WeakSet<KernelFunc>();

/** Disposes a kernel's intermediate result on the backend that made it. */
interface DisposingBackend {
  disposeData(dataId: object): boolean;
}

function run(backendName: string, kernelName: string, x: TensorInfo, backend: unknown, attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(kernelName, backendName);
  if (!kernel) throw new Error(`the ${backendName} backend has no ${kernelName} kernel`);
  return kernel.kernelFunc({ inputs: { x }, backend: backend as never, attrs }) as TensorInfo;
}

type OnInt = (backendName: string, x: TensorInfo, backend: unknown, original: KernelFunc) => TensorInfo;

/**
 * Wraps a backend's current `kernelName` kernel: int32 inputs go to `onInt`, every other dtype to
 * the original. Undefined when the backend has no such kernel (e.g. tfjs-node is not loaded).
 */
function forInt32(backendName: string, kernelName: string, onInt: OnInt): KernelConfig | undefined {
  const current = getKernel(kernelName, backendName);
  if (!current) return undefined;
  if (ours.has(current.kernelFunc)) return current;
  const original = current.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs.x as TensorInfo;
    return x.dtype === 'int32' ? onInt(backendName, x, args.backend, original) : original(args);
  };
  ours.add(kernelFunc);
  return { ...current, kernelFunc };
}

/** Runs `original` on `x` cast to float32 (exact for the int32 predicates below). */
const onFloatCopy: OnInt = (backendName, x, backend, original) => {
  const xf = run(backendName, Cast, x, backend, { dtype: 'float32' });
  try {
    return original({ inputs: { x: xf }, backend: backend as never, attrs: {} }) as TensorInfo;
  } finally {
    (backend as DisposingBackend).disposeData(xf.dataId);
  }
};

const predicates = [IsNan, IsFinite, IsInf];

/**
 * Kernels that fix wrong or missing int32 results of the native TensorFlow backend (tfjs-node
 * 4.22 on TensorFlow 2.21, found by the backend conformance suite): `Round` on int32 returns
 * zeros (now the identity, as on cpu), and `IsNan`, `IsFinite` and `IsInf` reject int32
 * (TensorFlow registers them for floats only; now computed on a float32 copy). Each wraps the
 * kernel tfjs-node registered, so call it after tfjs-node is loaded; empty before.
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-node');
 * for (const config of tensorflowKernelConfigs()) registerKernel(config); // node() does this through registerTensorflowKernels()
 * round(tensor1d([-3, 7], 'int32')); // [-3, 7]
 * ```
 */
export function tensorflowKernelConfigs(): KernelConfig[] {
  const configs = [
    forInt32('tensorflow', Round, (backendName, x, backend) => run(backendName, Identity, x, backend)),
    ...predicates.map((k) => forInt32('tensorflow', k, onFloatCopy)),
  ];
  return configs.filter((c): c is KernelConfig => c !== undefined);
}

/**
 * `IsNan`, `IsFinite` and `IsInf` for int32 inputs on wasm: tfjs-backend-wasm reads the int32
 * values as float32 bit patterns, so `isNaN` of -3 is true; these compute on a float32 copy.
 * Each wraps the kernel tfjs-backend-wasm registered (empty before it is imported).
 *
 * @example
 * ```ts
 * for (const config of wasmIntPredicateConfigs()) registerKernel(config); // wasm() does this through registerWasmKernels()
 * isNaN(tensor1d([-3], 'int32')); // [false]
 * ```
 */
export function wasmIntPredicateConfigs(): KernelConfig[] {
  return predicates.map((k) => forInt32('wasm', k, onFloatCopy)).filter((c): c is KernelConfig => c !== undefined);
}
