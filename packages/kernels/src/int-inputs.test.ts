import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testWasm } from '../../../test-support/backends.js';
import { tensorflowKernelConfigs, wasmIntPredicateConfigs } from './int-inputs.js';
import { registerWasmKernels } from './register.js';
import { runOn } from './test-run-on.js';

beforeAll(async () => {
  await useBackend(testWasm);
  registerWasmKernels();
});

describe('int32 predicates on wasm (the stock kernels read int32 bits as float32)', () => {
  const x = () => tf.tensor1d([-3, 0, 7, -2147483647], 'int32');
  it('isNaN, isFinite and isInf agree with cpu', async () => {
    for (const backend of ['cpu', 'wasm'] as const) {
      expect((await runOn(backend, () => tf.isNaN(x()))).values).toEqual([0, 0, 0, 0]);
      expect((await runOn(backend, () => tf.isFinite(x()))).values).toEqual([1, 1, 1, 1]);
      expect((await runOn(backend, () => tf.isInf(x()))).values).toEqual([0, 0, 0, 0]);
    }
  });
  it('float32 inputs still go to the stock kernels', async () => {
    const out = await runOn('wasm', () => tf.isNaN(tf.tensor1d([Number.NaN, 1, Number.POSITIVE_INFINITY])));
    expect(out.values).toEqual([1, 0, 0]);
  });
  it('registering twice keeps one wrapper; without tfjs-node there is nothing to register for tensorflow', () => {
    const first = wasmIntPredicateConfigs().map((c) => c.kernelFunc);
    registerWasmKernels();
    expect(wasmIntPredicateConfigs().map((c) => c.kernelFunc)).toEqual(first);
    expect(first).toHaveLength(3);
    expect(tensorflowKernelConfigs()).toEqual([]);
  });
});
