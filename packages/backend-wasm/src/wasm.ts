import { env } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { detectRuntime, recordTfjsCore, resolveInNode } from '@tessera/core';
import { registerGradientFixes, registerWasmKernels } from '@tessera/kernels';
import { wasmFileUrls } from './wasm-files.js';

/**
 * Options of {@link wasm}.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ threads: 4, wasmPaths: '/static/tfjs-wasm/' }));
 * await useBackend(wasm({ simd: false, kernels: false })); // stock tfjs-backend-wasm, no SIMD
 * ```
 */
export interface WasmOptions {
  /** Priority used by `auto()` (default 30: above cpu, below GPU backends). */
  priority?: number;
  /** Use SIMD when the runtime supports it (default true). */
  simd?: boolean;
  /**
   * Threads for XNNPACK: a number, or 'auto' (default) for the runtime's choice. In a browser,
   * threads are used only when the page is cross-origin isolated (COOP/COEP headers) and `threads`
   * is not 1; tfjs disables them in Node.
   */
  threads?: number | 'auto';
  /**
   * Register `@tessera/kernels`' training kernels for wasm (default true): Conv2DBackpropFilter,
   * UnsortedSegmentSum and a correct MaxPoolGrad, which tfjs-backend-wasm lacks or gets wrong,
   * faster BatchMatMul and Conv2DBackpropInput, and the wasm-only BatchMatMul gradient without
   * transposed products. All apply on wasm only. The gradient fixes for every backend (Einsum,
   * StridedSlice, second-order-safe LeakyRelu, Elu and Maximum) are registered either way.
   */
  kernels?: boolean;
  /** Where the .wasm files are served from (a URL prefix or a per-file map); resolved automatically in Node. */
  wasmPaths?:
    | string
    | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
}

/**
 * The WebAssembly backend (XNNPACK, SIMD): the fast CPU backend in Node and browsers.
 *
 * @example
 * ```ts
 * import { useBackend } from '@tessera/core';
 * import { wasm } from '@tessera/backend-wasm';
 * await useBackend(wasm());
 * ```
 */
export function wasm(options: WasmOptions = {}): BackendPlugin {
  let loaded = false;
  return {
    name: 'wasm',
    priority: options.priority ?? 30,
    isAvailable: () => typeof WebAssembly === 'object' && typeof WebAssembly.instantiate === 'function',
    unavailableReason: () => 'this runtime has no WebAssembly support',
    async load() {
      if (loaded) return;
      const mod = await import('@tensorflow/tfjs-backend-wasm');
      registerGradientFixes();
      if (options.kernels !== false) registerWasmKernels();
      if (options.simd === false) env().set('WASM_HAS_SIMD_SUPPORT', false);
      if (typeof options.threads === 'number') mod.setThreadsCount(options.threads);
      const inNode = detectRuntime() === 'node';
      // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (COOP/COEP headers).
      const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
      // threads: 1 loads the single-threaded binary. (tfjs 4.22's threaded build starts its workers
      // from the factory's source text, which breaks when a bundler minifies it: pass threads: 1 then.)
      if (!inNode && (!isolated || options.threads === 1)) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      if (options.wasmPaths) mod.setWasmPaths(options.wasmPaths);
      else if (!inNode) mod.setWasmPaths(wasmFileUrls());
      else {
        const entry = await resolveInNode('@tensorflow/tfjs-backend-wasm', import.meta.url);
        if (entry) {
          mod.setWasmPaths(entry.replace(/[^\\/]+$/, ''));
          const core = await resolveInNode('@tensorflow/tfjs-core', entry);
          if (core) recordTfjsCore(core, mod.version_wasm, '@tensorflow/tfjs-backend-wasm');
        }
      }
      loaded = true;
    },
  };
}
