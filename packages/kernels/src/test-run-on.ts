// Test-only (not exported by the package): run a tensor function on one backend and read it back.
import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { expect } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';

/**
 * Runs `f` in a scope on `backend` (asserting it is active), reads the result, frees it and
 * asserts the live tensor count is back where it was.
 */
export async function runOn<V = unknown>(
  backend: 'cpu' | 'wasm',
  f: () => Tensor,
): Promise<{ values: V[]; shape: number[]; dtype: string }> {
  await useBackend(backend === 'cpu' ? testCpu : testWasm);
  expect(tf.getBackend()).toBe(backend);
  const before = tf.memory().numTensors;
  const t = tf.tidy(f);
  const out = { values: Array.from((await t.data()) as unknown as ArrayLike<V>), shape: [...t.shape], dtype: t.dtype };
  t.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}
