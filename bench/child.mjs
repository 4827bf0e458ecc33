// One benchmark run in its own process: node child.mjs <tessera|tfjs> <cpu|wasm> <mlp|cnn|lstm> <steps>
// Prints one JSON line: samples/s over the timed steps (after one warm-up step), peak RSS, tensors.
import * as data from './data.mjs';

const [impl, backend, model, stepsArg] = process.argv.slice(2);
const steps = Number(stepsArg);
const spec = {
  mlp: { batch: 128, make: 'mlp' },
  cnn: { batch: 64, make: 'cnn' },
  lstm: { batch: 32, make: 'lstm' },
}[model];
const n = spec.batch * (steps + 1);
const set = model === 'lstm' ? data.sms(n) : data.mnist(n);

async function tessera() {
  const { useBackend } = await import('@tessera/core');
  const plugin = backend === 'wasm' ? (await import('@tessera/backend-wasm')).wasm() : (await import('@tessera/backend-cpu')).cpu();
  await useBackend(plugin);
  const tf = await import('@tessera/tensor');
  const L = await import('@tessera/layers');
  const { sparseCategoricalCrossentropy, binaryCrossentropy } = await import('@tessera/losses');
  const { adam } = await import('@tessera/optimizers');
  const { fit } = await import('@tessera/train');
  const net =
    model === 'mlp'
      ? L.sequential([L.dense(128, { activation: 'relu' }), L.dense(10)])
      : model === 'cnn'
        ? L.sequential([
            L.reshape([28, 28, 1]),
            L.conv2d(32, 3, { activation: 'relu' }),
            L.maxPool2d(2),
            L.conv2d(64, 3, { activation: 'relu' }),
            L.maxPool2d(2),
            L.flatten(),
            L.dense(10),
          ])
        : L.sequential([L.embedding(set.vocab, 32), L.lstm(32), L.dense(1)]);
  const loss = model === 'lstm' ? binaryCrossentropy({ fromLogits: true }) : sparseCategoricalCrossentropy({ fromLogits: true });
  const batches = [];
  for (let i = 0; i <= steps; i++) {
    const b = spec.batch;
    batches.push(
      model === 'lstm'
        ? {
            x: tf.tensor2d(set.x.subarray(i * b * set.len, (i + 1) * b * set.len), [b, set.len], 'int32'),
            y: tf.tensor2d(set.y.subarray(i * b, (i + 1) * b), [b, 1]),
          }
        : {
            x: tf.tensor2d(set.x.subarray(i * b * 784, (i + 1) * b * 784), [b, 784]),
            y: tf.tensor1d(set.y.subarray(i * b, (i + 1) * b), 'int32'),
          },
    );
  }
  const { Trainer } = await import('@tessera/train');
  const trainer = new Trainer(net, { loss, optimizer: adam() });
  await fit(net, batches.slice(0, 1), { loss, optimizer: adam(), epochs: 1, trainer });
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  // With a trainer, fit's `epochs` is the total (Keras' final epoch): the warm-up was epoch 1, so 3
  // trains two more epochs, as tfjs-layers' `epochs: 2` does.
  await fit(net, batches.slice(1), { loss, optimizer: adam(), epochs: 3, trainer });
  if (trainer.step !== 1 + 2 * steps) throw new Error(`expected ${1 + 2 * steps} trained steps, the trainer counted ${trainer.step}`);
  const ms = performance.now() - t0;
  return { ms, tensorsBefore: before, tensorsAfter: tf.memory().numTensors };
}

async function tfjs() {
  const tf = await import('@tensorflow/tfjs');
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
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
  const sce = (y, p) => tf.losses.softmaxCrossEntropy(y, p);
  m.compile({ optimizer: tf.train.adam(1e-3), loss: model === 'lstm' ? (y, p) => tf.losses.sigmoidCrossEntropy(y, p) : sce });
  const b = spec.batch;
  const x =
    model === 'lstm'
      ? tf.tensor2d(
          set.x,
          [steps + 1, set.len].map((d, i) => (i === 0 ? (steps + 1) * b : d)),
          'float32',
        )
      : tf.tensor2d(set.x, [(steps + 1) * b, 784]);
  const y = model === 'lstm' ? tf.tensor2d(set.y, [(steps + 1) * b, 1]) : tf.oneHot(tf.tensor1d(set.y, 'int32'), 10);
  await m.fit(tf.slice(x, 0, b), tf.slice(y, 0, b), { batchSize: b, epochs: 1, verbose: 0 });
  const xs = tf.slice(x, b);
  const ys = tf.slice(y, b);
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  await m.fit(xs, ys, { batchSize: b, epochs: 2, verbose: 0, shuffle: false });
  const ms = performance.now() - t0;
  return { ms, tensorsBefore: before, tensorsAfter: tf.memory().numTensors };
}

try {
  const r = impl === 'tessera' ? await tessera() : await tfjs();
  const samples = 2 * steps * spec.batch;
  console.log(
    JSON.stringify({
      impl,
      backend,
      model,
      ok: true,
      samplesPerSec: (samples / r.ms) * 1000,
      leaked: r.tensorsAfter - r.tensorsBefore,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    }),
  );
} catch (e) {
  console.log(JSON.stringify({ impl, backend, model, ok: false, error: String(e?.message ?? e).slice(0, 160) }));
}
process.exit(0);
