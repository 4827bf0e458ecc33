// A GAN on MNIST trained by fit through @tessera/gan, scored like TF-GAN's tutorial: classifier
// score of generated vs real test digits, Fréchet distance in the classifier's logit space and the
// class histogram of 10,000 samples. Writes a sample sheet per epoch into ./out.
// Exits 1 when a target is missed.
// Run: npm start -w @tessera/example-gan-mnist   (the MLP GAN; `npm run dcgan -w @tessera/example-gan-mnist` or
// ARCH=dcgan for the DCGAN with TF-GAN's tutorial networks at its batch 32, ARCH=dcgan-small for a narrower one;
// STEPS=5000 generator steps, BATCH the batch size, EMA=0.999 the generator average's decay; TESSERA_BACKEND=node trains on native TensorFlow after `npm run setup:native`)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { allImages } from '@tessera/example-shared/images';
import { gan, ganMonitor, ganQuality } from '@tessera/gan';
import { loadQualityClassifier, pngSampleSheets } from '@tessera/gan/node';
import { activation, batchNormalization, conv2d, conv2dTranspose, dense, dropout, flatten, reshape, sequential } from '@tessera/layers';
import { adam } from '@tessera/optimizers';
import { concat, reshape as reshapeTensor, slice } from '@tessera/tensor';
import { fit, progressBar } from '@tessera/train';

const arch = process.env.ARCH ?? 'mlp';
const steps = Number(process.env.STEPS ?? 5000);
const conv = arch === 'dcgan' || arch === 'dcgan-small';
const batchSize = Number(process.env.BATCH ?? (arch === 'dcgan' ? 32 : 64));
const latentDim = conv ? 64 : 100;
// the MLP discriminator's dropout (DROPOUT=0.3 restores the earlier setting)
const dropoutRate = Number(process.env.DROPOUT ?? 0);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out', arch);
const start = performance.now();
// wasm by default; TESSERA_BACKEND=node trains on native TensorFlow (after `npm run setup:native`)
const candidates = [wasm(), cpu()];
if (process.env.TESSERA_BACKEND === 'node') candidates.unshift((await import('@tessera/backend-node')).node());
const plugin = await useBackend(await auto(candidates));
const { train, test } = await mnist({ from: datasetDir('mnist'), flatten: !conv });
const real = await allImages(train, { limit: Number(process.env.TRAIN_LIMIT ?? Number.POSITIVE_INFINITY) });
const realTest = await allImages(test);
if (conv) {
  // images [n, 28, 28] → [n, 28, 28, 1] for the convolutions
  for (const set of [real, realTest]) {
    const flat = set.x;
    set.x = reshapeTensor(flat, [flat.shape[0], 28, 28, 1]);
    flat.dispose();
  }
}

const models = {
  mlp: () => ({
    // the classic MLP GAN: batch-normalized leaky-ReLU generator, leaky-ReLU discriminator
    generator: sequential(
      [
        dense(256, { activation: 'leakyRelu', seed: 1 }),
        batchNormalization({ momentum: 0.8 }),
        dense(512, { activation: 'leakyRelu', seed: 2 }),
        batchNormalization({ momentum: 0.8 }),
        dense(1024, { activation: 'leakyRelu', seed: 3 }),
        batchNormalization({ momentum: 0.8 }),
        dense(784, { activation: 'tanh', seed: 4 }),
      ],
      { name: 'generator' },
    ),
    discriminator: sequential(
      [
        dense(512, { activation: 'leakyRelu', seed: 5 }),
        ...(dropoutRate > 0 ? [dropout(dropoutRate)] : []),
        dense(256, { activation: 'leakyRelu', seed: 6 }),
        ...(dropoutRate > 0 ? [dropout(dropoutRate)] : []),
        dense(1, { seed: 7 }),
      ],
      { name: 'discriminator' },
    ),
  }),
  'dcgan-small': () => ({
    // a narrow DCGAN (Radford et al.): batch norm and ReLU after the projection and the first transposed
    // convolution, tanh output; strided-convolution discriminator with leaky ReLU and no batch norm
    generator: sequential(
      [
        dense(7 * 7 * 64, { useBias: false, seed: 1 }),
        batchNormalization(),
        activation('relu'),
        reshape([7, 7, 64]),
        conv2dTranspose(32, 4, { strides: 2, padding: 'same', useBias: false, seed: 2 }),
        batchNormalization(),
        activation('relu'),
        conv2dTranspose(1, 4, { strides: 2, padding: 'same', activation: 'tanh', seed: 3 }),
      ],
      { name: 'generator' },
    ),
    discriminator: sequential(
      [
        conv2d(32, 4, { strides: 2, padding: 'same', activation: 'leakyRelu', seed: 4 }),
        conv2d(64, 4, { strides: 2, padding: 'same', activation: 'leakyRelu', seed: 5 }),
        flatten(),
        dense(1, { seed: 6 }),
      ],
      { name: 'discriminator' },
    ),
  }),
  dcgan: () => ({
    // DCGAN with TF-GAN's MNIST tutorial networks: generator fc 1024 → fc 7·7·128 → transposed convolutions 64, 32
    // (each batch-normalized, ReLU) → 4×4 convolution to one tanh channel; discriminator convolutions
    // 64, 128 (stride 2, leaky ReLU) → fc 1024 (leaky ReLU; TF-GAN batch-normalizes it, left out here as in
    // DCGAN's discriminators) → 1
    generator: sequential(
      [
        dense(1024, { useBias: false, seed: 1 }),
        batchNormalization(),
        activation('relu'),
        dense(7 * 7 * 128, { useBias: false, seed: 2 }),
        batchNormalization(),
        activation('relu'),
        reshape([7, 7, 128]),
        conv2dTranspose(64, 4, { strides: 2, padding: 'same', useBias: false, seed: 3 }),
        batchNormalization(),
        activation('relu'),
        conv2dTranspose(32, 4, { strides: 2, padding: 'same', useBias: false, seed: 4 }),
        batchNormalization(),
        activation('relu'),
        conv2d(1, 4, { padding: 'same', activation: 'tanh', seed: 5 }),
      ],
      { name: 'generator' },
    ),
    discriminator: sequential(
      [
        conv2d(64, 4, { strides: 2, padding: 'same', activation: 'leakyRelu', seed: 6 }),
        conv2d(128, 4, { strides: 2, padding: 'same', activation: 'leakyRelu', seed: 7 }),
        flatten(),
        dense(1024, { activation: 'leakyRelu', seed: 8 }),
        dense(1, { seed: 9 }),
      ],
      { name: 'discriminator' },
    ),
  }),
};
if (!models[arch]) throw new Error(`ARCH must be mlp, dcgan or dcgan-small, got ${arch}`);
const { generator, discriminator } = models[arch]();
const step = gan({
  generator,
  discriminator,
  latentDim,
  loss: 'nonSaturating',
  emaDecay: Number(process.env.EMA ?? 0.999),
  generatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
  discriminatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
});

