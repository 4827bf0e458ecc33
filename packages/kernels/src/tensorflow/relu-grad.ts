import type { GradConfig, KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { cast, engine, mul, Relu, step, zerosLike } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import type { OutputMetadata, TfBackend } from './binding.js';

/**
 * Kernel name of the ReLU gradient `dy · (x > 0)`: inputs `dy` and `x` (same shape, float32),
 * output the gradient of `x`. Registered on the native `tensorflow` backend (TensorFlow's
 * `ReluGrad`), where tfjs' `dy · step(x)` takes six eager ops.
 *
 * @example
 * ```ts
 * const dx = engine().runKernel(ReluGrad, { dy, x }) as Tensor;
 * ```
 */
export const ReluGrad = 'TesseraReluGrad';

/**
 * {@link ReluGrad} on the native `tensorflow` backend: one TensorFlow `ReluGrad` op.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it and the Relu gradient that uses it
 * grad((x) => sum(relu(x)))(x);
 * ```
 */
export const tensorflowReluGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { dy, x } = inputs as { dy?: TensorInfo; x?: TensorInfo };
  if (dy?.dtype !== 'float32' || x?.dtype !== 'float32')
    throw new TesseraError('VALUE', `ReluGrad kernel: dy and x must be float32 tensors, got ${dy?.dtype} and ${x?.dtype}`);
  const tb = backend as unknown as TfBackend;
  const bind = tb.binding;
  const attrs = [{ name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT }];
  const [out] = bind.executeOp('ReluGrad', attrs, tb.getInputTensorIds([dy, x]), 1);
  return tb.createOutputTensor(out as OutputMetadata);
};

/**
 * Kernel config of {@link tensorflowReluGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowReluGradConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowReluGradConfig: KernelConfig = {
  kernelName: ReluGrad,
  backendName: 'tensorflow',
  kernelFunc: tensorflowReluGradKernel,
};

/**
 * The gradient of `Relu` as one {@link ReluGrad} kernel, on the backends that register it (native
 * `tensorflow`, wasm, cpu). Same values as tfjs-core's `dy · step(x)` except at a NaN input, where
 * it gives 0 as TensorFlow does (and +0 where `dy · 0` gives −0).
 *
 * @example
 * ```ts
 * registerBackendGradient('tensorflow', reluTensorflowGradConfig); // registerTensorflowKernels() does this
 * ```
 */
export const reluTensorflowGradConfig: GradConfig = {
  kernelName: Relu,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    const g = dy as Tensor;
    if (x.dtype !== 'float32' || g.dtype !== 'float32') return { x: () => mul(g, cast(step(x), 'float32')) };
    return { x: () => engine().runKernel(ReluGrad, { dy: g, x } as never) as Tensor };
  },
};

/**
 * The gradient of {@link ReluGrad} (for a gradient of a gradient, as WGAN-GP's penalty takes):
 * linear in `dy` with the same mask, constant in `x`.
 *
 * @example
 * ```ts
 * registerGradient(reluGradGradConfig); // registerGradientFixes() does this
 * ```
 */
export const reluGradGradConfig: GradConfig = {
  kernelName: ReluGrad,
  inputsToSave: ['x'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[]) => {
    const [x] = saved as [Tensor];
    return { dy: () => engine().runKernel(ReluGrad, { dy: ddx as Tensor, x } as never) as Tensor, x: () => zerosLike(x) };
  },
};
