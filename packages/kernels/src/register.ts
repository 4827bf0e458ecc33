import type { KernelConfig } from '@tensorflow/tfjs-core';
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { cpuAdamUpdateConfig, wasmAdamUpdateConfig } from './adam/update.js';
import { registerBackendGradient, unregisterBackendGradient } from './backend-gradients.js';
import { conv2dBackpropFilterConfig } from './cpu/conv2d-backprop-filter.js';
import { cpuGatherV2Config } from './cpu/gather-v2.js';
import { cpuLstmSequenceConfig, cpuLstmSequenceGradConfig } from './cpu/lstm-sequence.js';
import { unsortedSegmentSumConfig } from './cpu/unsorted-segment-sum.js';
import { gradientFixes } from './gradients.js';
import { tensorflowKernelConfigs, wasmIntPredicateConfigs } from './int-inputs.js';
import { sparseXentConfigs } from './softmax-xent/sparse.js';
import { tensorflowAdamUpdateConfig } from './tensorflow/adam-update.js';
import { tensorflowFusedMatMulConfig } from './tensorflow/fused-matmul.js';
import { tensorflowLstmBlockConfig, tensorflowLstmBlockGradConfig } from './tensorflow/lstm-block.js';
import { tensorflowOneDnnConvConfigs } from './tensorflow/onednn-conv.js';
import { tensorflowFusedConv2dConfig } from './tensorflow/onednn-fused-conv.js';
import { tensorflowOneDnnPoolConfigs } from './tensorflow/onednn-max-pool.js';
import { tensorflowReluGradConfig } from './tensorflow/relu-grad.js';
import { tensorflowSparseXentConfigs } from './tensorflow/sparse-softmax-xent.js';
import { wasmBatchMatMulConfig } from './wasm/batch-mat-mul.js';
import { wasmBatchToSpaceNDConfig } from './wasm/batch-to-space-nd.js';
import { wasmConv2dBackpropFilterConfig } from './wasm/conv2d-backprop-filter.js';
import { wasmConv2dBackpropInputConfig } from './wasm/conv2d-backprop-input.js';
import { wasmDepthwiseConv2dBackpropFilterConfig, wasmDepthwiseConv2dBackpropInputConfig } from './wasm/depthwise-conv2d-backprop.js';
import { wasmEinsumConfig } from './wasm/einsum.js';
import { wasmExpErfConfigs } from './wasm/exp-erf.js';
import { wasmFusedConv2dConfig } from './wasm/fused-conv2d.js';
import { wasmGatherV2Config } from './wasm/gather-v2.js';
import { wasmIdentityConfig } from './wasm/identity.js';
import { wasmLstmSequenceConfig, wasmLstmSequenceGradConfig } from './wasm/lstm-sequence.js';
import { wasmMaxPoolGradConfig } from './wasm/max-pool-grad.js';
import { cpuReluGradConfig, wasmReluGradConfig } from './wasm/relu-grad.js';
import { wasmSliceConfig } from './wasm/slice.js';
import { wasmSplitVConfig } from './wasm/split-v.js';
import { wasmStridedSliceConfig } from './wasm/strided-slice.js';
import { wasmSumConfig } from './wasm/sum.js';
import { wasmTransposeConfig } from './wasm/transpose.js';
import { wasmUnpackConfig } from './wasm/unpack.js';
import { wasmUnsortedSegmentSumConfig } from './wasm/unsorted-segment-sum.js';

const replaced = new Map<string, KernelConfig | undefined>();

const scopedGradients = new Set<string>();

function installGradients(backendName: string): void {
  for (const fix of gradientFixes) {
    if (fix.backendName !== backendName) continue;
    registerBackendGradient(backendName, fix.config);
    scopedGradients.add(`${backendName}/${fix.config.kernelName}`);
  }
}

