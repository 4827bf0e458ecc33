// tfjs-layers' side of a benchmark run (the @tensorflow/tfjs union package): the same model,
// one warm-up step and two timed epochs of `steps` batches through the same data paths as
// Tessera's side (PATHS in ../spec.mjs):
// - prebatched: `model.fitDataset(tf.data.array(batches))`, the batches made before the clock;
// - tensors / shuffle: `model.fit(x, y, { batchSize, shuffle })`;
// - dataset: `model.fitDataset(tf.data.zip({ xs, ys }).batch(b))` over per-sample slices.
import { cpus } from 'node:os';
import { epochClock } from '../spec.mjs';

async function engine(backend) {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (backend === 'node') await import('@tensorflow/tfjs-node');
  const name = backend === 'node' ? 'tensorflow' : backend;
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} did not initialize`);
  await tf.ready();
  return tf;
}

function network(tf, model, set) {
  const m = tf.sequential();
  if (model === 'mlp') {
    m.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }));
    m.add(tf.layers.dense({ units: 10 }));
  } else if (model === 'cnn') {
    m.add(tf.layers.reshape({ targetShape: [28, 28, 1], inputShape: [784] }));
    m.add(tf.layers.conv2d({ filters: 32, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: 'relu' }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 10 }));
  } else {
    m.add(tf.layers.embedding({ inputDim: set.vocab, outputDim: 32, inputLength: set.len }));
    m.add(tf.layers.lstm({ units: 32 }));
    m.add(tf.layers.dense({ units: 1 }));
  }
  const loss = model === 'lstm' ? (y, p) => tf.losses.sigmoidCrossEntropy(y, p) : (y, p) => tf.losses.softmaxCrossEntropy(y, p);
  m.compile({ optimizer: tf.train.adam(1e-3), loss });
  return m;
}

export async function tfjsLayersSide({ backend, model, steps, path, batch: b, set }) {
  const tf = await engine(backend);
  const m = network(tf, model, set);
  const width = model === 'lstm' ? set.len : 784;
  const part = (from, count) =>
    tf.tidy(() => ({
      x: tf.tensor2d(set.x.subarray(from * width, (from + count) * width), [count, width], 'float32'),
      y:
        model === 'lstm'
          ? tf.tensor2d(set.y.subarray(from, from + count), [count, 1])
          : tf.oneHot(tf.tensor1d(set.y.subarray(from, from + count), 'int32'), 10),
    }));
  const rows = (t) =>
    tf.data.generator(function* () {
      for (let i = 0; i < t.shape[0]; i++) yield tf.tidy(() => tf.squeeze(tf.slice(t, i, 1), [0]));
    });
  const clock = epochClock();
  // onEpochBegin/End time the epochs; yieldEvery 'never': no event-loop yields a callback would add
  const timing = { callbacks: { onEpochBegin: async () => clock.begin(), onEpochEnd: async () => clock.end() }, yieldEvery: 'never' };
  // trains `epochs` epochs over samples [from, from + batches * b) through the path
  const prepare = (from, batches) => {
    if (path === 'prebatched') {
      const list = Array.from({ length: batches }, (_, i) => part(from + i * b, b)).map(({ x, y }) => ({ xs: x, ys: y }));
      return (epochs) => m.fitDataset(tf.data.array(list), { epochs, verbose: 0, ...timing });
    }
    const { x, y } = part(from, batches * b);
    if (path === 'tensors' || path === 'shuffle')
      return (epochs) => m.fit(x, y, { batchSize: b, epochs, verbose: 0, shuffle: path === 'shuffle', ...timing });
    if (path === 'dataset')
      return (epochs) => m.fitDataset(tf.data.zip({ xs: rows(x), ys: rows(y) }).batch(b), { epochs, verbose: 0, ...timing });
    throw new Error(`unknown data path ${path}`);
  };
  const warm = prepare(0, 1);
  const timed = prepare(b, steps);
  await warm(1);
  clock.ms = 0;
  clock.cpuMs = 0;
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  await timed(2);
  const callMs = performance.now() - t0;
  return {
    ms: clock.ms,
    cpuMs: clock.cpuMs,
    callMs,
    tensorsBefore: before,
    tensorsAfter: tf.memory().numTensors,
    threads: backend === 'node' ? cpus().length : 1,
  };
}
