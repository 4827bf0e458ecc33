// Knowledge distillation on optdigits with a custom TrainStep: a teacher MLP (64-256-256-10)
// trained the usual way, then a tiny student (64-8-10) trained twice with the same seed and
// budget: from the labels alone (the supervised step) and distilled from the teacher (the custom
// step in distill.mjs). Reports all three test accuracies. Run: npm start -w @tessera/example-distillation
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { digits } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, evaluate, fit } from '@tessera/train';
import { distill } from './distill.mjs';

const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { train, test } = await digits({ from: datasetDir('digits') });
const batches = train.shuffle({ seed: 1 }).batch(64);
const testBatches = test.batch(512);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const testAccuracy = async (model) => (await evaluate(model, testBatches, { loss, metrics: [accuracy()] })).accuracy;

const teacher = sequential([
  dense(256, { activation: 'relu', seed: 1 }),
  dropout(0.3),
  dense(256, { activation: 'relu', seed: 2 }),
  dropout(0.3),
  dense(10, { seed: 3 }),
]);
await fit(teacher, batches, { loss, optimizer: adam({ learningRate: 1e-3 }), epochs: 20, seed: 1 });
const teacherAcc = await testAccuracy(teacher);

const student = () => sequential([dense(8, { activation: 'relu', seed: 4 }), dense(10, { seed: 5 })]);
const EPOCHS = 30;
const fromLabels = student();
await fit(fromLabels, batches, { loss, optimizer: adam({ learningRate: 3e-3 }), epochs: EPOCHS, seed: 2 });
const labelsAcc = await testAccuracy(fromLabels);

const distilled = student();
const step = distill(distilled, teacher, { optimizer: adam({ learningRate: 3e-3 }), temperature: 4, alpha: 0.2, metrics: [accuracy()] });
const history = await fit(step, batches, { epochs: EPOCHS, seed: 2, validation: testBatches });
const distilledAcc = await testAccuracy(distilled);

const result = {
  example: 'distillation',
  backend: plugin.name,
  teacherTestAccuracy: teacherAcc,
  studentFromLabelsTestAccuracy: labelsAcc,
  studentDistilledTestAccuracy: distilledAcc,
  distilledValAccuracyLastEpoch: history.history.val_accuracy?.at(-1),
  seconds: seconds(start),
};
console.log(JSON.stringify(result));
if (!(distilledAcc >= 0.94)) {
  console.error(`distillation: the distilled student's test accuracy ${distilledAcc} is below the 0.94 target`);
  process.exit(1);
}
