import type { KernelBackend } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { nodeBuiltin } from './node-builtin.js';
import type { WasmFileName } from './wasm-files.js';

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
type Url = { fileURLToPath(url: string): string };
type Fs = { existsSync(path: string): boolean; promises: { readFile(path: string): Promise<Uint8Array> } };
type Require = ((id: string) => unknown) & { resolve(id: string): string };

/** The files one Node build of tfjs-backend-wasm runs from. */
export interface NodeWasmFiles {
  /** The Emscripten glue (wasm-out/*.js), loaded by the main thread and by every pthread. */
  glue: string;
  /** The .wasm binary: a path, a file: URL or an http(s) URL. */
  binary: string;
  /** The pthread worker script shipped with this package (threaded build only). */
  worker?: string;
}

type EmscriptenWorker = { unref(): void };
type EmscriptenModule = {
  cwrap(name: string, returns: string | null, args: string[]): unknown;
  PThread?: { runningWorkers: EmscriptenWorker[] };
  tfjs?: Record<string, unknown>;
};
type Imports = { env: Record<string, unknown> };
type Receive = (instance: WebAssembly.Instance, module: WebAssembly.Module) => void;
type Factory = (config: Record<string, unknown>) => Promise<EmscriptenModule>;

/**
 * Locates the glue, binary and worker of the threaded SIMD build (`threaded`), else of the
 * single-threaded SIMD or plain build, next to the installed tfjs-backend-wasm (or where
 * `wasmPaths` says, for the binary). Throws a TesseraError naming a file that is missing.
 */
export async function nodeWasmFiles(
  threaded: boolean,
  simd: boolean,
  wasmPaths: string | Partial<Record<WasmFileName, string>> | undefined,
): Promise<NodeWasmFiles> {
  const { createRequire } = await nodeBuiltin<{ createRequire(from: string): Require }>('module');
  const { fileURLToPath } = await nodeBuiltin<Url>('url');
  const { existsSync } = await nodeBuiltin<Fs>('fs');
  const req = createRequire(import.meta.url);
  const glue = req.resolve(
    `@tensorflow/tfjs-backend-wasm/wasm-out/${threaded ? 'tfjs-backend-wasm-threaded-simd' : 'tfjs-backend-wasm'}.js`,
  );
  const name: WasmFileName = threaded
    ? 'tfjs-backend-wasm-threaded-simd.wasm'
    : simd
      ? 'tfjs-backend-wasm-simd.wasm'
      : 'tfjs-backend-wasm.wasm';
  const dist = req.resolve('@tensorflow/tfjs-backend-wasm').replace(/[^\\/]+$/, '');
  const binary = typeof wasmPaths === 'string' ? `${wasmPaths}${name}` : (wasmPaths?.[name] ?? `${dist}${name}`);
  if (!threaded) return { glue, binary };
  // Next to this module: src/ in the repository, dist/ once built (both builds sit there).
  const here = import.meta.url;
  const worker = fileURLToPath(`${here.slice(0, here.lastIndexOf('/') + 1)}pthread-worker.cjs`);
  if (!existsSync(worker)) {
    throw new TesseraError('CONFIG', `wasm threads: the pthread worker script ${worker} is missing (was @tessera/backend-wasm bundled?)`);
  }
  return { glue, binary, worker };
}

async function readBinary(where: string): Promise<Uint8Array> {
  if (/^https?:\/\//.test(where)) {
    const response = await fetch(where);
    if (!response.ok) throw new TesseraError('CONFIG', `wasm: fetching ${where} failed with HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const { fileURLToPath } = await nodeBuiltin<Url>('url');
  const { promises } = await nodeBuiltin<Fs>('fs');
  return promises.readFile(where.startsWith('file:') ? fileURLToPath(where) : where);
}

/**
 * Starts one tfjs-backend-wasm build in Node and wraps it in tfjs's `BackendWasm`: what tfjs's
 * own `init()` does, plus what the threaded build needs under worker_threads (a worker script
 * Node accepts, the glue's path for the pthreads) and `threads` as asked: tfjs's build caps its
 * pool at half the logical cores it reports, so the cores it reports here are twice `threads`.
 */
export async function createNodeBackend(mod: WasmModule, files: NodeWasmFiles, threads: number): Promise<KernelBackend> {
  const { createRequire } = await nodeBuiltin<{ createRequire(from: string): Require }>('module');
  const factory = createRequire(import.meta.url)(files.glue) as Factory;
  const binary = await readBinary(files.binary);
  let fail: (cause: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    fail = (cause) => reject(new TesseraError('CONFIG', `wasm: starting ${files.binary} failed: ${String(cause)}`, { cause }));
  });
  const module = await Promise.race([
    factory({
      mainScriptUrlOrBlob: files.glue,
      locateFile: (path: string) => (path.endsWith('.worker.js') && files.worker ? files.worker : path),
      onAbort: fail,
      instantiateWasm(info: Imports, receive: Receive) {
        const env = files.worker ? { ...info.env, emscripten_num_logical_cores: () => 2 * threads } : info.env;
        WebAssembly.instantiate(binary as BufferSource, { ...info, env } as WebAssembly.Imports).then(
          (r) => receive(r.instance, r.module),
          fail,
        );
        return {};
      },
    }),
    failed,
  ]);
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  mod.setThreadsCount(threads);
  const backend = new mod.BackendWasm(module as unknown as ConstructorParameters<WasmModule['BackendWasm']>[0]);
  // A running pthread holds its worker's reference, and XNNPACK's pool threads run as long as the
  // backend does: release them so that a script ends when its work does.
  for (const worker of module.PThread?.runningWorkers ?? []) worker.unref();
  return backend;
}
