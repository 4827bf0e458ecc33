import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { afterAll, describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { registerCpuKernels, registerWasmKernels, unregisterTesseraKernels } from './register.js';
import { bytesCopied } from './test-copy-counter.js';

// A 128-row batch cut from a source of 1,280 rows and from one 100× larger (128,000 rows).
const WIDTH = 16;
const ROWS = [1280, 128_000];
const BATCH_BYTES = 128 * WIDTH * 4;
const shuffledRows = Int32Array.from({ length: 128 }, (_, k) => (k * 37 + 5) % 1280);

const cuts: [string, (x: Tensor) => Tensor | Tensor[]][] = [
  ['slice of 128 rows', (x) => tf.slice(x, [256, 0], [128, -1])],
  ['slice of 128 rows and 8 columns', (x) => tf.slice(x, [256, 4], [128, 8])],
  ['gather of 128 shuffled rows', (x) => tf.gather(x, tf.tensor1d(shuffledRows, 'int32'))],
  ['stridedSlice of 128 rows', (x) => tf.stridedSlice(x, [256, 0], [384, WIDTH])],
];

/** Bytes copied to cut `cut` out of a source of each size in ROWS (tensor counts checked). */
function perSourceSize(cut: (x: Tensor) => Tensor | Tensor[]): number[] {
  return ROWS.map((rows) => {
    const x = tf.fill([rows, WIDTH], 0.5);
    const before = tf.memory().numTensors;
    let out: Tensor | Tensor[] = [];
    const bytes = bytesCopied(() => {
      out = tf.tidy(() => cut(x));
    });
    tf.dispose(out);
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
    return bytes;
  });
}

afterAll(() => unregisterTesseraKernels());

describe.each(['wasm', 'cpu'] as const)(
  "cutting a batch out of a tensor copies the batch's bytes, whatever the source's size (%s)",
  (backend) => {
    it.each(cuts)('%s', async (_, cut) => {
      await useBackend(backend === 'wasm' ? testWasm : testCpu);
      if (backend === 'wasm') registerWasmKernels();
      else registerCpuKernels();
      const [small, large] = perSourceSize(cut);
      expect(large).toBe(small);
      // the batch itself, plus index and bookkeeping uploads: far below the 80 kB small source
      expect(small).toBeLessThanOrEqual(BATCH_BYTES + 1024);
    });
  },
);

describe.each(['wasm', 'cpu'] as const)('splitting a tensor into parts copies it once, not once per part (%s)', (backend) => {
  it.each([
    ['split into 10 parts', (x: Tensor) => tf.split(x, 10)],
    ['unstack 1,280 rows', (x: Tensor) => tf.unstack(x)],
  ] as const)('%s', async (_, parts) => {
    await useBackend(backend === 'wasm' ? testWasm : testCpu);
    if (backend === 'wasm') registerWasmKernels();
    const x = tf.fill([1280, WIDTH], 0.5);
    const before = tf.memory().numTensors;
    let out: Tensor[] = [];
    const bytes = bytesCopied(() => {
      out = tf.tidy(() => parts(x));
    });
    tf.dispose(out);
    x.dispose();
    expect(tf.memory().numTensors).toBe(before - 1);
    expect(bytes).toBeLessThanOrEqual(1280 * WIDTH * 4);
  });
});

describe('the counter sees a whole-source read', () => {
  it("tfjs-backend-wasm's own Slice copies the whole source for every slice", async () => {
    await useBackend(testWasm);
    unregisterTesseraKernels();
    const [small = 0, large = 0] = perSourceSize(cuts[0]![1]);
    expect(small).toBeGreaterThanOrEqual(1280 * WIDTH * 4);
    expect(large).toBeGreaterThanOrEqual(100 * small - 100 * BATCH_BYTES);
    registerWasmKernels();
  });
});
