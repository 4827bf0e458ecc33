// Iris: standardize the 4 measurements (fitted on the training split only), train a small MLP,
// report accuracy on the held-out 20%. Run: npm start -w @tessera/example-iris
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { fitNormalizer, iris, split } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, evaluate, fit } from '@tessera/train';

const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { data } = await iris({ from: datasetDir('iris') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 7 });
const norm = await fitNormalizer(parts.train.map((r) => r.x));
// Elements are { x: Float32Array(4), y: number }; `map` makes new elements, so re-declare the
// dataset's spec (x float32 [4], y int32) to keep the labels int32 in the batches.
const prepare = (ds) => ds.map((r) => ({ x: norm.apply(r.x), y: r.y })).withSpec(ds.spec);
const train = prepare(parts.train).shuffle({ seed: 1 }).batch(16);
const test = prepare(parts.test).batch(64);

const model = sequential([dense(16, { activation: 'relu', seed: 1 }), dense(16, { activation: 'relu', seed: 2 }), dense(3, { seed: 3 })]);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
await fit(model, train, { loss, optimizer: adam({ learningRate: 0.01 }), epochs: 60, seed: 1 });
const logs = await evaluate(model, test, { loss, metrics: [accuracy()] });
const result = { example: 'iris', backend: plugin.name, testAccuracy: logs.accuracy, testLoss: logs.loss, seconds: seconds(start) };
console.log(JSON.stringify(result));
if (!(logs.accuracy >= 0.93)) {
  console.error(`iris: test accuracy ${logs.accuracy} is below the 0.93 target`);
  process.exit(1);
}
