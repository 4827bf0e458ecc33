// Iris: standardize the 4 measurements (fitted on the training split only), train a small MLP,
// report accuracy on the held-out 20%; writes the training curves and the test confusion matrix
// to ./out (history.svg/.png, confusion.svg/.png). Run: npm start -w @tessera/example-iris
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { fitNormalizer, iris, split } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { plotConfusionMatrix, plotHistory } from '@tessera/plot';
import { writePlot } from '@tessera/plot/node';
import { accuracy, evaluate, fit, predict } from '@tessera/train';

const out = resolve(dirname(fileURLToPath(import.meta.url)), 'out');

const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { data, classNames } = await iris({ from: datasetDir('iris') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 7 });
const norm = await fitNormalizer(parts.train.map((r) => r.x));
// Elements are { x: Float32Array(4), y: number }; `map` makes new elements, so re-declare the
// dataset's spec (x float32 [4], y int32) to keep the labels int32 in the batches.
const prepare = (ds) => ds.map((r) => ({ x: norm.apply(r.x), y: r.y })).withSpec(ds.spec);
const train = prepare(parts.train).shuffle({ seed: 1 }).batch(16);
const test = prepare(parts.test).batch(64);

const model = sequential([dense(16, { activation: 'relu', seed: 1 }), dense(16, { activation: 'relu', seed: 2 }), dense(3, { seed: 3 })]);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
// the held-out split is also evaluated after every epoch, for the curves only (nothing is chosen by it)
const history = await fit(model, train, {
  loss,
  optimizer: adam({ learningRate: 0.01 }),
  epochs: 60,
  seed: 1,
  metrics: [accuracy()],
  validation: test,
});
const logs = await evaluate(model, test, { loss, metrics: [accuracy()] });

const labels = [];
for await (const r of parts.test) labels.push(r.y);
const logits = await predict(model, test);
const plots = [
  [plotHistory(history, { title: 'Iris MLP: loss and accuracy (validation = the held-out 20%)' }), 'history'],
  [
    plotConfusionMatrix(labels, logits, { classNames, title: `Iris, held-out 20%: accuracy ${(100 * logs.accuracy).toFixed(1)}%` }),
    'confusion',
  ],
];
logits.dispose();
for (const [spec, name] of plots) for (const ext of ['svg', 'png']) await writePlot(spec, resolve(out, `${name}.${ext}`));
const result = {
  example: 'iris',
  backend: plugin.name,
  testAccuracy: logs.accuracy,
  testLoss: logs.loss,
  plots: plots.map(([, name]) => `out/${name}.svg`),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(logs.accuracy >= 0.93)) {
  console.error(`iris: test accuracy ${logs.accuracy} is below the 0.93 target`);
  process.exit(1);
}
