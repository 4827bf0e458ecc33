import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Sum, util } from '@tensorflow/tfjs-core';
import { heapView, wasmOutput } from '../backend-io.js';
import { backendSimd, withHeapScratch } from '../simd/module.js';
import { SUM_ROWS_WASM } from '../simd/sum-rows-bytes.js';
import { wasmStock } from './stock-kernel.js';

/** The `sumRows` export: byte offsets of the [rows, cols] source, rows, cols, 8·cols bytes of scratch, the output. */
type SumRows = (src: number, rows: number, cols: number, acc: number, out: number) => void;

const stock = /* @__PURE__ */ wasmStock(Sum);

/** The number of leading axes `axis` names when it names exactly axes 0..k-1 (k < rank), else 0. */
function leadingAxes(axis: number | number[], shape: number[]): number {
  const axes = [...new Set(util.parseAxisParam(axis, shape))].sort((p, q) => p - q);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

/**
 * Sum for wasm with a fast path for reductions over the leading axes of a float32 tensor (a
 * bias gradient: `[n, h, w, c]` summed over n, h, w): one contiguous pass over the heap that adds
 * each row into float64 accumulators, in a SIMD WebAssembly loop (`simd/sum-rows.wat`, ~10× the
 * JavaScript loop it replaces, which still runs where that module cannot, with the same sums). tfjs-backend-wasm 4.22 transposes the reduced axes to the end
 * first, which cost 5–10× the pass itself on a conv bias gradient. Every other reduction runs the
 * stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmSumConfig())
 * tf.sum(dy, [0, 1, 2]); // dy [64, 26, 26, 32] -> [32] in one pass
 * ```
 */
export const wasmSumKernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x } = inputs as { x: TensorInfo };
  const { axis, keepDims } = attrs as unknown as { axis: number | number[]; keepDims: boolean };
  const lead = x.dtype === 'float32' ? leadingAxes(axis, x.shape) : 0;
  if (lead === 0) return stock.run(args);
  const kept = x.shape.slice(lead);
  const inner = util.sizeFromShape(kept);
  const outer = util.sizeFromShape(x.shape.slice(0, lead));
  const outShape = keepDims ? [...x.shape.slice(0, lead).map(() => 1), ...kept] : kept;
  const sumRows = backendSimd<SumRows>(backend, SUM_ROWS_WASM, 'sumRows');
  if (sumRows) {
    const info = (backend as { makeOutput(shape: number[], dtype: 'float32'): TensorInfo }).makeOutput(outShape, 'float32');
    // offsets after every allocation: the scratch can grow the memory (offsets stay valid, views do not)
    withHeapScratch(backend, 8 * inner, (acc) =>
      sumRows(heapView(backend, x).byteOffset, outer, inner, acc, heapView(backend, info).byteOffset),
    );
    return info;
  }
  const { info, values: out } = wasmOutput(backend, outShape);
  const src = heapView(backend, x);
  const acc = new Float64Array(inner);
  for (let r = 0; r < outer; r++) {
    const base = r * inner;
    for (let i = 0; i < inner; i++) acc[i] = (acc[i] as number) + (src[base + i] as number);
  }
  out.set(acc);
  return info;
};

/**
 * The Sum config for wasm (remembers the stock kernel it falls back to). Call it after the wasm
 * backend is registered and before unregistering the stock kernel.
 *
 * @example
 * ```ts
 * const config = wasmSumConfig(); // reads the stock kernel first
 * unregisterKernel(Sum, 'wasm');
 * registerKernel(config); // registerWasmKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmSumConfig(): KernelConfig {
  return stock.config(wasmSumKernel);
}
