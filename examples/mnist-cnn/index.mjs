// MNIST with a small CNN (conv32-pool-conv64-pool-dense10), adam. Trains on wasm with the
// Conv2DBackpropFilter kernel from @tessera/kernels (applied by the wasm backend plugin).
// Run: npm start -w @tessera/example-mnist-cnn
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { conv2d, dense, flatten, maxPool2d, reshape, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, evaluate, fit, progressBar } from '@tessera/train';

const epochs = Number(process.env.EPOCHS ?? 4);
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { train, test } = await mnist({ from: datasetDir('mnist') });

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
const history = await fit(model, train.shuffle({ seed: 1 }).batch(64).prefetch(2), {
  loss,
  optimizer: adam({ learningRate: 1e-3 }),
  epochs,
  seed: 1,
  metrics: [accuracy()],
  callbacks: [progressBar()],
});
const logs = await evaluate(model, test.batch(500), { loss, metrics: [accuracy()] });
const result = {
  example: 'mnist-cnn',
  backend: plugin.name,
  epochs,
  trainAccuracy: history.history.accuracy?.at(-1),
  testAccuracy: logs.accuracy,
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(logs.accuracy >= 0.985)) {
  console.error(`mnist-cnn: test accuracy ${logs.accuracy} is below the 0.985 target`);
  process.exit(1);
}
