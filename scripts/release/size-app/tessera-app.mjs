// Minimal Tessera app measured by `npm run size`: one Dense layer, sgd, mse, cpu backend, fit.

import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { dense, sequential } from '@tessera/layers';
import { meanSquaredError } from '@tessera/losses';
import { sgd } from '@tessera/optimizers';
import { tensor2d } from '@tessera/tensor';
import { fit } from '@tessera/train';

async function main() {
  await useBackend(cpu());
  const x = tensor2d([[0], [1], [2], [3]]);
  const y = tensor2d([[1], [3], [5], [7]]);
  const model = sequential([dense(1)]);
  // biome-ignore lint/suspicious/noFocusedTests: fit is the trainer from @tessera/train, not a test
  const history = await fit(
    model,
    { x, y, batchSize: 4 },
    { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.05 }), epochs: 50 },
  );
  console.log(history.history.loss.at(-1));
}
main();
