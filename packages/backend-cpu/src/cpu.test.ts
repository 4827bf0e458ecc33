import { add, getBackend, tensor1d } from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { cpu } from './cpu.js';

describe('cpu()', () => {
  it('activates the cpu backend and computes', async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
    const s = add(tensor1d([1, 2]), tensor1d([3, 4]));
    expect(Array.from(await s.data())).toEqual([4, 6]);
    s.dispose();
  });
  it('has the lowest default priority', () => {
    expect(cpu().priority).toBe(10);
    expect(cpu({ priority: 99 }).priority).toBe(99);
  });
});
