import { memory, tensor } from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { useBackend } from './backend/use-backend.js';
import { flattenState, stateTensors, unflattenState } from './state-tree.js';

describe('state trees', () => {
  beforeAll(async () => {
    await useBackend(testCpu);
  });
  it('flatten/unflatten round-trips tensors, numbers, arrays and nulls', () => {
    const before = memory().numTensors;
    const a = tensor([1, 2]);
    const b = tensor([[3]]);
    const tree = { count: 3, inner: [{ mu: a }, null], nu: { 'dense/kernel': b }, name: 'adam' };
    const { tensors, skeleton } = flattenState(tree);
    expect(Object.keys(tensors).sort()).toEqual(['inner/0/mu', 'nu/dense/kernel']);
    const json = JSON.parse(JSON.stringify(skeleton));
    const back = unflattenState(json, tensors) as typeof tree;
    expect(back.count).toBe(3);
    expect(back.name).toBe('adam');
    expect(back.inner[1]).toBeNull();
    expect(back.nu['dense/kernel']).toBe(b);
    expect(stateTensors(tree)).toHaveLength(2);
    a.dispose();
    b.dispose();
    expect(memory().numTensors).toBe(before);
  });
  it('names the missing tensor', () => {
    expect(() => unflattenState({ w: { $tensor: 'w' } }, {})).toThrow('a tensor named "w"');
  });
});