function install(config: KernelConfig): void {
  const key = `${config.backendName}/${config.kernelName}`;
  const current = getKernel(config.kernelName, config.backendName);
  if (current?.kernelFunc === config.kernelFunc) return;
  if (!replaced.has(key)) replaced.set(key, current as KernelConfig | undefined);
  if (current) unregisterKernel(config.kernelName, config.backendName);
  registerKernel(config);
}

/**
 * The kernels Tessera adds to or replaces on the wasm backend (what {@link registerWasmKernels} installs).
 *
 * @example
 * ```ts
 * const names = wasmKernelConfigs().map((c) => c.kernelName);
 * names.includes('Conv2DBackpropFilter'); // true; also UnsortedSegmentSum, MaxPoolGrad, BatchMatMul, ...
 * ```
 */
export function wasmKernelConfigs(): KernelConfig[] {
  return [
    wasmConv2dBackpropFilterConfig,
    wasmUnsortedSegmentSumConfig,
    wasmMaxPoolGradConfig,
    wasmBatchMatMulConfig(),
    wasmDepthwiseConv2dBackpropFilterConfig,
    wasmDepthwiseConv2dBackpropInputConfig,
    wasmEinsumConfig,
    wasmConv2dBackpropInputConfig(),
    wasmSliceConfig,
    wasmGatherV2Config,
    wasmSplitVConfig,
    wasmUnpackConfig,
    wasmStridedSliceConfig(),
    wasmBatchToSpaceNDConfig,
    wasmSumConfig(),
    wasmTransposeConfig(),
    ...wasmExpErfConfigs(),
    wasmLstmSequenceConfig,
    wasmLstmSequenceGradConfig,
    wasmAdamUpdateConfig,
    wasmReluGradConfig,
    wasmIdentityConfig,
    wasmFusedConv2dConfig,
    ...sparseXentConfigs('wasm'),
    ...wasmIntPredicateConfigs(),
  ];
}

/**
 * Registers Tessera's wasm kernels, for the wasm backend only: Conv2DBackpropFilter (conv and
 * conv-transpose weights can train), UnsortedSegmentSum (Embedding/gather weights can train), a
 * correct MaxPoolGrad, a BatchMatMul that runs transposed and batched products on the fast plain
 * 2-D path, a Slice that copies only the sliced region out of the wasm heap (and SplitV, Unpack,
 * StridedSlice and BatchToSpaceND that cut with it instead of copying their whole input first), a
 * GatherV2 that copies whole rows, a Sum that reduces leading axes in one pass, a Transpose that swaps the innermost axis in SIMD 4×4 blocks, SIMD Exp and Erf, the fused LSTM recurrence (`TesseraLSTMSequence` and its gradient kernel), the one-pass Adam update (`TesseraAdamUpdate`), the one-pass ReLU gradient (`TesseraReluGrad`), the one-pass sparse softmax cross-entropy and its gradient (`TesseraSparseSoftmaxCrossEntropy`), an Identity that shares memory instead of copying it, the convolution with bias and ReLU in one kernel (`TesseraFusedConv2D`, XNNPACK's fused convolution), and the wasm-only gradients of `gradientFixes` (BatchMatMul
 * without transposed products, and the Relu gradient as one `TesseraReluGrad`; other backends keep their gradient). Idempotent; `wasm()` calls it when it loads.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ kernels: false }));
 * registerWasmKernels();
 * ```
 */
export function registerWasmKernels(): void {
  for (const config of wasmKernelConfigs()) install(config);
  installGradients('wasm');
}

/**
 * The kernels Tessera adds to or replaces on the cpu backend (what {@link registerCpuKernels} installs).
 *
 * @example
 * ```ts
 * cpuKernelConfigs().map((c) => `${c.backendName}/${c.kernelName}`); // ['cpu/Conv2DBackpropFilter', 'cpu/UnsortedSegmentSum', 'cpu/GatherV2', 'cpu/TesseraLSTMSequence', ...]
 * ```
 */
export function cpuKernelConfigs(): KernelConfig[] {
  return [
    conv2dBackpropFilterConfig('cpu'),
    unsortedSegmentSumConfig('cpu'),
    cpuGatherV2Config(),
    cpuLstmSequenceConfig,
    cpuLstmSequenceGradConfig,
    cpuAdamUpdateConfig,
    cpuReluGradConfig,
    ...sparseXentConfigs('cpu'),
  ];
}

