// Kill-and-resume fixture, run as its own process through the BUILT packages.
//   node resume-kill.mjs full <backend>                uninterrupted run; prints the final weights
//   node resume-kill.mjs kill <backend> <dir> <step>   checkpoints to <dir> every EVERY steps and
//                                                      SIGKILLs itself after optimizer step <step>
//   node resume-kill.mjs torn <backend> <dir> <step>   the same, but the SIGKILL comes half way through
//                                                      writing the first file of checkpoint <step>
//   node resume-kill.mjs resume <backend> <dir>        a fresh process resuming from <dir>; prints the final weights
// Iris (../shared/datasets/iris or TESSERA_DATASETS), standardized; MLP 4-16-16-3 with dropout and
// auto-generated layer names; adam; a seeded shuffle; EPOCHS epochs of batch 16 (8 steps each).
// Every run also has stateful callbacks whose decisions change the weights or the files: early
// stopping and reduce-LR on a plateau (a minDelta no epoch meets), an accuracy metric, and CSV and
// JSONL loggers (in <dir>/logs, or a fresh temporary folder for `full`); the output holds the
// per-epoch logs, the callbacks' decisions and both log files.
import { mkdtemp, open, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import { fitNormalizer, iris, split } from '@tessera/data';
import { dense, dropout, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import { accuracy, earlyStopping, fit, reduceLROnPlateau } from '@tessera/train';
import { checkpoint, csvLogger, jsonlLogger, latestCheckpoint, nodeIO } from '@tessera/train/node';

const EVERY = 3;
const EPOCHS = 4;
const [mode, backendName, dir, killArg] = process.argv.slice(2);
const killStep = Number(killArg);

await useBackend(backendName === 'wasm' ? wasm() : cpu());
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const datasets = process.env.TESSERA_DATASETS ?? resolve(repo, '../shared/datasets');
const { data } = await iris({ from: resolve(datasets, 'iris') });
const parts = split(data, { train: 0.8, test: 0.2 }, { seed: 7 });
const norm = await fitNormalizer(parts.train.map((r) => r.x));
const train = parts.train
  .map((r) => ({ x: Float32Array.from(norm.apply(r.x)), y: r.y }))
  .shuffle({ seed: 3 })
  .batch(16);

// no explicit names: a fresh process builds the same auto-generated names
const model = sequential([
  dense(16, { activation: 'relu', seed: 1 }),
  dropout(0.2),
  dense(16, { activation: 'relu', seed: 2 }),
  dropout(0.2),
  dense(3, { seed: 3 }),
]);

/** nodeIO, except that the first file of checkpoint `step-<killStep>` is cut off half way and the process killed. */
const tornIO = {
  ...nodeIO,
  async writeFile(path, bytes) {
    if (!path.includes(`.tmp-step-${String(killStep).padStart(9, '0')}-`)) return nodeIO.writeFile(path, bytes);
    const fh = await open(path, 'w');
    await fh.write(bytes.subarray(0, bytes.length >> 1));
    await fh.sync();
    process.kill(process.pid, 'SIGKILL');
    await new Promise(() => undefined); // never resumes
  },
};

let firstStep = null; // the first step this process trained (1-based): > 1 after a resume
const logDir = dir ? join(dir, 'logs') : await mkdtemp(join(tmpdir(), 'tessera-resume-full-'));
const stopper = earlyStopping({ monitor: 'loss', patience: 3, minDelta: 1e6 }); // stops after epoch 3
const reduce = reduceLROnPlateau({ monitor: 'loss', patience: 2, factor: 0.5, minDelta: 1e6 }); // halves the rate after epoch 2
const callbacks = [stopper, reduce, csvLogger(join(logDir, 'log.csv')), jsonlLogger(join(logDir, 'log.jsonl'), { batchEvery: 2 })];
if (mode === 'kill' || mode === 'torn') {
  callbacks.push(checkpoint(dir, { every: EVERY, io: mode === 'torn' ? tornIO : nodeIO }));
  if (mode === 'kill') {
    callbacks.push({
      onBatchEnd: (step) => {
        if (step === killStep) process.kill(process.pid, 'SIGKILL');
      },
    });
  }
} else if (mode === 'resume') {
  if (!(await latestCheckpoint(dir))) throw new Error(`no checkpoint in ${dir}`);
  callbacks.push(checkpoint(dir, { every: EVERY, resume: true }));
} else if (mode !== 'full') {
  throw new Error(`mode: expected full, kill, torn or resume, received ${mode}`);
}

callbacks.push({
  onBatchEnd: (step) => {
    firstStep ??= step;
  },
});

const history = await fit(model, train, {
  loss: sparseCategoricalCrossentropy({ fromLogits: true }),
  optimizer: adam({ learningRate: 0.01 }),
  epochs: EPOCHS,
  seed: 11,
  metrics: [accuracy()],
  callbacks,
});
const files = { csv: await readFile(join(logDir, 'log.csv'), 'utf8'), jsonl: await readFile(join(logDir, 'log.jsonl'), 'utf8') };
const weights = Object.fromEntries(Object.entries(model.parameters()).map(([k, v]) => [k, Array.from(v.dataSync())]));
const decisions = { stoppedEpoch: stopper.stoppedEpoch, bestEpoch: stopper.bestEpoch, reductions: reduce.reductions };
const out = { backend: backendName, firstStep, steps: history.trainer.step, loss: history.history.loss.at(-1), weights };
console.log(JSON.stringify({ ...out, epochs: history.epoch, logs: history.logs, decisions, files }));
