// MNIST CNN (the mnist-cnn example's model) trained dense, then compressed three ways:
//   pruned: polynomial-decay magnitude pruning 50% → 80% of the kernels while fine-tuning, then stripped;
//   int8:   post-training int8 weights (symmetric per output channel) of the dense model;
//   both:   int8 weights of the pruned model.
// Prints accuracy and raw/gzipped weight-file sizes of each; exits non-zero when a target is missed
// (accuracy within 0.3 points of dense; pruned gzip <= 0.4x dense gzip; int8 file ~4x smaller).
// Run: npm start -w @tessera/example-mnist-cnn-compress   (TESSERA_BACKEND=node after `npm run setup:native`)
import { gzipSync } from 'node:zlib';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import {
  encodeQuantizedWeights,
  loadQuantizedWeights,
  polynomialDecay,
  pruneLowMagnitude,
  sparsityReport,
  stripPruning,
} from '@tessera/compress';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { conv2d, dense, flatten, maxPool2d, reshape, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { clone, encodeSafetensors } from '@tessera/tensor';
import { accuracy, evaluate, fit, progressBar } from '@tessera/train';

const epochs = Number(process.env.EPOCHS ?? 3);
const fineTuneEpochs = Number(process.env.FINETUNE_EPOCHS ?? 1);
const stepsLimit = process.env.STEPS ? Number(process.env.STEPS) : undefined; // smoke runs: batches per epoch
const finalSparsity = 0.8;
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { train, test } = await mnist({ from: datasetDir('mnist') });
const batches = () => train.shuffle({ seed: 1 }).batch(64).prefetch(2);
const stepsPerEpoch = stepsLimit ?? Math.ceil(60000 / 64);

const model = sequential([
  reshape([28, 28, 1]),
  conv2d(32, 3, { activation: 'relu', seed: 1 }),
  maxPool2d(2),
  conv2d(64, 3, { activation: 'relu', seed: 2 }),
  maxPool2d(2),
  flatten(),
  dense(10, { seed: 3 }),
]);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const testAccuracy = async () => (await evaluate(model, test.batch(500), { loss, metrics: [accuracy()] })).accuracy;
const weights = () => ({ ...model.parameters(), ...model.state() });
const f32File = () => encodeSafetensors(weights());
const sizes = (bytes) => ({ bytes: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength });

await fit(model, batches(), {
  loss,
  optimizer: adam({ learningRate: 1e-3 }),
  epochs,
  stepsPerEpoch: stepsLimit,
  seed: 1,
  metrics: [accuracy()],
  callbacks: [progressBar()],
});
const rows = {};
rows.dense = { accuracy: await testAccuracy(), ...sizes(f32File()) };
const denseWeights = Object.fromEntries(Object.entries(weights()).map(([k, v]) => [k, clone(v)]));

// int8 after training: the file a deployment ships, loaded back (dequantized) to measure accuracy
const int8 = encodeQuantizedWeights(model, { dtype: 'int8' });
loadQuantizedWeights(model, int8);
rows.int8 = { accuracy: await testAccuracy(), ...sizes(int8) };
for (const [k, v] of Object.entries(weights())) v.assign(denseWeights[k]);

// pruning with fine-tuning: 50% → 80% over the first 60% of the fine-tuning steps, masks every 100 steps
const pruning = pruneLowMagnitude(model, {
  schedule: polynomialDecay({
    initialSparsity: 0.5,
    finalSparsity,
    beginStep: 0,
    endStep: Math.floor(0.6 * fineTuneEpochs * stepsPerEpoch),
    frequency: Math.min(100, Math.max(1, Math.floor(stepsPerEpoch / 10))),
  }),
});
await fit(model, batches(), {
  loss,
  optimizer: adam({ learningRate: 5e-4 }),
  epochs: fineTuneEpochs,
  stepsPerEpoch: stepsLimit,
  seed: 2,
  metrics: [accuracy()],
  callbacks: [pruning, progressBar()],
});
stripPruning(pruning);
const report = sparsityReport(model);
console.log(String(report));
rows.pruned = { accuracy: await testAccuracy(), ...sizes(f32File()), sparsity: report.total.sparsity };
const both = encodeQuantizedWeights(model, { dtype: 'int8' });
loadQuantizedWeights(model, both);
rows['pruned+int8'] = { accuracy: await testAccuracy(), ...sizes(both), sparsity: sparsityReport(model).total.sparsity };

const d = rows.dense;
for (const r of Object.values(rows)) {
  r.accuracyDelta = Math.round((r.accuracy - d.accuracy) * 1e5) / 1e3; // points
  r.sizeRatio = Math.round((r.bytes / d.bytes) * 1000) / 1000;
  r.gzipRatio = Math.round((r.gzip / d.gzip) * 1000) / 1000;
}
console.log('| model | test accuracy | Δ points | file bytes | × dense | gzip bytes | × dense gzip | sparsity |');
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, r] of Object.entries(rows)) {
  console.log(
    `| ${name} | ${(100 * r.accuracy).toFixed(2)}% | ${r.accuracyDelta.toFixed(2)} | ${r.bytes} | ${r.sizeRatio} | ${r.gzip} | ${r.gzipRatio} | ${r.sparsity === undefined ? '-' : `${(100 * r.sparsity).toFixed(1)}%`} |`,
  );
}
console.log(JSON.stringify({ example: 'mnist-cnn-compress', backend: plugin.name, epochs, fineTuneEpochs, rows, seconds: seconds(start) }));
const misses = [];
for (const name of ['int8', 'pruned', 'pruned+int8'])
  if (!(rows[name].accuracyDelta >= -0.3)) misses.push(`${name} accuracy ${rows[name].accuracyDelta} points from dense`);
if (!(rows.pruned.gzipRatio <= 0.4)) misses.push(`pruned gzip ratio ${rows.pruned.gzipRatio} > 0.4`);
if (!(rows.int8.sizeRatio <= 0.27)) misses.push(`int8 file ratio ${rows.int8.sizeRatio} (target ~0.25: 4x smaller)`);
if (!(d.accuracy >= 0.985)) misses.push(`dense accuracy ${d.accuracy} below 0.985`);
if (misses.length) {
  console.error(`mnist-cnn-compress: ${misses.join('; ')}`);
  process.exit(1);
}
