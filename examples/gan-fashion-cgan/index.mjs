// A conditional GAN on Fashion-MNIST with a projection discriminator (Miyato & Koyama 2018): the
// generator embeds the class label and concatenates it with the latent vector (batch-normalized
// leaky-ReLU MLP, tanh output); the discriminator scores an image's features φ(x) with a dense unit
// plus the inner product ⟨embed(y), φ(x)⟩. After training, the shipped Fashion classifier labels
// 10,000 generated images; the target is >= 80% labelled with the class they were conditioned on.
// Writes sample sheets (one row per class) into ./out; exits 1 when the target is missed.
// Run: npm start -w @tessera/example-gan-fashion-cgan   (STEPS=5000 generator steps; TESSERA_BACKEND=node
// trains on native TensorFlow after `npm run setup:native`; VARIANT=concat for the label-concatenation
// discriminator and generator without batch norm; EMA=0.999 samples from a moving average)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { fashionMnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { allImages } from '@tessera/example-shared/images';
import { gan, ganMonitor, ganQuality } from '@tessera/gan';
import { loadQualityClassifier, pngSampleSheets } from '@tessera/gan/node';
import { add, batchNormalization, concatenate, dense, embedding, input, model } from '@tessera/layers';
import { adam } from '@tessera/optimizers';
import { argMax } from '@tessera/tensor';
import { fit, progressBar } from '@tessera/train';
import { projection } from './projection.mjs';

const steps = Number(process.env.STEPS ?? 5000);
const batchSize = 64;
const latentDim = 100;
const classes = 10;
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out');
const start = performance.now();
// wasm by default; TESSERA_BACKEND=node trains on native TensorFlow (after `npm run setup:native`)
const candidates = [wasm(), cpu()];
if (process.env.TESSERA_BACKEND === 'node') candidates.unshift((await import('@tessera/backend-node')).node());
const plugin = await useBackend(await auto(candidates));
const { train, test, classNames } = await fashionMnist({ from: datasetDir('fashion-mnist'), flatten: true });
const real = await allImages(train);
const realTest = await allImages(test);

const variant = process.env.VARIANT ?? 'projection';
const z = input({ shape: [latentDim] });
const gLabel = input({ shape: [] });
let gh = concatenate([z, embedding(classes, 50, { seed: 1 }).call(gLabel)]);
if (variant === 'concat') {
  gh = dense(256, { activation: 'leakyRelu', seed: 2 }).call(gh);
  gh = dense(512, { activation: 'leakyRelu', seed: 3 }).call(gh);
} else {
  gh = batchNormalization({ momentum: 0.8 }).call(dense(256, { activation: 'leakyRelu', seed: 2 }).call(gh));
  gh = batchNormalization({ momentum: 0.8 }).call(dense(512, { activation: 'leakyRelu', seed: 3 }).call(gh));
  gh = batchNormalization({ momentum: 0.8 }).call(dense(1024, { activation: 'leakyRelu', seed: 9 }).call(gh));
}
const generator = model({ inputs: [z, gLabel], outputs: dense(784, { activation: 'tanh', seed: 4 }).call(gh), name: 'generator' });
const x = input({ shape: [784] });
const dLabel = input({ shape: [] });
let discriminator;
if (variant === 'concat') {
  const dh1 = dense(512, { activation: 'leakyRelu', seed: 6 }).call(concatenate([x, embedding(classes, 50, { seed: 5 }).call(dLabel)]));
  const dh2 = dense(256, { activation: 'leakyRelu', seed: 7 }).call(dh1);
  discriminator = model({ inputs: [x, dLabel], outputs: dense(1, { seed: 8 }).call(dh2), name: 'discriminator' });
} else {
  const dh1 = dense(512, { activation: 'leakyRelu', seed: 6 }).call(x);
  const phi = dense(256, { activation: 'leakyRelu', seed: 7 }).call(dh1);
  const score = add([dense(1, { seed: 8 }).call(phi), projection(classes, { seed: 5 }).call([phi, dLabel])]);
  discriminator = model({ inputs: [x, dLabel], outputs: score, name: 'discriminator' });
}

const step = gan({
  generator,
  discriminator,
  latentDim,
  conditional: { numClasses: classes },
  // EMA=0.999 samples from a moving average of the generator (off by default: its weights do not match the batch-norm statistics)
  emaDecay: process.env.EMA ? Number(process.env.EMA) : undefined,
  generatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
  discriminatorOptimizer: adam({ learningRate: 2e-4, b1: 0.5 }),
});
const stepsPerEpoch = Math.min(500, steps);
const history = await fit(
  step,
  { x: real.x, y: real.y, batchSize, shuffle: true, seed: 1 },
  {
    epochs: Math.ceil(steps / stepsPerEpoch),
    stepsPerEpoch,
    seed: 1,
    callbacks: [
      progressBar(),
      ganMonitor(),
      pngSampleSheets(step, out, {
        count: 100,
        columns: 10,
        seed: 7,
        shape: [28, 28, 1],
        labels: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((c) => new Array(10).fill(c)),
      }),
    ],
  },
);

// 10,000 samples conditioned on labels i % 10; the classifier's argmax should match
const classifier = await loadQualityClassifier('fashion');
const n = 10000;
const generated = step.sample(n, { seed: 123 });
const logits = classifier.logits(generated, [-1, 1]);
const predicted = argMax(logits, 1).dataSync();
const perClass = new Array(classes).fill(0);
for (let i = 0; i < n; i++) if (predicted[i] === i % classes) perClass[i % classes] += 1;
const conditionedAccuracy = perClass.reduce((a, b) => a + b, 0) / n;
const q = ganQuality(classifier, generated, realTest.x, { range: [-1, 1], realRange: [-1, 1] });
const result = {
  example: 'gan-fashion-cgan',
  backend: plugin.name,
  generatorSteps: step.generatorSteps(),
  conditionedAccuracy,
  perClass: Object.fromEntries(perClass.map((c, i) => [classNames[i], c / (n / classes)])),
  classifierTestAccuracy: Number(classifier.metadata.testAccuracy),
  scoreRatio: q.scoreRatio,
  frechet: q.frechet,
  finalLogs: history.logs.at(-1),
  samples: resolve(out, 'samples-latest.png'),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(conditionedAccuracy >= 0.8)) {
  console.error(`gan-fashion-cgan: ${(conditionedAccuracy * 100).toFixed(1)}% of generated images show their class, below the 80% target`);
  process.exit(1);
}
