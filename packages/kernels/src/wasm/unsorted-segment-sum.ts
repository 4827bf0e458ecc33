import type { KernelConfig } from '@tensorflow/tfjs-core';
import { unsortedSegmentSumConfig } from '../cpu/unsorted-segment-sum.js';

/**
 * UnsortedSegmentSum for the wasm backend, which has none (the gradient of gather, so Embedding
 * weights can train): the one-pass `unsortedSegmentSumKernel`, the kernel `cpu()`
 * registers in place of tfjs-backend-cpu's numSegments × rows one.
 *
 * @example
 * ```ts
 * registerKernel(wasmUnsortedSegmentSumConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmUnsortedSegmentSumConfig: KernelConfig = unsortedSegmentSumConfig('wasm');
