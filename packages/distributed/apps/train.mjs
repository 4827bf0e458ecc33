// Data-parallel fixture, run through the BUILT packages as a process (tessera-launch, or the tests'
// own spawn with RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT) or as a worker thread (launchThreads).
//   node train.mjs [--epochs E] [--backend cpu|wasm] [--bn] [--ckpt DIR [--resume]] [--die-rank R --die-step S [--die-how kill|throw]] [--out DIR]
// Iris (../shared/datasets/iris or TESSERA_DATASETS), standardized; MLP 4-16-16-3 (batch norm
// with --bn); adam; a seeded shuffle; batch 16 (8 steps an epoch). Every rank prints one JSON line:
// its rank, the group, the steps, the last epoch's loss and its final weights (to DIR/rank-R.json with --out).
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { fitNormalizer, iris, split } from '@tessera/data';
import { dataParallel } from '@tessera/distributed';
import { initProcessGroup } from '@tessera/distributed/node';
import { batchNormalization, dense, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, fit } from '@tessera/train';
import { checkpoint, loadCheckpoint } from '@tessera/train/node';

const { values: opts } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    backend: { type: 'string', default: 'cpu' },
    ckpt: { type: 'string' },
    resume: { type: 'boolean', default: false },
    bn: { type: 'boolean', default: false },
    'die-rank': { type: 'string' },
    'die-step': { type: 'string' },
    'die-how': { type: 'string', default: 'kill' },
    out: { type: 'string' },
  },
});

const group = await initProcessGroup({ timeoutMs: Number(process.env.TESSERA_TIMEOUT_MS ?? 20_000) });
await useBackend(opts.backend === 'wasm' ? wasm() : cpu());
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(repo, '../shared/datasets');
const { data } = await iris({ from: resolve(datasets, 'iris') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 7 });
const norm = await fitNormalizer(parts.train.map((r) => r.x));
const train = parts.train
  .map((r) => ({ x: Float32Array.from(norm.apply(r.x)), y: r.y }))
  .shuffle({ seed: 3 })
  .batch(16);

const model = sequential([
  dense(16, { activation: 'relu', seed: 1 }),
  ...(opts.bn ? [batchNormalization()] : []),
  dense(16, { activation: 'relu', seed: 2 }),
  dense(3, { seed: 3 }),
]);
const callbacks = [];
if (opts.ckpt && group.rank === 0) callbacks.push(checkpoint(opts.ckpt, { every: 3 }));
if (opts['die-rank'] !== undefined && Number(opts['die-rank']) === group.rank) {
  const at = Number(opts['die-step']);
  callbacks.push({
    onBatchEnd: (step) => {
      if (step !== at) return;
      if (opts['die-how'] === 'throw') throw new Error(`rank ${group.rank} stops at step ${step} (test)`);
      process.kill(process.pid, 'SIGKILL');
    },
  });
}
const step = dataParallel(model, {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: 0.01 }),
  metrics: [accuracy()],
  group,
});
const started = Date.now();
const history = await fit(step, train, {
  epochs: Number(opts.epochs),
  seed: 11,
  callbacks,
  resumeFrom: opts.resume ? await loadCheckpoint(opts.ckpt) : undefined,
});
const weights = Object.fromEntries(
  Object.entries({ ...model.parameters(), ...model.state() }).map(([k, v]) => [k, Array.from(v.dataSync())]),
);
const out = {
  rank: group.rank,
  worldSize: group.worldSize,
  transport: group.transport,
  steps: history.trainer.step,
  epochs: history.epoch,
  loss: history.history.loss?.at(-1),
  ms: Date.now() - started,
  weights,
};
group.close();
if (opts.out) writeFileSync(join(opts.out, `rank-${out.rank}.json`), JSON.stringify(out));
else console.log(JSON.stringify(out));
