// Hyperparameter search on optdigits: Hyperband (max 9 epochs, eta 3) tunes an MLP's depth,
// widths, learning rate (log-uniform), dropout and batch size on a seeded 80/20 split of the
// training writers (or k-fold cross-validation with --folds K); the best configuration is then
// retrained on all training writers and scored once on the test writers, which the search never
// sees. Writes out/tune-*/{state.json,trials.jsonl,tensorboard/}; killed and started again, it
// continues where it stopped (--fresh starts over). Target: test accuracy >= 0.95.
// Run: npm start -w @tessera/example-tune-optdigits [-- --fresh] [-- --folds 3] [-- --max-epochs 27]
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpu } from '@tessera/backend-cpu';
import { node } from '@tessera/backend-node';
import { wasm } from '@tessera/backend-wasm';
import { auto, useBackend } from '@tessera/core';
import { digits, kFold, split } from '@tessera/data';
import { datasetDir, seconds } from '@tessera/example-shared/datasets';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, evaluate, fit } from '@tessera/train';
import { HyperParameters, hyperband, tune } from '@tessera/tune';
import { tunerDirectory } from '@tessera/tune/node';

const TARGET = 0.95;
const { values: args } = parseArgs({
  options: { fresh: { type: 'boolean', default: false }, folds: { type: 'string' }, 'max-epochs': { type: 'string', default: '9' } },
});
const start = performance.now();
const plugin = await useBackend(await auto([node(), wasm(), cpu()]));
const { train, test } = await digits({ from: datasetDir('digits') });
// one directory per search setting: the same command continues its own search, another starts its own
const dir = join(
  dirname(fileURLToPath(import.meta.url)),
  'out',
  `tune-hyperband${args['max-epochs']}-${args.folds ? `${args.folds}fold` : 'split'}`,
);
if (args.fresh) rmSync(dir, { recursive: true, force: true });

const loss = sparseCategoricalCrossentropy({ fromLogits: true });
const folds = args.folds ? kFold(train, Number(args.folds), { seed: 0 }) : [split(train, { train: 0.8, validation: 0.2 }, { seed: 0 })];

/** The MLP and optimizer a configuration describes (read from `hp`: the search space). */
function build(hp, seed) {
  const layers = hp.int('layers', 1, 3);
  const stack = [];
  for (let i = 0; i < layers; i++) {
    stack.push(dense(hp.int(`units_${i}`, 32, 256, { step: 32 }), { activation: 'relu', seed: seed + i }));
    stack.push(dropout(hp.float('dropout', 0, 0.5)));
  }
  stack.push(dense(10, { seed: seed + layers }));
  return {
    model: sequential(stack),
    optimizer: adam({ learningRate: hp.logUniform('lr', 1e-4, 1e-1) }),
    batch: hp.choice('batch', [32, 64, 128]),
  };
}

const result = await tune(
  async (hp, ctx) => {
    const { model, optimizer, batch } = build(hp, ctx.seed);
    try {
      return await fit(model, ctx.fold.train.shuffle({ seed: ctx.seed }).batch(batch), {
        loss,
        optimizer,
        metrics: [accuracy()],
        validation: ctx.fold.validation.batch(512),
        epochs: ctx.epochs,
        callbacks: ctx.callbacks,
        seed: ctx.seed,
      });
    } finally {
      model.dispose();
    }
  },
  {
    strategy: hyperband({ maxEpochs: Number(args['max-epochs']), factor: 3 }),
    objective: 'val_accuracy',
    folds,
    seed: 1,
    earlyStopping: { patience: 5 },
    ...tunerDirectory(dir),
    onTrialEnd: (t) => {
      const params = Object.entries(t.params).map(
        ([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toPrecision(3) : v}`,
      );
      console.log(
        `${t.id} ${String(t.epochs).padStart(2)} epochs  val_accuracy ${t.score?.toFixed(4) ?? t.status}  ${params.join(' ')}  (${t.seconds} s)`,
      );
    },
  },
);
const tuneSeconds = seconds(start);
const best = result.best;
if (!best) throw new Error('tune-optdigits: no trial completed');

// Retrain the best configuration on every training writer for its budget, then score the test writers once.
const { model, optimizer, batch } = build(new HyperParameters({ seed: best.seed }), best.seed);
await fit(model, train.shuffle({ seed: best.seed }).batch(batch), { loss, optimizer, epochs: best.epochs, seed: best.seed });
const logs = await evaluate(model, test.batch(512), { loss, metrics: [accuracy()] });
model.dispose();

const summary = {
  example: 'tune-optdigits',
  backend: plugin.name,
  strategy: `hyperband(maxEpochs ${args['max-epochs']}, factor 3)`,
  validation: args.folds ? `${args.folds}-fold` : '80/20 split of the training writers',
  trials: result.trials.length,
  best: { id: best.id, params: best.params, epochs: best.epochs, valAccuracy: best.score },
  testAccuracy: logs.accuracy,
  testLoss: logs.loss,
  tuneSeconds,
  seconds: seconds(start),
  logs: { jsonl: join(dir, 'trials.jsonl'), tensorboard: join(dir, 'tensorboard') },
};
console.log(JSON.stringify(summary));
if (!(logs.accuracy >= TARGET)) {
  console.error(`tune-optdigits: test accuracy ${logs.accuracy} of the best configuration is below the ${TARGET} target`);
  process.exit(1);
}
