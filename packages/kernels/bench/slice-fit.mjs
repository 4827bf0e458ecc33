// fit throughput on wasm with in-memory tensors ({ x, y, batchSize }, batches cut by Slice) vs
// pre-batched data, with tfjs-backend-wasm's stock Slice and with Tessera's. MLP 784-128-10, adam,
// 5120 random MNIST-shaped rows, batch 128. Not a test: run `node packages/kernels/bench/slice-fit.mjs`
// after `npx turbo run build --filter=@tessera/train... --filter=@tessera/backend-wasm...`.
import * as tf from '@tensorflow/tfjs-core';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { registerWasmKernels, wasmSliceConfig } from '@tessera/kernels';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { fit } from '@tessera/train';

await useBackend(wasm({ kernels: false }));
const stockSlice = tf.getKernel('Slice', 'wasm');
registerWasmKernels();

const rows = 5120;
const batchSize = 128;
const x = tf.randomUniform([rows, 784], 0, 1, 'float32', 1);
const y = tf.randomUniform([rows], 0, 10, 'int32', 2);
const batches = [];
for (let i = 0; i < rows; i += batchSize) {
  batches.push({ x: tf.slice(x, [i, 0], [batchSize, -1]), y: tf.slice(y, [i], [batchSize]) });
}

function useSlice(config) {
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel(config);
}

async function samplesPerSecond(data, epochs) {
  const model = sequential([dense(128, { activation: 'relu' }), dense(10)], { inputShape: [784] });
  const options = { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adam(), seed: 1 };
  await fit(model, data, { ...options, epochs: 1 }); // warm-up
  const t0 = performance.now();
  await fit(model, data, { ...options, epochs });
  return (rows * epochs) / ((performance.now() - t0) / 1000);
}

function sliceMs() {
  const times = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    tf.slice(x, [(i * 128) % rows, 0], [batchSize, -1]).dispose();
    times.push(performance.now() - t0);
  }
  return times.slice(5).sort((a, b) => a - b)[10];
}

const results = [];
for (const [name, config] of [
  ['stock Slice', stockSlice],
  ['Tessera Slice', wasmSliceConfig],
]) {
  useSlice(config);
  const ms = sliceMs();
  const sliced = await samplesPerSecond({ x, y, batchSize }, 2);
  const shuffled = await samplesPerSecond({ x, y, batchSize, shuffle: true, seed: 1 }, 2);
  const prebatched = await samplesPerSecond(batches, 2);
  results.push({
    slice: name,
    'ms per 128-row slice': +ms.toFixed(3),
    '{ x, y, batchSize }': Math.round(sliced),
    'shuffle: true': Math.round(shuffled),
    'pre-batched': Math.round(prebatched),
  });
}
console.table(results);
