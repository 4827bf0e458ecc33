import { memory, mul, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { useBackend } from './backend/use-backend.js';
import { disposeTree, isTensor, mapTensors, treeTensors } from './tensor-tree.js';

class Holder {
  constructor(readonly t: Tensor) {}
}

describe('tensor trees', () => {
  beforeAll(async () => {
    await useBackend(testCpu);
  });

  it('isTensor tells tensors from look-alikes', () => {
    const t = tensor([1]);
    expect(isTensor(t)).toBe(true);
    expect(isTensor({ shape: [1], dtype: 'float32' })).toBe(false);
    expect(isTensor(null)).toBe(false);
    expect(isTensor([t])).toBe(false);
    t.dispose();
  });

  it('treeTensors lists tensors of arrays and plain objects once, in order; other values are leaves', () => {
    const a = tensor([1]);
    const b = tensor([2, 3]);
    const c = tensor([4]);
    const held = new Holder(c);
    const tree = { w: a, layers: [{ b }, null, 'relu', 3], again: a, held };
    expect(treeTensors(tree)).toEqual([a, b]);
    expect(treeTensors(a)).toEqual([a]);
    expect(treeTensors([1, 'x', null, undefined])).toEqual([]);
    disposeTree([a, b, c]);
  });

  it('mapTensors keeps the structure and JSON leaves and passes slash paths', async () => {
    const before = memory().numTensors;
    const a = tensor([1, 2]);
    const b = tensor([3]);
    const paths: string[] = [];
    const tree = { dense: { kernel: a, units: 4 }, extra: [b, 'x'] };
    const out = mapTensors(tree, (t, path) => {
      paths.push(path);
      return mul(t, 2);
    });
    expect(paths).toEqual(['dense/kernel', 'extra/0']);
    expect(out.dense.units).toBe(4);
    expect(out.extra[1]).toBe('x');
    expect(Array.from(await (out.dense.kernel as Tensor).data())).toEqual([2, 4]);
    expect(Array.from(await (out.extra[0] as Tensor).data())).toEqual([6]);
    expect(mapTensors(tree, (t) => t, 'opt').dense.kernel).toBe(a);
    disposeTree([tree, out]);
    expect(memory().numTensors).toBe(before);
  });

  it('disposeTree frees every tensor once and tolerates already disposed ones', () => {
    const before = memory().numTensors;
    const a = tensor([1]);
    const b = tensor([2]);
    b.dispose();
    disposeTree({ a, list: [a, b], n: 1 });
    expect(a.isDisposed).toBe(true);
    expect(memory().numTensors).toBe(before);
  });
});
