import type { Callback, GradientTransform, Logs, Loss, Metric, Module } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { progressBar } from './callbacks/progress-bar.js';
import { learningRateNodes } from './callbacks/reduce-lr.js';
import { type BatchSource, batchSize, type DataInput, disposeBatch, toBatchSource } from './data-source.js';
import { Trainer, type TrainerSnapshot } from './trainer.js';

/**
 * Options of {@link fit}.
 *
 * @example
 * ```ts
 * const options: FitOptions = {
 *   loss: sparseCategoricalCrossentropy({ fromLogits: true }),
 *   optimizer: adam({ learningRate: 1e-3 }),
 *   epochs: 8,
 *   metrics: [accuracy()],
 *   validation: test.batch(1000),
 *   callbacks: [earlyStopping({ patience: 2 })],
 *   seed: 1,
 *   verbose: true,
 * };
 * const history = await fit(model, train.shuffle({ seed: 1 }).batch(128), options);
 * ```
 */
export interface FitOptions {
  /** The loss minimized. */
  loss: Loss;
  /** The gradient transformation (e.g. `adam()`, `sgd()`). */
  optimizer: GradientTransform;
  /** Epochs to train (default 1). */
  epochs?: number;
  /** Streaming metrics computed on the training batches (and on `validation`). */
  metrics?: Metric[];
  /** Evaluated at the end of every epoch; its logs are prefixed `val_`. */
  validation?: DataInput;
  /** Hooks called during training (progress, early stopping, checkpoints, ...). */
  callbacks?: Callback[];
  /** Seed of the RNG key passed to the model (dropout); same seed, same run. */
  seed?: number;
  /** Ends an epoch after this many batches (for endless datasets). */
  stepsPerEpoch?: number;
  /** Adds a {@link progressBar} writing to stdout. Default false. */
  verbose?: boolean;
  /** Continue from a snapshot (e.g. `await loadCheckpoint(dir)` from `@tessera/train/node`). */
  resumeFrom?: TrainerSnapshot;
  /**
   * Reuse a trainer: its optimizer state and counters carry over between `fit` calls (`epochs`
   * is then the total, Keras' final epoch). Without one, `fit` frees the optimizer state it made.
   */
  trainer?: Trainer;
  /** Dispose batches after use (default: true except for plain arrays of batches). */
  disposeBatches?: boolean;
}

/**
 * What {@link fit} returns: per-epoch logs, Keras-style.
 *
 * @example
 * ```ts
 * const history: History = await fit(model, data, { loss, optimizer, epochs: 5, validation: val, metrics: [accuracy()] });
 * console.log(history.epoch);                   // [0, 1, 2, 3, 4]
 * console.log(history.history.val_accuracy.at(-1));
 * ```
 */
export interface History {
  /** Epoch indices that ran. */
  epoch: number[];
  /** Each logged quantity per epoch, e.g. `history.loss`, `history.val_accuracy`. */
  history: Record<string, number[]>;
  /** The full logs of every epoch. */
  logs: Logs[];
  /** The trainer that ran (counters; its optimizer state is freed unless you passed `trainer`). */
  trainer: Trainer;
}

const METRIC_READ_MS = 500;

function metricLogs(metrics: Metric[], prefix = ''): Logs {
  const out: Logs = {};
  for (const m of metrics) out[prefix + m.name] = m.result();
  return out;
}

async function call(callbacks: Callback[], fn: (cb: Callback) => unknown): Promise<void> {
  for (const cb of callbacks) await fn(cb);
}

/**
 * Trains `model` on `data` for `epochs` epochs and returns the per-epoch history.
 * `data` is a `Dataset`, any (async) iterable of `{ x, y, sampleWeight? }` batches, or
 * `{ x, y, batchSize, shuffle?, seed? }` tensors.
 *
 * @example
 * ```ts
 * const history = await fit(model, { x, y, batchSize: 32, shuffle: true, seed: 1 }, {
 *   loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), epochs: 10,
 *   metrics: [meanAbsoluteError()], callbacks: [earlyStopping({ patience: 2 })],
 * });
 * console.log(history.history.loss);
 * ```
 */
export async function fit(model: Module, data: DataInput, options: FitOptions): Promise<History> {
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError('fit epochs', 'a non-negative integer', epochs);
  const steps = options.stepsPerEpoch;
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
    throw new ValueError('fit stepsPerEpoch', 'a positive integer', steps);
  const trainer =
    options.trainer ??
    new Trainer(model, { loss: options.loss, optimizer: options.optimizer, metrics: options.metrics, seed: options.seed });
  if (options.trainer && options.metrics) trainer.metrics = options.metrics;
  const source = toBatchSource(data, { disposeBatches: options.disposeBatches });
  const ownTrainer = !options.trainer;
  try {
    return await runFit(trainer, source, options, epochs, steps);
  } finally {
    // the optimizer state of a trainer fit created is unreachable afterwards: free it
    if (ownTrainer) trainer.dispose();
  }
}

