// fit throughput on wasm with in-memory tensors ({ x, y, batchSize }, batches cut by Slice;
// shuffle: true, batches cut by GatherV2) vs pre-batched data, with tfjs-backend-wasm's stock
// Slice and GatherV2 and with Tessera's. MLP 784-128-10, adam,
// 5120 random MNIST-shaped rows, batch 128. Not a test: run `node packages/kernels/bench/slice-fit.mjs`
// after `npx turbo run build --filter=@tessera/train... --filter=@tessera/backend-wasm...`.
import * as tf from '@tensorflow/tfjs-core';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { registerWasmKernels, wasmGatherV2Config, wasmSliceConfig } from '@tessera/kernels';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { fit } from '@tessera/train';

await useBackend(wasm({ kernels: false }));
const stock = [tf.getKernel('Slice', 'wasm'), tf.getKernel('GatherV2', 'wasm')];
registerWasmKernels();

const rows = 5120;
const batchSize = 128;
const x = tf.randomUniform([rows, 784], 0, 1, 'float32', 1);
const y = tf.randomUniform([rows], 0, 10, 'int32', 2);
const batches = [];
for (let i = 0; i < rows; i += batchSize) {
  batches.push({ x: tf.slice(x, [i, 0], [batchSize, -1]), y: tf.slice(y, [i], [batchSize]) });
}

function useKernels(configs) {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

async function samplesPerSecond(data, epochs) {
  const model = sequential([dense(128, { activation: 'relu' }), dense(10)], { inputShape: [784] });
  const options = { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adam(), seed: 1 };
  await fit(model, data, { ...options, epochs: 1 }); // warm-up
  const t0 = performance.now();
  await fit(model, data, { ...options, epochs });
  return (rows * epochs) / ((performance.now() - t0) / 1000);
}

const index = tf.tensor1d(
  Array.from({ length: batchSize }, (_, k) => (k * 997) % rows),
  'int32',
);
function medianMs(f) {
  const times = [];
  for (let i = 0; i < 25; i++) {
    const t0 = performance.now();
    f(i).dispose();
    times.push(performance.now() - t0);
  }
  return times.slice(5).sort((a, b) => a - b)[10];
}

const results = [];
for (const [name, config] of [
  ['stock', stock],
  ['Tessera', [wasmSliceConfig, wasmGatherV2Config]],
]) {
  useKernels(config);
  const sliceMs = medianMs((i) => tf.slice(x, [(i * 128) % rows, 0], [batchSize, -1]));
  const gatherMs = medianMs(() => tf.gather(x, index));
  const sliced = await samplesPerSecond({ x, y, batchSize }, 2);
  const shuffled = await samplesPerSecond({ x, y, batchSize, shuffle: true, seed: 1 }, 2);
  const prebatched = await samplesPerSecond(batches, 2);
  results.push({
    kernels: name,
    'slice ms': +sliceMs.toFixed(3),
    'gather ms': +gatherMs.toFixed(3),
    '{ x, y, batchSize }': Math.round(sliced),
    'shuffle: true': Math.round(shuffled),
    'pre-batched': Math.round(prebatched),
  });
}
console.table(results);
