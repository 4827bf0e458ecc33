import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { adam } from '@tessera/optimizers';
import { randomNormal, tensor1d } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { expect, it } from 'vitest';
import { gan } from './gan-step.js';
import { sampleSheets } from './sample-callback.js';
import { sampleGrid } from './sample-sheet.js';
import { mlpPair } from './test-utils.js';

it('the sample sheet of the last epoch is the seeded grid sample() gives after fit (seed 0 included)', async () => {
  await useBackend(cpu());
  const x = randomNormal([64, 2], 0, 1, 'float32', 1);
  const y = tensor1d(new Int32Array(64));
  const step = gan({
    ...mlpPair(),
    latentDim: 3,
    generatorOptimizer: adam({ learningRate: 1e-3 }),
    discriminatorOptimizer: adam({ learningRate: 1e-3 }),
  });
  let last: Uint8ClampedArray | null = null;
  await fit(
    step,
    { x, y, batchSize: 16 },
    {
      epochs: 2,
      seed: 1,
      callbacks: [
        sampleSheets(step, {
          count: 4,
          columns: 2,
          shape: [1, 2, 1],
          onSheet: (s) => {
            last = s.rgba;
          },
        }),
      ],
    },
  );
  for (const seed of [0, 0]) {
    const images = step.sample(4, { seed });
    expect(Array.from(sampleGrid(images, { columns: 2, shape: [1, 2, 1] }).rgba)).toEqual(Array.from(last as unknown as Uint8ClampedArray));
    images.dispose();
  }
  const other = step.sample(4, { seed: 1 });
  expect(Array.from(sampleGrid(other, { columns: 2, shape: [1, 2, 1] }).rgba)).not.toEqual(
    Array.from(last as unknown as Uint8ClampedArray),
  );
  for (const t of [other, x, y]) t.dispose();
});
