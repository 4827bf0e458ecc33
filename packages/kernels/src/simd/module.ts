/**
 * One of this package's modules: its bytes (base64) importing a plain memory, and importing a
 * shared one (the threaded wasm build's).
 *
 * @example
 * ```ts
 * const bytes: SimdModuleBytes = ADAM_WASM; // from adam-wasm-bytes.ts, generated
 * ```
 */
export interface SimdModuleBytes {
  plain: string;
  shared: string;
}

/** A compiled module of this package's own: `null` where this engine cannot compile it (no SIMD, or a policy forbids it). */
const modules = new Map<string, WebAssembly.Module | null>();

/** Instances by memory, then by module. */
const instances = new WeakMap<WebAssembly.Memory, Map<string, WebAssembly.Exports | null>>();

function compile(base64: string): WebAssembly.Module | null {
  let mod = modules.get(base64);
  if (mod !== undefined) return mod;
  try {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    mod = new WebAssembly.Module(bytes); // under 4 KB: synchronous compilation is allowed everywhere
  } catch {
    mod = null;
  }
  modules.set(base64, mod);
  return mod;
}

/**
 * The exports of one of this package's SIMD modules (built from a `.wat` source by
 * scripts/build-wasm.mjs) instantiated on `memory`, which it imports as `env.memory`: the variant
 * that imports a shared memory where `memory` is shared (the threaded wasm build's). `undefined`
 * where it cannot run (no WebAssembly SIMD). One instance per memory and module.
 *
 * @example
 * ```ts
 * const adam = simdExports(ADAM_WASM, memory)?.adam;
 * ```
 */
export function simdExports(module: SimdModuleBytes, memory: WebAssembly.Memory): WebAssembly.Exports | undefined {
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  const base64 = shared ? module.shared : module.plain;
  let byModule = instances.get(memory);
  if (!byModule) {
    byModule = new Map();
    instances.set(memory, byModule);
  }
  let exports = byModule.get(base64);
  if (exports === undefined) {
    const mod = compile(base64);
    try {
      exports = mod ? new WebAssembly.Instance(mod, { env: { memory } }).exports : null;
    } catch {
      exports = null;
    }
    byModule.set(base64, exports);
  }
  return exports ?? undefined;
}

/** The parts of tfjs' wasm backend (4.22) the in-place kernels use. */
interface WasmBackendModule {
  wasm?: {
    asm?: { memory?: unknown };
    wasmMemory?: unknown;
    _malloc?: (bytes: number) => number;
    _free?: (ptr: number) => void;
  };
}

/**
 * The wasm backend's own memory (shared in the threaded build), where a module can work on tensors
 * in place: `undefined` where it or the heap's allocator is not reachable.
 *
 * @example
 * ```ts
 * const memory = wasmBackendMemory(backend); // inside a wasm kernel
 * ```
 */
export function wasmBackendMemory(backend: unknown): WebAssembly.Memory | undefined {
  const wasm = (backend as WasmBackendModule).wasm;
  // the single-threaded build exports its memory; the threaded one creates it (shared) and keeps it as wasmMemory
  const memory = wasm?.asm?.memory ?? wasm?.wasmMemory;
  return memory instanceof WebAssembly.Memory && wasm?._malloc && wasm._free ? memory : undefined;
}

/**
 * Runs `f` with `bytes` of scratch space allocated on the wasm backend's heap (its byte offset),
 * freed afterwards; on a backend {@link wasmBackendMemory} accepts. Views of the heap taken before
 * may be detached by the allocation.
 *
 * @example
 * ```ts
 * withHeapScratch(backend, 8 * channels, (acc) => sumRows(src, rows, channels, acc, out));
 * ```
 */
export function withHeapScratch<T>(backend: unknown, bytes: number, f: (ptr: number) => T): T {
  const wasm = (backend as WasmBackendModule).wasm as Required<Pick<NonNullable<WasmBackendModule['wasm']>, '_malloc' | '_free'>>;
  const ptr = wasm._malloc(bytes);
  try {
    return f(ptr);
  } finally {
    wasm._free(ptr);
  }
}

/**
 * The export `name` of one of this package's SIMD modules bound to the wasm backend's own memory
 * ({@link wasmBackendMemory}, {@link simdExports}): `undefined` where it cannot run there.
 *
 * @example
 * ```ts
 * const reluGrad = backendSimd<ReluGradExport>(backend, RELU_GRAD_WASM, 'reluGrad'); // inside a wasm kernel
 * ```
 */
export function backendSimd<F>(backend: unknown, module: SimdModuleBytes, name: string): F | undefined {
  const memory = wasmBackendMemory(backend);
  return memory && (simdExports(module, memory)?.[name] as F | undefined);
}
