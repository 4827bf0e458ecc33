import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Erf, Exp, util } from '@tensorflow/tfjs-core';
import type { HeapBackend } from '../backend-io.js';
import { EXP_ERF_WASM } from '../simd/exp-erf-bytes.js';
import { backendSimd } from '../simd/module.js';
import { type WasmStock, wasmStock } from './stock-kernel.js';

/** The `exp` and `erf` exports: byte offsets of the source and the output, the count (at least 4). */
type Elementwise = (src: number, dst: number, n: number) => void;

const expStock = /* @__PURE__ */ wasmStock(Exp);
const erfStock = /* @__PURE__ */ wasmStock(Erf);

/** A wasm kernel running export `name` of the module over a float32 input of 4 or more values; the stock kernel otherwise. */
function simdUnary(stock: WasmStock, name: 'exp' | 'erf'): KernelFunc {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    const n = util.sizeFromShape(x.shape);
    const f = x.dtype === 'float32' && n >= 4 ? backendSimd<Elementwise>(args.backend, EXP_ERF_WASM, name) : undefined;
    if (!f) return stock.run(args);
    const heap = args.backend as HeapBackend;
    const info = heap.makeOutput(x.shape, 'float32');
    // offsets after the allocation (it can grow the memory: offsets stay valid, views do not)
    f(heap.typedArrayFromHeap(x).byteOffset, heap.typedArrayFromHeap(info).byteOffset, n);
    return info;
  };
}

/**
 * Exp for wasm: float32 in a SIMD WebAssembly loop (`simd/exp-erf.wat`, Cephes' expf, within 2 ulp
 * of the true value where tfjs-backend-wasm 4.22's scalar loop is up to 64 ulp off), ~4× that loop
 * (`[12, 64, 512]`: 2.6–2.8 → 0.6 ms); int32 inputs and engines without
 * WebAssembly SIMD run the stock kernel.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmExpErfConfigs())
 * tf.exp(x);
 * ```
 */
export const wasmExpKernel: KernelFunc = /* @__PURE__ */ simdUnary(expStock, 'exp');

/**
 * Erf for wasm: float32 in a SIMD WebAssembly loop (`simd/exp-erf.wat`: Abramowitz and Stegun
 * 7.1.26, the approximation tfjs' cpu, webgl and wasm kernels use, |error| ≤ 1.5e-7; in float32,
 * within 4e-7 of the formula in float64), ~5× tfjs-backend-wasm 4.22's scalar loop (`[12, 64, 512]`:
 * 5.3–5.4 → 1.1 ms); other inputs run the stock kernel. The exact GELU's
 * forward pass and gradient are an Erf and an Exp over the whole hidden activation.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it (through wasmExpErfConfigs())
 * tf.erf(x);
 * ```
 */
export const wasmErfKernel: KernelFunc = /* @__PURE__ */ simdUnary(erfStock, 'erf');

/**
 * The Exp and Erf configs for wasm (each remembers the stock kernel it falls back to). Call it
 * after the wasm backend is registered and before unregistering the stock kernels.
 *
 * @example
 * ```ts
 * const configs = wasmExpErfConfigs(); // reads the stock kernels first
 * // registerWasmKernels() installs them (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function wasmExpErfConfigs(): KernelConfig[] {
  return [expStock.config(wasmExpKernel), erfStock.config(wasmErfKernel)];
}
