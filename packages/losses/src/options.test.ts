import { cpu } from '@tessera/backend-cpu';
import { useBackend, ValueError } from '@tessera/core';
import { tensor2d } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  binaryCrossentropy,
  binaryFocalCrossentropy,
  categoricalCrossentropy,
  categoricalFocalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('loss options are checked when the loss is made', () => {
  it('an unknown reduction', () => {
    expect(() => meanSquaredError({ reduction: 'avg' as never })).toThrow(
      new ValueError('mean_squared_error reduction', "'mean', 'sum' or 'none'", 'avg'),
    );
  });
  it('label smoothing outside [0, 1]', () => {
    expect(() => categoricalCrossentropy({ labelSmoothing: 1.5 })).toThrow(
      'categorical_crossentropy labelSmoothing: expected a number in [0, 1], received 1.5',
    );
    expect(() => sparseCategoricalCrossentropy({ labelSmoothing: -1 })).toThrow('sparse_categorical_crossentropy labelSmoothing');
    expect(() => binaryCrossentropy({ labelSmoothing: Number.NaN })).toThrow(
      'binary_crossentropy labelSmoothing: expected a number in [0, 1], received NaN',
    );
    expect(() => categoricalFocalCrossentropy({ labelSmoothing: 2 })).toThrow('categorical_focal_crossentropy labelSmoothing');
  });
  it('huber delta and focal gamma and alpha', () => {
    expect(() => huber({ delta: 0 })).toThrow('huber_loss delta: expected a positive number, received 0');
    expect(() => binaryFocalCrossentropy({ gamma: -2 })).toThrow(
      'binary_focal_crossentropy gamma: expected a non-negative number, received -2',
    );
    expect(() => binaryFocalCrossentropy({ alpha: 1.2 })).toThrow(
      'binary_focal_crossentropy alpha: expected a number in [0, 1], received 1.2',
    );
  });
  it('valid edge values still compute', () => {
    const y = tensor2d([[0, 1]]);
    const p = tensor2d([[0.25, 0.75]]);
    // full smoothing: targets [0.5, 0.5], loss -(0.5 log 0.25 + 0.5 log 0.75)
    const l = categoricalCrossentropy({ labelSmoothing: 1, reduction: 'sum' })(y, p);
    expect(l.dataSync()[0]).toBeCloseTo(-(0.5 * Math.log(0.25) + 0.5 * Math.log(0.75)), 5);
    const f = binaryFocalCrossentropy({ gamma: 0, alpha: 1 })(y, p);
    expect(f.dataSync()[0]).toBeGreaterThan(0);
    for (const t of [y, p, l, f]) t.dispose();
  });
});
