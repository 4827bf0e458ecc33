import { add, memory, ones, tensor, zeros } from '@tensorflow/tfjs-core';
import { ShapeError, useBackend, ValueError } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { asyncScope, expectNoLeak, scope, tensorCount } from './scope.js';
import { assertPositiveInt, assertRank, assertSameShape, assertShape } from './shape.js';

beforeAll(async () => {
  await useBackend(testCpu);
});

describe('scopes', () => {
  it('scope frees intermediates and keeps the result', () => {
    const before = tensorCount();
    const r = scope(() => add(add(ones([2]), ones([2])), ones([2])));
    expect(tensorCount()).toBe(before + 1);
    expect(Array.from(r.dataSync())).toEqual([3, 3]);
    r.dispose();
    expect(tensorCount()).toBe(before);
  });
  it('asyncScope frees tensors created across awaits and keeps returned ones', async () => {
    const before = memory().numTensors;
    const { kept, value } = await asyncScope(async () => {
      const a = ones([3]);
      const s = add(a, a);
      const v = await s.data();
      return { kept: add(s, 1), value: v[0] };
    });
    expect(value).toBe(2);
    expect(memory().numTensors).toBe(before + 1);
    expect(Array.from(await kept.data())).toEqual([3, 3, 3]);
    kept.dispose();
    expect(memory().numTensors).toBe(before);
  });
  it('asyncScope frees everything when fn throws', async () => {
    const before = memory().numTensors;
    await expect(
      asyncScope(async () => {
        zeros([4]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(memory().numTensors).toBe(before);
  });
  it('expectNoLeak reports the counts', async () => {
    await expect(expectNoLeak(() => void zeros([1]), 0, 'leaky step')).rejects.toThrow(
      /leaky step leaked tensors: expected at most \d+ live tensors, received \d+/,
    );
    await expect(expectNoLeak(() => scope(() => void add(ones([1]), 1)))).resolves.toBeUndefined();
  });
});

describe('shape assertions', () => {
  it('name where, the expected and the received shape', () => {
    const x = zeros([32, 10]);
    expect(() => assertShape(x, [null, 784], 'dense_1 input')).toThrow('dense_1 input: expected shape [null, 784], received [32, 10]');
    expect(() => assertShape(x, [null, 784], 'dense_1 input')).toThrow(ShapeError);
    expect(() => assertShape(x, [null, 10], 'ok')).not.toThrow();
    expect(() => assertRank(x, 4, 'conv2d input')).toThrow(
      'conv2d input: expected shape [null, null, null, null], received [32, 10] (expected rank 4, received rank 2)',
    );
    expect(() => assertSameShape(x, tensor([1, 2]), 'mse')).toThrow('mse: expected shape [32, 10], received [2]');
    expect(() => assertPositiveInt(0, 'dense units')).toThrow(ValueError);
    x.dispose();
  });
});
