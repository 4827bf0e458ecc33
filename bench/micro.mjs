// GFLOP/s of the products a Dense/Conv training step uses, on wasm (with Tessera's kernels).

import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import * as tf from '@tessera/tensor';

await useBackend(wasm());
function rate(flops, f, reps = 5) {
  try {
    tf.tidy(f);
  } catch (e) {
    return `fails: ${String(e?.message ?? e).slice(0, 100)}`;
  }
  const t0 = performance.now();
  // The tidy returns nothing: returning the typed array would make tidy walk every element of it
  // looking for tensors, which costs more than the kernel (it made every rate here look 3-30x lower).
  for (let i = 0; i < reps; i++)
    tf.tidy(() => {
      f().dataSync();
    });
  return Math.round((flops * reps) / ((performance.now() - t0) / 1000) / 1e7) / 100;
}
const a = tf.randomNormal([512, 512]);
const b = tf.randomNormal([512, 512]);
const n3 = 2 * 512 ** 3;
const ab = tf.randomNormal([4, 512, 512]);
const bb = tf.randomNormal([4, 512, 512]);
const x = tf.randomNormal([64, 28, 28, 32]);
const w = tf.randomNormal([3, 3, 32, 64]);
const dy = tf.randomNormal([64, 28, 28, 64]);
const convFlops = 2 * 64 * 28 * 28 * 3 * 3 * 32 * 64;
const out = {
  matMul: rate(n3, () => tf.matMul(a, b)),
  matMulTransposeA: rate(n3, () => tf.matMul(a, b, true, false)),
  matMulTransposeB: rate(n3, () => tf.matMul(a, b, false, true)),
  batchedMatMul: rate(4 * n3, () => tf.matMul(ab, bb)),
  denseBackward: rate(2 * n3, () => tf.grads((p, q) => tf.sum(tf.matMul(p, q)))([a, b])[0]),
  conv2d: rate(convFlops, () => tf.conv2d(x, w, 1, 'same')),
  conv2dInputGrad: rate(convFlops, () =>
    tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: x.shape }),
  ),
  conv2dFilterGrad: rate(convFlops, () =>
    tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 32, 64] }),
  ),
};
console.log(JSON.stringify(out));
