import { cpu } from '@tessera/backend-cpu';
import { rngKey, useBackend, ValueError } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { normal, truncNormal, uniform } from './random.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('random tensors with wrong arguments', () => {
  it('name the argument, the expected and the received value', () => {
    const key = rngKey(1);
    expect(() => uniform(key, [2, -3])).toThrow(new ValueError('uniform shape', 'an array of non-negative integers', [2, -3]));
    expect(() => uniform(key, [2], 1, 0)).toThrow('uniform maxval: expected a number >= minval (1), received 0');
    expect(() => normal(key, [1.5])).toThrow('normal shape: expected an array of non-negative integers, received [1.5]');
    expect(() => normal(key, [2], 0, -1)).toThrow('normal stddev: expected a non-negative number, received -1');
    expect(() => truncNormal(key, [2], 0, Number.NaN)).toThrow('truncNormal stddev: expected a non-negative number, received NaN');
  });
  it('still draw valid shapes, including an empty one', () => {
    const t = uniform(rngKey(1), [2, 0]);
    expect(t.shape).toEqual([2, 0]);
    const u = uniform(rngKey(1), [3], 2, 2);
    expect(Array.from(u.dataSync())).toEqual([2, 2, 2]);
    t.dispose();
    u.dispose();
  });
});
