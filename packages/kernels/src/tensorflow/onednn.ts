import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import type { OutputMetadata, TfBackend } from './binding.js';

/** A TensorFlow op attribute as tfjs-node's binding takes it. */
export type OpAttr = { name: string; type: number; value: unknown };

/** Whether this TensorFlow build has the oneDNN kernels: unknown until the first call. */
let oneDnnPresent: boolean | undefined;

/**
 * Runs TensorFlow's oneDNN kernel of `op` (`_MklNative<op>`, picked by its kernel label) on native
 * handles. TensorFlow only rewrites ops to these kernels with `TF_ENABLE_ONEDNN_OPTS=1`, which
 * `node()` turns off (it halves matMul speed and gets some conv input gradients wrong); called one
 * by one, where measured faster and right, they still run. `undefined` when this TensorFlow has no
 * oneDNN kernels (a non-x86 build): the caller then runs its stock kernel. Callers ask
 * {@link oneDnnUsable} first.
 */
export function runOneDnn(tb: TfBackend, op: string, attrs: OpAttr[], ids: number[], numOutputs: number): OutputMetadata[] | undefined {
  const bind = tb.binding;
  const label = { name: '_kernel', type: bind.TF_ATTR_STRING, value: 'MklNameChangeOp' };
  try {
    const out = bind.executeOp(`_MklNative${op}`, [...attrs, label], ids, numOutputs);
    oneDnnPresent = true;
    return out;
  } catch (e) {
    // only a missing op or kernel means "no oneDNN here"; any other error is the caller's
    if (oneDnnPresent === undefined && /not registered|could not find|no registered|not found/i.test(String(e))) {
      oneDnnPresent = false;
      return undefined;
    }
    throw e;
  }
}

/** Whether a kernel may try oneDNN: on TensorFlow's CPU device, unless a call found no oneDNN kernels. */
export function oneDnnUsable(tb: TfBackend): boolean {
  return oneDnnPresent !== false && !tb.isUsingGpuDevice;
}

/** The kernels tfjs-node registered, kept when Tessera's oneDNN kernels replace them. */
const stockKernels = /* @__PURE__ */ new Map<string, KernelFunc>();

/**
 * `tensorflow` kernel configs of `kernels` (name, Tessera's kernel), keeping the kernel each
 * replaces (tfjs-node's own) for {@link runStock}. Call after tfjs-node is loaded.
 */
export function stockBackedConfigs(kernels: [string, KernelFunc][]): KernelConfig[] {
  return kernels.map(([kernelName, kernelFunc]) => {
    const current = getKernel(kernelName, 'tensorflow') as KernelConfig | undefined;
    if (current && current.kernelFunc !== kernelFunc) stockKernels.set(kernelName, current.kernelFunc);
    return { kernelName, backendName: 'tensorflow', kernelFunc };
  });
}

/** Runs the stock `tensorflow` kernel kept by {@link stockBackedConfigs} for `kernelName`. */
export function runStock(kernelName: string, args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] {
  const stock = stockKernels.get(kernelName);
  if (!stock) throw new Error(`${kernelName}: no stock tensorflow kernel was registered before Tessera's`);
  return stock(args);
}