/**
 * Registers Tessera's cpu kernels, for the cpu backend only: a Conv2DBackpropFilter by im2col and
 * one matMul in place of tfjs-backend-cpu's naive loop, a one-pass UnsortedSegmentSum in place
 * of its numSegments × rows one, a GatherV2 that copies whole rows instead of indexing every
 * element, the fused LSTM recurrence (`TesseraLSTMSequence` and its gradient kernel) the one-pass Adam update (`TesseraAdamUpdate`), the one-pass ReLU gradient (`TesseraReluGrad`, which the Relu gradient uses) and the one-pass sparse softmax cross-entropy and its gradient (`TesseraSparseSoftmaxCrossEntropy`). Idempotent; `cpu()` calls it when it loads.
 *
 * @example
 * ```ts
 * await useBackend(cpu({ kernels: false }));
 * registerCpuKernels();
 * ```
 */
export function registerCpuKernels(): void {
  for (const config of cpuKernelConfigs()) install(config);
  installGradients('cpu');
}

/**
 * Registers Tessera's fixes for the native `tensorflow` backend (tfjs-node): int32 `Round`,
 * `IsNan`, `IsFinite` and `IsInf` (see {@link tensorflowKernelConfigs}), and the whole-layer LSTM
 * (`TesseraLSTMBlock` and its gradient kernel, TensorFlow's `BlockLSTMV2`) and the Adam update
 * (`TesseraAdamUpdate`) and the sparse softmax cross-entropy (`TesseraSparseSoftmaxCrossEntropy`, TensorFlow's `SparseSoftmaxCrossEntropyWithLogits`) run on the native binding, a Relu gradient of one `ReluGrad` op, and `Conv2D`, its two gradients, `MaxPool` and `MaxPoolGrad` on TensorFlow's oneDNN kernels where measured faster (see {@link tensorflowOneDnnConvConfigs}), the convolution with bias and ReLU in one kernel (`TesseraFusedConv2D`, oneDNN's fused convolution) and the matrix product with bias and ReLU in one kernel (`TesseraFusedMatMul`, TensorFlow's `_FusedMatMul`). Idempotent; call it
 * after tfjs-node is loaded (`node()` and `nodeGpu()` do).
 *
 * @example
 * ```ts
 * await import('@tensorflow/tfjs-node');
 * registerTensorflowKernels();
 * ```
 */
export function registerTensorflowKernels(): void {
  const natives = [
    tensorflowLstmBlockConfig,
    tensorflowLstmBlockGradConfig,
    tensorflowAdamUpdateConfig,
    tensorflowReluGradConfig,
    ...tensorflowSparseXentConfigs,
    ...tensorflowOneDnnConvConfigs(),
    ...tensorflowOneDnnPoolConfigs(),
    tensorflowFusedConv2dConfig,
    tensorflowFusedMatMulConfig,
  ];
  for (const config of [...tensorflowKernelConfigs(), ...natives]) install(config);
  installGradients('tensorflow');
}

/**
 * Restores the kernels that {@link registerWasmKernels} and {@link registerCpuKernels} replaced
 * (and removes the ones they added), and removes their backend-only gradients.
 *
 * @example
 * ```ts
 * unregisterTesseraKernels(); // back to the stock tfjs kernels
 * ```
 */
export function unregisterTesseraKernels(): void {
  for (const [key, original] of replaced) {
    const [backendName, kernelName] = key.split('/') as [string, string];
    if (getKernel(kernelName, backendName)) unregisterKernel(kernelName, backendName);
    if (original) registerKernel(original);
  }
  replaced.clear();
  for (const key of scopedGradients) {
    const [backendName, kernelName] = key.split('/') as [string, string];
    unregisterBackendGradient(backendName, kernelName);
  }
  scopedGradients.clear();
}