async function runFit(
  trainer: Trainer,
  source: BatchSource,
  options: FitOptions,
  epochs: number,
  steps: number | undefined,
): Promise<History> {
  const metrics = trainer.metrics;
  const val = options.validation ? toBatchSource(options.validation) : null;
  const callbacks = [...(options.verbose ? [progressBar()] : []), ...(options.callbacks ?? [])];
  const history: History = { epoch: [], history: {}, logs: [], trainer };
  trainer.resetStop();
  trainer.nextDataState = () => source.checkpoint?.() ?? null;
  if (options.resumeFrom) trainer.restore(options.resumeFrom);
  await call(callbacks, (cb) => cb.onTrainBegin?.(trainer));
  let lastLogs: Logs = {};
  let skip = trainer.stepInEpoch;
  for (let epoch = trainer.epoch; epoch < epochs && !trainer.stopRequested; epoch++) {
    if (trainer.pendingDataState && source.restore) source.restore(trainer.pendingDataState);
    trainer.pendingDataState = null;
    trainer.epoch = epoch;
    trainer.epochFinished = false;
    trainer.epochDataState = source.checkpoint?.() ?? null;
    trainer.stepInEpoch = 0;
    for (const m of metrics) m.reset();
    await call(callbacks, (cb) => cb.onEpochBegin?.(epoch, trainer));
    let lossSum = 0;
    let seen = 0;
    let lastRead = Date.now();
    let i = 0;
    let complete = true;
    for await (const batch of source.pass()) {
      if (i < skip) {
        i++;
        trainer.stepInEpoch = i;
        if (source.ownsBatches) disposeBatch(batch);
        continue;
      }
      if (steps !== undefined && i >= steps) {
        if (source.ownsBatches) disposeBatch(batch);
        break;
      }
      await call(callbacks, (cb) => cb.onBatchBegin?.(trainer.step, trainer));
      const n = batchSize(batch.x);
      let lossT: ReturnType<Trainer['stepTensor']>;
      try {
        lossT = trainer.stepTensor(batch);
      } finally {
        if (source.ownsBatches) disposeBatch(batch);
      }
      const value = (await lossT.data())[0] as number;
      lossT.dispose();
      lossSum += value * n;
      seen += n;
      i++;
      const logs: Logs = { loss: lossSum / seen, batch_loss: value, size: n };
      if (metrics.length && Date.now() - lastRead >= METRIC_READ_MS) {
        Object.assign(logs, metricLogs(metrics));
        lastRead = Date.now();
      }
      await call(callbacks, (cb) => cb.onBatchEnd?.(trainer.step, logs, trainer));
      if (trainer.stopRequested) {
        complete = steps !== undefined ? i >= steps : source.batchesPerPass !== undefined && i >= source.batchesPerPass;
        break;
      }
    }
    skip = 0;
    trainer.epochFinished = complete;
    const logs: Logs = { loss: seen ? lossSum / seen : Number.NaN, ...metricLogs(metrics) };
    if (val) Object.assign(logs, await evaluateSource(trainer, val, metrics, 'val_'));
    const lr = trainer.optimizerState === null ? undefined : learningRateNodes.get(trainer.optimizerState);
    if (lr !== undefined) logs.learning_rate = lr;
    history.epoch.push(epoch);
    history.logs.push(logs);
    for (const [k, v] of Object.entries(logs)) {
      history.history[k] ??= [];
      (history.history[k] as number[]).push(v);
    }
    lastLogs = logs;
    await call(callbacks, (cb) => cb.onEpochEnd?.(epoch, logs, trainer));
    if (complete) {
      trainer.epoch = epoch + 1;
      trainer.stepInEpoch = 0;
      trainer.epochFinished = false;
      trainer.pendingDataState = null;
    }
  }
  await call(callbacks, (cb) => cb.onTrainEnd?.(lastLogs, trainer));
  return history;
}

async function evaluateSource(trainer: Trainer, source: BatchSource, metrics: Metric[], prefix = ''): Promise<Logs> {
  for (const m of metrics) m.reset();
  let lossSum = 0;
  let seen = 0;
  for await (const batch of source.pass()) {
    const n = batchSize(batch.x);
    let t: ReturnType<Trainer['evalTensor']>;
    try {
      t = trainer.evalTensor(batch, metrics);
    } finally {
      if (source.ownsBatches) disposeBatch(batch);
    }
    lossSum += ((await t.data())[0] as number) * n;
    t.dispose();
    seen += n;
  }
  return { [`${prefix}loss`]: seen ? lossSum / seen : Number.NaN, ...metricLogs(metrics, prefix) };
}

/**
 * Loss and metrics of `model` over `data` in inference mode (sample-weighted means over all batches).
 *
 * @example
 * ```ts
 * const { loss, accuracy: acc } = await evaluate(model, test, { loss: ce, metrics: [accuracy()] });
 * ```
 */
export async function evaluate(model: Module, data: DataInput, options: { loss: Loss; metrics?: Metric[] }): Promise<Logs> {
  const noop: GradientTransform = { init: () => null, update: (g, s) => [g, s] };
  const trainer = new Trainer(model, { loss: options.loss, optimizer: noop, metrics: options.metrics });
  return evaluateSource(trainer, toBatchSource(data), options.metrics ?? []);
}
