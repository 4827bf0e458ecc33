// Federated averaging (FedAvg) on MNIST with 10 simulated clients holding non-IID shards: client k
// has only digits k and k+1 (half of each digit's examples goes to each of the two clients holding
// it), PER_DIGIT examples of each. Every round each client trains the global MLP (784-128-10) for
// LOCAL_EPOCHS epochs with SGD on its own data, and the server averages the clients' weights by
// their sample counts. Prints the test accuracy per round; exits non-zero when the last round is
// below TARGET. Defaults: 25 rounds, PER_DIGIT 600 (so 600 examples per client, 300 of each of its
// digits), SGD 0.2, batch 50, one local epoch, target 85%: measured 86.5% at round 25 and 87.5% at
// round 40 on wasm. This pathological split improves slowly after ~15 rounds: batch 10 / SGD 0.05
// gave 86.1% after 30 rounds, 1,200 per client / batch 50 / SGD 0.2 84.3% after 10; none of the
// settings tried reached 90% within 40 rounds.
// Run: npm start -w @tessera/example-fedavg-mnist   (ROUNDS, PER_DIGIT, LOCAL_EPOCHS, BATCH, LR, TARGET to change)
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { fedAvgRound } from '@tessera/distributed';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { sgd } from '@tessera/optimizers';
import { tensor1d, tensor2d } from '@tessera/tensor';
import { accuracy, ensureBuilt, evaluate } from '@tessera/train';

const rounds = Number(process.env.ROUNDS ?? 25);
const perDigit = Number(process.env.PER_DIGIT ?? 600);
const localEpochs = Number(process.env.LOCAL_EPOCHS ?? 1);
const target = Number(process.env.TARGET ?? 0.85);
const start = performance.now();
const plugin = await useBackend(await auto([wasm(), cpu()]));
const { train, test } = await mnist({ from: datasetDir('mnist'), flatten: true });

// the first perDigit examples of every digit, in file order
const byDigit = Array.from({ length: 10 }, () => []);
for await (const ex of train) if (byDigit[ex.y].length < perDigit) byDigit[ex.y].push(ex);
const half = perDigit >> 1;
const clients = Array.from({ length: 10 }, (_, k) => {
  const rows = [...byDigit[k].slice(0, half), ...byDigit[(k + 1) % 10].slice(half)];
  const x = tensor2d(
    rows.map((r) => Array.from(r.x)),
    [rows.length, 784],
  );
  const y = tensor1d(
    rows.map((r) => r.y),
    'int32',
  );
  return {
    data: { x, y, batchSize: Number(process.env.BATCH ?? 50), shuffle: true, seed: k },
    samples: rows.length,
    digits: [k, (k + 1) % 10],
  };
});

const model = sequential([dense(128, { activation: 'relu', seed: 1 }), dense(10, { seed: 2 })]);
ensureBuilt(model, clients[0].data.x);
const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const optimizer = sgd({ learningRate: Number(process.env.LR ?? 0.2) });
const testBatches = test.batch(1000);
const history = [];
for (let round = 0; round < rounds; round++) {
  const r = await fedAvgRound(model, clients, { loss, optimizer, localEpochs, round, seed: 1 });
  const logs = await evaluate(model, testBatches, { loss, metrics: [accuracy()] });
  history.push({ round: round + 1, clientLoss: r.loss, testAccuracy: logs.accuracy });
  console.log(`round ${round + 1}/${rounds}: client loss ${r.loss.toFixed(4)}, test accuracy ${(100 * logs.accuracy).toFixed(2)}%`);
}
for (const c of clients) {
  c.data.x.dispose();
  c.data.y.dispose();
}
const final = history.at(-1).testAccuracy;
console.log(
  JSON.stringify({
    example: 'fedavg-mnist',
    backend: plugin.name,
    clients: clients.length,
    samplesPerClient: clients[0].samples,
    rounds,
    localEpochs,
    testAccuracy: final,
    accuracyByRound: history.map((h) => +h.testAccuracy.toFixed(4)),
    seconds: seconds(start),
  }),
);
if (!(final >= target)) {
  console.error(`fedavg-mnist: test accuracy ${final} after ${rounds} rounds is below the ${target} target`);
  process.exit(1);
}
