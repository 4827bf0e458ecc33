import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { gradientOn, registerBackendGradient, unregisterBackendGradient } from './backend-gradients.js';

const stockSquare = tfjsGradientConfigs.find((c) => c.kernelName === 'Square') as GradConfig;
/** Square's gradient times 10, to tell which one ran. */
const tenfold: GradConfig = {
  kernelName: 'Square',
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => ({ x: () => tf.mul(tf.mul(dy as Tensor, saved[0] as Tensor), 20) }),
};
const gradAt3 = () =>
  tf.tidy(
    () =>
      tf
        .grad((x: Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([3]))
        .dataSync()[0],
  );

describe('registerBackendGradient', () => {
  it('applies a gradient on its backend only, the stock one elsewhere, and unregisters', async () => {
    await useBackend(testCpu);
    registerBackendGradient('wasm', tenfold);
    expect(gradientOn('Square', 'wasm')).toBe(tenfold);
    expect(gradientOn('Square', 'cpu')).toBe(stockSquare);
    const before = tf.memory().numTensors;
    expect(gradAt3()).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
    await useBackend(testWasm);
    expect(gradAt3()).toBe(60);
    await useBackend(testCpu);
    expect(gradAt3()).toBe(6);
    unregisterBackendGradient('wasm', 'Square');
    expect(tf.getGradient('Square')).toBe(stockSquare);
    await useBackend(testWasm);
    expect(gradAt3()).toBe(6);
  });

  it('refuses a gradient that saves other tensors than the shared one', () => {
    const wrong: GradConfig = { ...tenfold, inputsToSave: undefined, outputsToSave: [true] };
    expect(() => registerBackendGradient('wasm', wrong)).toThrow(/must save the inputs and outputs/);
    expect(tf.getGradient('Square')).toBe(stockSquare);
  });
});