const classifier = await loadQualityClassifier('mnist');
const measure = (ema = true) => {
  // 10,000 samples from one seeded latent batch, generated 1,000 at a time (conv intermediates stay small)
  const chunks = Array.from({ length: 10 }, (_, i) => step.sample(1000, { seed: 123 + i, ema }));
  const generated = concat(chunks);
  for (const c of chunks) c.dispose();
  const q = ganQuality(classifier, generated, realTest.x, { range: [-1, 1], realRange: [-1, 1] });
  generated.dispose();
  return q;
};
// step 0: the untrained generator (built by one forward pass on a first batch)
const first = { x: slice(real.x, 0, batchSize), y: slice(real.y, 0, batchSize) };
const s0 = step.init(first);
const q0 = measure();
step.dispose(s0);
first.x.dispose();
first.y.dispose();

const stepsPerEpoch = Math.min(500, steps);
const epochs = Math.ceil(steps / stepsPerEpoch);
const shape = conv ? undefined : [28, 28, 1];
const history = await fit(
  step,
  { x: real.x, y: real.y, batchSize, shuffle: true, seed: 1 },
  {
    epochs,
    stepsPerEpoch,
    seed: 1,
    callbacks: [progressBar(), ganMonitor(), pngSampleSheets(step, out, { count: 100, columns: 10, seed: 7, shape })],
  },
);
const q = measure();
const qRaw = measure(false); // the generator's own weights, for comparison with their moving average
const result = {
  example: 'gan-mnist',
  arch,
  backend: plugin.name,
  generatorSteps: step.generatorSteps(),
  scoreRatio: q.scoreRatio,
  score: q.score,
  realScore: q.realScore,
  frechet: q.frechet,
  frechetAtStep0: q0.frechet,
  frechetRatio: q.frechet / q0.frechet,
  withoutEma: { scoreRatio: qRaw.scoreRatio, frechet: qRaw.frechet, minClassFraction: qRaw.minClassFraction },
  minClassFraction: q.minClassFraction,
  histogram: q.histogram.map((v) => Math.round(v * 1000) / 1000),
  finalLogs: history.logs.at(-1),
  samples: resolve(out, 'samples-latest.png'),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
const misses = [];
if (!(q.scoreRatio >= 0.75)) misses.push(`classifier-score ratio ${q.scoreRatio.toFixed(3)} < 0.75`);
if (!(q.minClassFraction >= 0.04)) misses.push(`smallest class ${q.minClassFraction} < 4%`);
if (!(q.frechet <= 0.25 * q0.frechet)) misses.push(`Fréchet distance ${q.frechet.toFixed(3)} > 0.25 × ${q0.frechet.toFixed(3)} at step 0`);
if (misses.length) {
  console.error(`gan-mnist: ${misses.join('; ')}`);
  process.exit(1);
}
