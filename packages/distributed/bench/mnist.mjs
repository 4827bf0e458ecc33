// Training throughput of the MNIST MLP (784-128-10) or CNN (conv32-pool-conv64-pool-dense10) with
// dataParallel on the wasm backend, through the BUILT packages. One replica: `node mnist.mjs`;
// threads/processes: `node run.mjs threads|processes 2 mnist.mjs ...`; threaded wasm in one
// replica: `--wasm-threads 2`. Rank 0 prints samples/s over the steps after the first `warmup`.
//   node mnist.mjs --model mlp|cnn [--batch B] [--steps S] [--warmup W] [--wasm-threads T]
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { mnist } from '@tessera/data';
import { dataParallel } from '@tessera/distributed';
import { initProcessGroup } from '@tessera/distributed/node';
import { conv2d, dense, flatten, maxPool2d, reshape, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { fit } from '@tessera/train';

const { values: o } = parseArgs({
  options: {
    model: { type: 'string', default: 'mlp' },
    batch: { type: 'string' },
    steps: { type: 'string' },
    warmup: { type: 'string', default: '3' },
    'wasm-threads': { type: 'string', default: '1' },
  },
});
const cnn = o.model === 'cnn';
const batch = Number(o.batch ?? (cnn ? 64 : 128));
const steps = Number(o.steps ?? (cnn ? 12 : 40));
const warmup = Number(o.warmup);
const group = await initProcessGroup({ timeoutMs: 300_000 });
await useBackend(wasm({ threads: Number(o['wasm-threads']) }));
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const { train } = await mnist({ from: resolve(process.env.TESSERA_DATASETS ?? resolve(repo, '../shared/datasets'), 'mnist') });
const model = cnn
  ? sequential([
      reshape([28, 28, 1]),
      conv2d(32, 3, { activation: 'relu', seed: 1 }),
      maxPool2d(2),
      conv2d(64, 3, { activation: 'relu', seed: 2 }),
      maxPool2d(2),
      flatten(),
      dense(10, { seed: 3 }),
    ])
  : sequential([flatten(), dense(128, { activation: 'relu', seed: 1 }), dense(10, { seed: 2 })]);
const step = dataParallel(model, {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: 1e-3 }),
  group,
});
let t0 = 0;
let timed = 0;
await fit(step, train.take(batch * steps).batch(batch), {
  epochs: 1,
  seed: 1,
  callbacks: [
    {
      onBatchEnd: (s) => {
        if (s === warmup) t0 = performance.now();
        else if (s > warmup) timed++;
      },
    },
  ],
});
const ms = performance.now() - t0;
const params = Object.values(model.parameters()).reduce((n, v) => n + v.size, 0);
if (group.rank === 0)
  console.log(
    JSON.stringify({
      model: o.model,
      replicas: group.worldSize,
      transport: group.transport,
      wasmThreads: Number(o['wasm-threads']),
      batch,
      params,
      msPerStep: +(ms / timed).toFixed(1),
      samplesPerSec: Math.round((timed * batch) / (ms / 1000)),
    }),
  );
group.close();
