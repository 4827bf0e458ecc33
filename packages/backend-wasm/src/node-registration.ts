import type { KernelBackend } from '@tensorflow/tfjs-core';
import { engine, findBackendFactory, registerBackend, removeBackend } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { createNodeBackend, type NodeWasmFiles } from './node-backend.js';

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm');
type BackendFactory = () => KernelBackend | Promise<KernelBackend>;

/** tfjs-backend-wasm registers 'wasm' with this priority. */
const WASM_PRIORITY = 2;
/** tfjs's own 'wasm' factory (its `init()`: one thread in Node), kept to return to. */
let stockFactory: BackendFactory | undefined;
const ownFactories = new WeakSet<BackendFactory>();

/**
 * Makes the next start of tfjs's 'wasm' backend in this process run `threads` threads: tfjs's own
 * factory for one thread when it has it (today's single-threaded build), else a factory that starts
 * the build in `files` (the threaded one for more than one thread). When the backend already runs, its thread count is fixed: an `explicit`
 * request for another count throws a TesseraError; 'auto' accepts it.
 */
export function registerNodeWasm(mod: WasmModule, threads: number, explicit: boolean, files: NodeWasmFiles): void {
  const current = findBackendFactory('wasm') as BackendFactory | null;
  if (current && !ownFactories.has(current)) stockFactory = current;
  if (engine().registry.wasm) {
    const running = mod.getThreadsCount();
    if (explicit && running !== threads) {
      throw new TesseraError(
        'CONFIG',
        `wasm threads: expected to start the wasm backend with ${threads} thread(s), received a backend already running with ${running} in this process (the count is fixed when it starts; removeBackend('wasm') first to start it again)`,
      );
    }
    return;
  }
  const next = threads === 1 && stockFactory ? stockFactory : () => createNodeBackend(mod, files, threads);
  if (next === current) return;
  if (next !== stockFactory) ownFactories.add(next);
  if (current) removeBackend('wasm');
  registerBackend('wasm', next, WASM_PRIORITY);
}
