import type { GradConfig } from '@tensorflow/tfjs-core';
import { getGradient, registerGradient } from '@tensorflow/tfjs-core';
import { batchMatMulGradConfig } from './gradients/batch-mat-mul.js';
import { einsumGradConfig } from './gradients/einsum.js';
import { fusedConv2dGradConfig } from './gradients/fused-conv2d.js';
import { fusedMatMulGradConfig } from './gradients/fused-matmul.js';
import { lstmBlockGradConfig } from './gradients/lstm-block.js';
import { lstmSequenceGradConfig } from './gradients/lstm-sequence.js';
import { maxPoolGradConfig } from './gradients/max-pool.js';
import { eluGradConfig, leakyReluGradConfig, maximumGradConfig, sigmoidGradConfig, tanhGradConfig } from './gradients/second-order.js';
import { sparseXentGradConfig, sparseXentGradGradConfig } from './gradients/sparse-softmax-xent.js';
import { stridedSliceGradConfig } from './gradients/strided-slice.js';
import { reluGradGradConfig, reluTensorflowGradConfig } from './tensorflow/relu-grad.js';

/**
 * One gradient Tessera adds to or replaces in tfjs-core, as listed in {@link gradientFixes}.
 *
 * @example
 * ```ts
 * const fix: GradientFix = { config: batchMatMulGradConfig, backendName: 'wasm' };
 * ```
 */
export interface GradientFix {
  /** The gradient. */
  readonly config: GradConfig;
  /** The one backend it applies on (registered with `registerBackendGradient`); absent: every backend. */
  readonly backendName?: string;
}

/**
 * Every gradient Tessera adds to or replaces in tfjs-core, in one list: for every backend, Einsum
 * and StridedSlice (tfjs-core has none), second-order-safe LeakyRelu, Elu and Maximum (tfjs-core's
 * are built from comparisons, so grad of grad fails, e.g. in WGAN-GP), Tanh and Sigmoid, and Tessera's fused LSTM
 * recurrence and whole-layer LSTM, the sparse softmax cross-entropy kernel and its gradient kernel, and the fused convolution and matrix product with bias and activation (`TesseraFusedConv2D`, `TesseraFusedMatMul`); for wasm only, a BatchMatMul
 * gradient without transposed products (wasm's transposed matMul paths are 20–45× slower); for
 * native TensorFlow only, a Relu gradient of one `ReluGrad` op (tfjs-core's takes six eager ops).
 *
 * @example
 * ```ts
 * gradientFixes.map((f) => `${f.backendName ?? 'all'}: ${f.config.kernelName}`);
 * // ['all: Einsum', 'all: StridedSlice', 'all: LeakyRelu', 'all: Elu', 'all: Maximum', 'all: Tanh', 'all: Sigmoid', 'all: TesseraLSTMSequence', 'all: TesseraLSTMBlock', 'all: TesseraReluGrad', 'all: TesseraSparseSoftmaxCrossEntropy', 'all: TesseraSparseSoftmaxCrossEntropyGrad', 'all: TesseraFusedConv2D', 'all: TesseraFusedMatMul', 'wasm: BatchMatMul', 'tensorflow: Relu']
 * ```
 */
export const gradientFixes: readonly GradientFix[] = [
  { config: einsumGradConfig },
  { config: stridedSliceGradConfig },
  { config: leakyReluGradConfig },
  { config: eluGradConfig },
  { config: maximumGradConfig },
  { config: tanhGradConfig },
  { config: sigmoidGradConfig },
  { config: lstmSequenceGradConfig },
  { config: lstmBlockGradConfig },
  { config: reluGradGradConfig },
  { config: sparseXentGradConfig },
  { config: sparseXentGradGradConfig },
  { config: fusedConv2dGradConfig },
  { config: maxPoolGradConfig },
  { config: fusedMatMulGradConfig },
  { config: batchMatMulGradConfig, backendName: 'wasm' },
  { config: reluTensorflowGradConfig, backendName: 'tensorflow' },
  { config: reluTensorflowGradConfig, backendName: 'wasm' },
  { config: reluTensorflowGradConfig, backendName: 'cpu' },
];

/**
 * Registers the gradients of {@link gradientFixes} that apply on every backend (Einsum,
 * StridedSlice, second-order-safe LeakyRelu, Elu and Maximum), in place of tfjs-core's where it
 * has one. Every backend plugin calls it when it loads, so they behave the same on every backend;
 * the backend-specific ones are registered with that backend's kernels (`registerWasmKernels()`).
 * Idempotent.
 *
 * @example
 * ```ts
 * registerGradientFixes();
 * const gg = grad((x) => grad((y) => sum(leakyRelu(y, 0.2)))(x))(x); // grad of grad works
 * ```
 */
export function registerGradientFixes(): void {
  for (const { config, backendName } of gradientFixes) {
    if (backendName === undefined && getGradient(config.kernelName)?.gradFunc !== config.gradFunc) registerGradient(config);
  }
}
