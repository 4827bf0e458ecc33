// MNIST with an MLP (784-128-10, dropout), adam, on the fastest backend available.
// Run: npm run example   (or npm start -w @tessera/example-mnist-mlp; TESSERA_BACKEND=cpu to force one)
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, evaluate, fit, progressBar } from '@tessera/train';

const epochs = Number(process.env.EPOCHS ?? 8);
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
  callbacks: [progressBar()],
});
const logs = await evaluate(model, test.batch(1000), { loss, metrics: [accuracy()] });
const result = {
  example: 'mnist-mlp',
  backend: plugin.name,
  epochs,
  trainAccuracy: history.history.accuracy?.at(-1),
  testAccuracy: logs.accuracy,
  testLoss: logs.loss,
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(logs.accuracy >= 0.975)) {
  console.error(`mnist-mlp: test accuracy ${logs.accuracy} is below the 0.975 target`);
  process.exit(1);
}
