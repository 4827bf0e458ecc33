import { availableParallelism } from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { env, getBackend, matMul, tensor2d } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { wasm } from './wasm.js';

describe('wasm()', () => {
  it('loads in Node without set-up, with SIMD, and computes', async () => {
    const plugin = wasm();
    expect(plugin.name).toBe('wasm');
    expect(await plugin.isAvailable()).toBe(true);
    await useBackend(plugin);
    expect(getBackend()).toBe('wasm');
    expect(await env().getAsync('WASM_HAS_SIMD_SUPPORT')).toBe(true);
    // One thread by default in Node (TESSERA_WASM_THREADS may ask for more).
    const asked = process.env.TESSERA_WASM_THREADS;
    expect(getThreadsCount()).toBe(asked === 'auto' ? Math.min(availableParallelism(), 8) : Number(asked || 1));
    const c = matMul(
      tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tensor2d([[5], [6]]),
    );
    expect(Array.from(await c.data())).toEqual([17, 39]);
    c.dispose();
  });
  it('is idempotent', async () => {
    const plugin = wasm();
    await useBackend(plugin);
    await useBackend(plugin);
    expect(getBackend()).toBe('wasm');
  });
});
