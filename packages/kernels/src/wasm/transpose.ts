import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Transpose, util } from '@tensorflow/tfjs-core';
import type { HeapBackend } from '../backend-io.js';
import { backendSimd } from '../simd/module.js';
import { TRANSPOSE_WASM } from '../simd/transpose-bytes.js';
import { transposePlan } from '../transpose-plan.js';
import { wasmStock } from './stock-kernel.js';

/** The `transpose32` export: byte offsets src, dst; rows, cols, their strides; tiles, their steps (elements). */
type Transpose32 = (
  src: number,
  dst: number,
  rows: number,
  cols: number,
  srcStride: number,
  dstStride: number,
  count: number,
  srcStep: number,
  dstStep: number,
) => void;

const stock = /* @__PURE__ */ wasmStock(Transpose);

/**
 * Transpose for wasm: a float32 or int32 transpose that moves the innermost axis runs as 2-D tile
 * transposes in a SIMD WebAssembly loop (`simd/transpose.wat`: 4×4 blocks, the values copied bit
 * for bit), 1.4–5× faster than tfjs-backend-wasm 4.22's element loop on the weight and activation
 * shapes of a training step (the BatchMatMul of this package materializes the transposed operands
 * of every gradient product with it). Other transposes (whole rows moving, bool, tiles narrower
 * than 4) and engines without WebAssembly SIMD run the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmTransposeConfig())
 * tf.transpose(w); // w [784, 128] -> [128, 784] in 4×4 SIMD blocks
 * ```
 */
export const wasmTransposeKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: TensorInfo };
  const { perm } = attrs as unknown as { perm: number[] };
  const fourBytes = x.dtype === 'float32' || x.dtype === 'int32';
  const plan = fourBytes && util.sizeFromShape(x.shape) > 0 ? transposePlan(x.shape, perm) : undefined;
  const transpose32 = plan && backendSimd<Transpose32>(backend, TRANSPOSE_WASM, 'transpose32');
  if (!plan || !transpose32) return stock.run(args);
  const heap = backend as HeapBackend;
  const info = heap.makeOutput(
    perm.map((axis) => x.shape[axis] as number),
    x.dtype,
  );
  // offsets after the allocation (it can grow the memory: offsets stay valid, views do not)
  const src = heap.typedArrayFromHeap(x).byteOffset;
  const dst = heap.typedArrayFromHeap(info).byteOffset;
  for (const [s, d] of plan.starts)
    transpose32(src + 4 * s, dst + 4 * d, plan.rows, plan.cols, plan.srcStride, plan.dstStride, plan.count, plan.srcStep, plan.dstStep);
  return info;
};

/**
 * The Transpose config for wasm (remembers the stock kernel it falls back to). Call it after the
 * wasm backend is registered and before unregistering the stock kernel.
 *
 * @example
 * ```ts
 * const config = wasmTransposeConfig(); // reads the stock kernel first
 * unregisterKernel(Transpose, 'wasm');
 * registerKernel(config); // registerWasmKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmTransposeConfig(): KernelConfig {
  return stock.config(wasmTransposeKernel);
}
