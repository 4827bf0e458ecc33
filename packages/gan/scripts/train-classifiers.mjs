// Trains the two frozen classifiers the GAN quality metric uses (MLP 784-128-10 on MNIST and on
// Fashion-MNIST, pixels in [0, 1]) and writes classifiers/<name>.safetensors with their test accuracy.
// Run from the repo root after a build: node packages/gan/scripts/train-classifiers.mjs
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { fashionMnist, mnist } from '@tessera/data';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { encodeSafetensors } from '@tessera/tensor';
import { accuracy, evaluate, fit } from '@tessera/train';

const here = dirname(fileURLToPath(import.meta.url));
const datasets = process.env.TESSERA_DATASETS ?? resolve(here, '../../../../shared/datasets');
await useBackend(await auto([wasm(), cpu()]));

for (const [name, load, dir] of [
  ['mnist', mnist, 'mnist'],
  ['fashion', fashionMnist, 'fashion-mnist'],
]) {
  const { train, test } = await load({ from: resolve(datasets, dir), flatten: true });
  const model = sequential([dense(128, { activation: 'relu', seed: 1 }), dense(10, { seed: 2 })]);
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  await fit(model, train.shuffle({ seed: 1 }).batch(128).prefetch(2), {
    loss,
    optimizer: adam({ learningRate: 1e-3 }),
    epochs: 8,
    seed: 1,
  });
  const { accuracy: acc } = await evaluate(model, test.batch(1000), { loss, metrics: [accuracy()] });
  const params = Object.values(model.parameters());
  const byShape = (rank) => params.filter((p) => p.shape.length === rank);
  const [k0, k1] = byShape(2);
  const [b0, b1] = byShape(1);
  const bytes = encodeSafetensors(
    { 'dense_0/kernel': k0, 'dense_0/bias': b0, 'dense_1/kernel': k1, 'dense_1/bias': b1 },
    {
      dataset: dir,
      architecture: 'dense 784-128 relu, dense 128-10 (logits); pixels in [0, 1]',
      testAccuracy: acc.toFixed(4),
      epochs: '8',
    },
  );
  writeFileSync(resolve(here, '../classifiers', `${name}.safetensors`), bytes);
  console.log(JSON.stringify({ classifier: name, testAccuracy: acc, bytes: bytes.length }));
  model.dispose();
}
