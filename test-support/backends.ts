// Test-only backend plugins for core's and tensor's tests: those packages cannot depend on
// the backend packages, which depend on them.
import type { BackendPlugin } from '../packages/core/src/contracts/backend-plugin.js';

/** Minimal cpu plugin for core's own tests. */
export const testCpu: BackendPlugin = {
  name: 'cpu',
  priority: 10,
  isAvailable: () => true,
  async load() {
    await import('@tensorflow/tfjs-backend-cpu');
  },
};

/** Minimal wasm plugin for core's own tests. */
export const testWasm: BackendPlugin = {
  name: 'wasm',
  priority: 30,
  isAvailable: () => typeof WebAssembly === 'object',
  async load() {
    await import('@tensorflow/tfjs-backend-wasm');
  },
};

/** A plugin that is never available, like tfjs-node-gpu on a machine without it. */
export const testMissing: BackendPlugin = {
  name: 'node-gpu',
  tfjsName: 'tensorflow',
  priority: 50,
  isAvailable: () => false,
  unavailableReason: () => '@tensorflow/tfjs-node-gpu is not installed (needs CUDA 11.2)',
  async load() {
    throw new Error('unreachable');
  },
};
