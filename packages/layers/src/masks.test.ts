import { cpu } from '@tessera/backend-cpu';
import { ShapeError, useBackend } from '@tessera/core';
import { dispose, logicalAnd, tensor2d, tensor3d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { causalMask, mergeMasks, paddingAttentionMask, sequenceMask } from './masks.js';

describe('mask helpers (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
  });

  it('causalMask lets each query see itself and earlier keys, also after cached positions', () => {
    const before = tensorCount();
    const m = causalMask(3);
    expect(m.dtype).toBe('bool');
    expect(m.arraySync()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    const step = causalMask(2, 4);
    expect(step.arraySync()).toEqual([
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
    dispose([m, step]);
    expect(tensorCount()).toBe(before);
    expect(() => causalMask(0)).toThrow(/queryLength/);
    expect(() => causalMask(3, 2)).toThrow(/keyLength/);
  });

  it('paddingAttentionMask broadcasts over queries and combines with causalMask', () => {
    const pad = tensor2d([
      [1, 1, 0],
      [0, 1, 1],
    ]);
    const att = logicalAnd(paddingAttentionMask(pad), causalMask(3));
    expect(att.shape).toEqual([2, 3, 3]);
    expect(att.arraySync()).toEqual([
      [
        [1, 0, 0],
        [1, 1, 0],
        [1, 1, 0],
      ],
      [
        [0, 0, 0],
        [0, 1, 0],
        [0, 1, 1],
      ],
    ]);
    expect(() => paddingAttentionMask(tensor3d([[[1]]]))).toThrow(ShapeError);
  });

  it('mergeMasks ands the defined masks; sequenceMask checks [batch, time]', () => {
    const a = tensor2d([[1, 1, 0]]);
    const b = tensor2d([[0, 1, 1]], [1, 3], 'bool');
    expect(mergeMasks([a, undefined, b])?.arraySync()).toEqual([[0, 1, 0]]);
    expect(mergeMasks([undefined])).toBeUndefined();
    expect(mergeMasks([a])).toBe(a);
    const x = tensor3d([[[1], [2], [3]]]);
    expect(sequenceMask(b, x, 'm')).toBe(b);
    expect(() => sequenceMask(tensor2d([[1, 1]]), x, 'lstm mask')).toThrow(/lstm mask/);
  });
});
