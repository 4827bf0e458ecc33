// Tessera's side of a benchmark run: the model, then one warm-up step and two timed epochs of
// `steps` batches through one data path (see PATHS in spec.mjs). Returns the timed milliseconds
// and the live tensors before and after.
import { cpus } from 'node:os';
import { epochClock } from './spec.mjs';

async function plugin(backend) {
  if (backend === 'wasm') return (await import('@tessera/backend-wasm')).wasm();
  if (backend === 'cpu') return (await import('@tessera/backend-cpu')).cpu();
  if (backend === 'node') return (await import('@tessera/backend-node')).node();
  throw new Error(`unknown backend ${backend} (wasm, cpu or node)`);
}

function network(L, model, set) {
  if (model === 'mlp') return L.sequential([L.dense(128, { activation: 'relu' }), L.dense(10)]);
  if (model === 'cnn')
    return L.sequential([
      L.reshape([28, 28, 1]),
      L.conv2d(32, 3, { activation: 'relu' }),
      L.maxPool2d(2),
      L.conv2d(64, 3, { activation: 'relu' }),
      L.maxPool2d(2),
      L.flatten(),
      L.dense(10),
    ]);
  return L.sequential([L.embedding(set.vocab, 32), L.lstm(32), L.dense(1)]);
}

export async function tesseraSide({ backend, model, steps, path, batch: b, set }) {
  const { useBackend } = await import('@tessera/core');
  await useBackend(await plugin(backend));
  const tf = await import('@tessera/tensor');
  const L = await import('@tessera/layers');
  const { sparseCategoricalCrossentropy, binaryCrossentropy } = await import('@tessera/losses');
  const { adam } = await import('@tessera/optimizers');
  const { fit, Trainer } = await import('@tessera/train');
  const { fromTensors } = await import('@tessera/data');
  const net = network(L, model, set);
  const loss = model === 'lstm' ? binaryCrossentropy({ fromLogits: true }) : sparseCategoricalCrossentropy({ fromLogits: true });
  const width = model === 'lstm' ? set.len : 784;
  // samples [from, from + count) as one x and one y tensor
  const part = (from, count) =>
    model === 'lstm'
      ? {
          x: tf.tensor2d(set.x.subarray(from * width, (from + count) * width), [count, width], 'int32'),
          y: tf.tensor2d(set.y.subarray(from, from + count), [count, 1]),
        }
      : {
          x: tf.tensor2d(set.x.subarray(from * width, (from + count) * width), [count, width]),
          y: tf.tensor1d(set.y.subarray(from, from + count), 'int32'),
        };
  // the data input of one path over samples [from, from + batches * b)
  const input = (from, batches) => {
    if (path === 'prebatched') return Array.from({ length: batches }, (_, i) => part(from + i * b, b));
    const { x, y } = part(from, batches * b);
    if (path === 'tensors') return { x, y, batchSize: b };
    if (path === 'shuffle') return { x, y, batchSize: b, shuffle: true, seed: 1 };
    if (path === 'dataset') return fromTensors({ x, y }).batch(b);
    throw new Error(`unknown data path ${path}`);
  };
  const trainer = new Trainer(net, { loss, optimizer: adam() });
  const warm = input(0, 1);
  const timed = input(b, steps);
  await fit(net, warm, { loss, optimizer: adam(), epochs: 1, trainer });
  const before = tf.memory().numTensors;
  const clock = epochClock();
  const t0 = performance.now();
  // With a trainer, fit's `epochs` is the total (Keras' final epoch): the warm-up was epoch 1, so 3
  // trains two more epochs, as tfjs-layers' `epochs: 2` does.
  await fit(net, timed, { loss, optimizer: adam(), epochs: 3, trainer, callbacks: [{ onEpochBegin: clock.begin, onEpochEnd: clock.end }] });
  const callMs = performance.now() - t0;
  if (trainer.step !== 1 + 2 * steps) throw new Error(`expected ${1 + 2 * steps} trained steps, the trainer counted ${trainer.step}`);
  return {
    ms: clock.ms,
    cpuMs: clock.cpuMs,
    callMs,
    tensorsBefore: before,
    tensorsAfter: tf.memory().numTensors,
    // node: TensorFlow's pools (one thread a core); wasm: the threads the backend runs (TESSERA_WASM_THREADS)
    threads:
      backend === 'node' ? cpus().length : backend === 'wasm' ? (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount() : 1,
  };
}
