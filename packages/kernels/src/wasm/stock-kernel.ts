import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';

/**
 * The stock tfjs-backend-wasm kernel that one of Tessera's wasm kernels replaces and hands the
 * cases it does not take back to.
 *
 * @example
 * ```ts
 * const stock = wasmStock(Sum);
 * const kernel: KernelFunc = (args) => (fast(args) ? mine(args) : stock.run(args));
 * registerKernel(stock.config(kernel)); // after tfjs-backend-wasm registered its Sum
 * ```
 */
export interface WasmStock {
  /**
   * The wasm config of `kernelFunc` under this kernel's name. Reads the kernel registered now (the
   * stock one: call it before unregistering that) and keeps its `setupFunc`, which binds the stock
   * kernel's wasm function when the backend initializes.
   */
  config(kernelFunc: KernelFunc): KernelConfig;
  /** Runs the stock kernel {@link WasmStock.config} found. */
  run(args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[];
}

/**
 * The {@link WasmStock} of wasm kernel `kernelName`.
 *
 * @example
 * ```ts
 * const stock = wasmStock(Transpose); // at module level, once per kernel
 * ```
 */
export function wasmStock(kernelName: string): WasmStock {
  let stock: KernelConfig | undefined;
  return {
    config(kernelFunc) {
      const current = getKernel(kernelName, 'wasm');
      if (current && current.kernelFunc !== kernelFunc) stock = current;
      return { kernelName, backendName: 'wasm', kernelFunc, setupFunc: stock?.setupFunc };
    },
    run(args) {
      if (!stock) throw new TesseraError('BACKEND', `${kernelName} on wasm: the stock kernel for this case was not found`);
      return stock.kernelFunc(args);
    },
  };
}
