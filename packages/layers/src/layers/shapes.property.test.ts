import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dispose, tensorCount, zeros } from '@tessera/tensor';
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { Conv1D, Conv2D } from './conv.js';
import { Conv2DTranspose } from './conv-transpose.js';
import { AvgPool2D, MaxPool1D } from './pooling.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const padding = fc.constantFrom<'valid' | 'same'>('valid', 'same');

it('conv and pooling output shapes equal computeOutputShape for random configurations', () => {
  const before = tensorCount();
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 3, max: 9 }),
      fc.integer({ min: 3, max: 9 }),
      padding,
      fc.constantFrom('conv2d', 'conv1d', 'convT', 'maxPool1d', 'avgPool2d'),
      (k, s, h, w, pad, kind) => {
        const layer =
          kind === 'conv2d'
            ? new Conv2D({ filters: 2, kernelSize: [k, k], strides: s, padding: pad })
            : kind === 'conv1d'
              ? new Conv1D({ filters: 2, kernelSize: k, strides: s, padding: pad })
              : kind === 'convT'
                ? new Conv2DTranspose({ filters: 2, kernelSize: k, strides: s, padding: pad })
                : kind === 'maxPool1d'
                  ? new MaxPool1D({ poolSize: k, strides: s, padding: pad })
                  : new AvgPool2D({ poolSize: k, strides: s, padding: pad });
        const shape = kind === 'conv1d' || kind === 'maxPool1d' ? [1, h, 2] : [1, h, w, 2];
        const x = zeros(shape);
        const y = layer.call(x);
        expect(y.shape).toEqual(layer.computeOutputShape(shape));
        dispose([x, y]);
        layer.dispose();
      },
    ),
    { numRuns: 60, seed: 42 },
  );
  expect(tensorCount()).toBe(before);
});
