import { env } from '@tensorflow/tfjs-core';
import type { BackendPlugin } from '@tessera/core';
import { detectRuntime, recordTfjsCore, resolveInNode } from '@tessera/core';
import { registerGradientFixes, registerWasmKernels } from '@tessera/kernels';
import { type NodeWasmFiles, nodeWasmFiles } from './node-backend.js';
import { nodeBuiltin } from './node-builtin.js';
import { registerNodeWasm } from './node-registration.js';
import { coreCount, nodeThreadCount, type ThreadsRequest, threadsRequest } from './threads.js';
import { wasmFileUrls } from './wasm-files.js';

/**
 * Options of {@link wasm}.
 *
 * @example
 * ```ts
 * await useBackend(wasm({ threads: 'auto' })); // in Node: one thread per core, tfjs's threaded build
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
   * Threads for XNNPACK: an integer from 1 to 8 (`MAX_WASM_THREADS`), or 'auto'. `1` runs the
   * single-threaded build. When not given: `TESSERA_WASM_THREADS` (a count or 'auto') if set, else
   * 1 in Node and 'auto' in browsers. In Node, 'auto' is one thread per core
   * (`os.availableParallelism()`, at most 8), and more than one thread runs tfjs's threaded SIMD
   * build under worker_threads. In a browser, threads are used only when the page is cross-origin
   * isolated (COOP/COEP headers) and `threads` is not 1; 'auto' is tfjs's choice there (half the
   * logical cores, at most 4). The count is fixed when the backend first starts in a process.
   */
  threads?: ThreadsRequest;
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
      const inNode = detectRuntime() === 'node';
      // Node: one thread unless asked (more were slower for the bench's models on 2 shared cores).
      const request = threadsRequest(options.threads, inNode ? 1 : 'auto');
      const mod = await import('@tensorflow/tfjs-backend-wasm');
      registerGradientFixes();
      if (options.kernels !== false) registerWasmKernels();
      if (options.simd === false) env().set('WASM_HAS_SIMD_SUPPORT', false);
      if (inNode) await loadInNode(mod, request, options);
      else {
        if (typeof request.value === 'number') mod.setThreadsCount(request.value);
        // Threads need SharedArrayBuffer, i.e. a cross-origin-isolated page (COOP/COEP headers).
        const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
        // threads: 1 loads the single-threaded binary. (tfjs 4.22's threaded build starts its workers
        // from the factory's source text, which breaks when a bundler minifies it: pass threads: 1 then.)
        if (!isolated || request.value === 1) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
        mod.setWasmPaths(options.wasmPaths ?? wasmFileUrls());
      }
      loaded = true;
    },
  };
}

async function loadInNode(
  mod: typeof import('@tensorflow/tfjs-backend-wasm'),
  request: ReturnType<typeof threadsRequest>,
  options: WasmOptions,
): Promise<void> {
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  let threads = nodeThreadCount(request.value, coreCount(await nodeBuiltin('os')), simd);
  let files: NodeWasmFiles;
  try {
    files = await nodeWasmFiles(threads > 1, simd, options.wasmPaths);
  } catch (cause) {
    // 'auto' settles for one thread when the threaded build cannot start from here (a bundled copy).
    if (request.explicit || threads === 1) throw cause;
    threads = 1;
    files = await nodeWasmFiles(false, simd, options.wasmPaths);
  }
  registerNodeWasm(mod, threads, request.explicit, files);
  // tfjs's own single-threaded start reads the files from here.
  if (options.wasmPaths) mod.setWasmPaths(options.wasmPaths);
  const entry = await resolveInNode('@tensorflow/tfjs-backend-wasm', import.meta.url);
  if (entry) {
    if (!options.wasmPaths) mod.setWasmPaths(entry.replace(/[^\\/]+$/, ''));
    const core = await resolveInNode('@tensorflow/tfjs-core', entry);
    if (core) recordTfjsCore(core, mod.version_wasm, '@tensorflow/tfjs-backend-wasm');
  }
}
