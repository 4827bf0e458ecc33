import type { KernelConfig, KernelFunc, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { BatchMatMul, tidy, transpose } from '@tensorflow/tfjs-core';
import type { HeapBackend } from '../backend-io.js';
import { kernelInputView } from '../kernel-input-view.js';
import { backendSimd } from '../simd/module.js';
import { SMALL_MATMUL_WASM } from '../simd/small-matmul-bytes.js';
import { wasmStock } from './stock-kernel.js';

/** The `smallMatMul` export: byte offsets of A [count, m, k], B [count, k, n], C [count, m, n]; m, k, n, count. */
type SmallMatMul = (a: number, b: number, c: number, m: number, k: number, n: number, count: number) => void;

/**
 * The most multiply-adds of one batch entry the SIMD loop takes: below it XNNPACK's set-up for each
 * entry (an operator and a packed operand) costs more than the loop is slower (measured: 64×64×32
 * entries 4.6× faster in the loop, and the loop at 15–21 G multiply-adds/s single-threaded).
 */
const SMALL_ENTRY = 1 << 20;

function swapLast(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return transpose(x, perm);
}

const stock = /* @__PURE__ */ wasmStock(BatchMatMul);

/**
 * BatchMatMul for wasm that only ever runs the fast path of tfjs-backend-wasm (a plain 2-D
 * product): transposed operands are materialized first, and equal-batch products run one 2-D
 * product per batch entry, each on copies of its blocks made directly in the wasm heap; batches of
 * small entries (up to 2^20 multiply-adds each, as attention heads) run instead in one pass of a
 * SIMD WebAssembly loop (`simd/small-matmul.wat`). Broadcast batches fall back to the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmBatchMatMulConfig())
 * const y = matMul(a, b, false, true); // a [8, m, k], b [8, n, k]: one transpose, then 8 plain 2-D products
 * ```
 */
export const wasmBatchMatMulKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
  const batchA = a.shape.slice(0, -2).reduce((p, c) => p * c, 1);
  const batchB = b.shape.slice(0, -2).reduce((p, c) => p * c, 1);
  const plain2d = !transposeA && !transposeB && batchA === 1 && batchB === 1;
  const sameBatch = a.shape.length === b.shape.length && a.shape.slice(0, -2).every((d, i) => d === b.shape[i]);
  if (plain2d || !sameBatch || a.dtype !== 'float32' || b.dtype !== 'float32') return stock.run(args);
  const at = kernelInputView(a, backend);
  const bt = kernelInputView(b, backend);
  // materialize transposed operands (one op each), so every product below is a plain 2-D one
  const [a2, b2] = tidy(() => [transposeA ? swapLast(at) : at.clone(), transposeB ? swapLast(bt) : bt.clone()]) as [Tensor, Tensor];
  at.dispose();
  bt.dispose();
  const [m, k] = a2.shape.slice(-2) as [number, number];
  const n = b2.shape[b2.rank - 1] as number;
  const plain = (x: TensorInfo, y: TensorInfo) =>
    stock.run({
      inputs: { a: x, b: y },
      backend,
      attrs: { transposeA: false, transposeB: false } as never,
    }) as TensorInfo;
  if (batchA === 1) {
    const out = plain(a2 as unknown as TensorInfo, b2 as unknown as TensorInfo);
    a2.dispose();
    b2.dispose();
    return out;
  }
  const heap = backend as HeapBackend & { disposeData(dataId: object): void };
  const result = heap.makeOutput([...a.shape.slice(0, -2), m, n], 'float32');
  const small = m * k * n > 0 && m * k * n <= SMALL_ENTRY ? backendSimd<SmallMatMul>(backend, SMALL_MATMUL_WASM, 'smallMatMul') : undefined;
  if (small) {
    // every entry in one SIMD pass over the heap (offsets after the output's allocation)
    const offset = (t: TensorInfo) => heap.typedArrayFromHeap(t).byteOffset;
    small(offset(a2 as unknown as TensorInfo), offset(b2 as unknown as TensorInfo), offset(result), m, k, n, batchA);
    a2.dispose();
    b2.dispose();
    return result;
  }
  // One plain product per batch entry, straight on the heap: a copy of each operand block, the
  // stock 2-D kernel, a copy of its result (no per-entry Slice/Unpack/Pack ops through the engine).
  const entry = (src: Tensor, i: number, r: number, c: number): TensorInfo => {
    const info = heap.makeOutput([r, c], 'float32');
    const from = heap.typedArrayFromHeap(src as unknown as TensorInfo).subarray(i * r * c, (i + 1) * r * c);
    heap.typedArrayFromHeap(info).set(from);
    return info;
  };
  for (let i = 0; i < batchA; i++) {
    const ai = entry(a2, i, m, k);
    const bi = entry(b2, i, k, n);
    const ci = plain(ai, bi);
    heap.typedArrayFromHeap(result).set(heap.typedArrayFromHeap(ci), i * m * n);
    heap.disposeData(ai.dataId);
    heap.disposeData(bi.dataId);
    heap.disposeData(ci.dataId);
  }
  a2.dispose();
  b2.dispose();
  return result;
};

/**
 * The BatchMatMul config for wasm (remembers the stock kernel it replaces, for the fast 2-D path).
 * Call it after the wasm backend is registered and before unregistering the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ kernels: false }));
 * const config = wasmBatchMatMulConfig(); // reads the stock kernel first
 * unregisterKernel(BatchMatMul, 'wasm');
 * registerKernel(config); // registerWasmKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmBatchMatMulConfig(): KernelConfig {
  return stock.config(wasmBatchMatMulKernel);
}
