// MNIST with an MLP (784-128-10, dropout), adam, on the fastest backend available.
// Writes the training curves, the test confusion matrix and the first misclassified test digits to
// ./out (history, confusion, misclassified; .svg and .png).
// Run: npm run example   (or npm start -w @tessera/example-mnist-mlp; TESSERA_BACKEND=cpu to force one)
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { classIndices, confusionMatrix, plotConfusionMatrix, plotHistory, plotImageGrid } from '@tessera/plot';
import { writePlot } from '@tessera/plot/node';
import { accuracy, evaluate, fit, predict, progressBar } from '@tessera/train';

const epochs = Number(process.env.EPOCHS ?? 8);
const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out');
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { train, test } = await mnist({ from: datasetDir('mnist'), flatten: true });

const model = sequential([dense(128, { activation: 'relu', seed: 1 }), dropout(0.2), dense(10, { seed: 2 })]);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const history = await fit(model, train.shuffle({ seed: 1 }).batch(128).prefetch(2), {
  loss,
  optimizer: adam({ learningRate: 1e-3 }),
  epochs,
  seed: 1,
  metrics: [accuracy()],
  // the test set is also evaluated after every epoch, for the curves only (nothing is chosen by it)
  validation: test.batch(1000),
  callbacks: [progressBar()],
});
const logs = await evaluate(model, test.batch(1000), { loss, metrics: [accuracy()] });

const examples = [];
for await (const r of test) examples.push(r);
const logits = await predict(model, test.batch(1000));
const labels = examples.map((r) => r.y);
const matrix = confusionMatrix(labels, logits, { numClasses: 10 });
const predicted = classIndices(logits, 'logits');
const wrong = examples
  .map((r, i) => [r, i])
  .filter(([r, i]) => predicted[i] !== r.y)
  .slice(0, 32);
const plots = [
  [plotHistory(history, { title: `MNIST MLP on ${plugin.name} (validation = the test set)` }), 'history'],
  [plotConfusionMatrix(labels, logits, { title: `MNIST test set: accuracy ${(100 * logs.accuracy).toFixed(2)}%` }), 'confusion'],
  [
    plotImageGrid(
      wrong.map(([r]) => ({ width: 28, height: 28, channels: 1, pixels: r.x.map((v) => 255 * v) })),
      { columns: 8, labels: wrong.map(([r, i]) => `${r.y}→${predicted[i]}`), title: 'Misclassified test digits (true→predicted)' },
    ),
    'misclassified',
  ],
];
logits.dispose();
for (const [spec, name] of plots) for (const ext of ['svg', 'png']) await writePlot(spec, resolve(out, `${name}.${ext}`));
const result = {
  example: 'mnist-mlp',
  backend: plugin.name,
  epochs,
  trainAccuracy: history.history.accuracy?.at(-1),
  testAccuracy: logs.accuracy,
  testLoss: logs.loss,
  errors: labels.length - matrix.reduce((n, row, k) => n + row[k], 0),
  plots: plots.map(([, name]) => `out/${name}.svg`),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(logs.accuracy >= 0.975)) {
  console.error(`mnist-mlp: test accuracy ${logs.accuracy} is below the 0.975 target`);
  process.exit(1);
}
