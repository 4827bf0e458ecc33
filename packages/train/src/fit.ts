import type { Batch, Callback, GradientTransform, Logs, Module, StateTree, TrainStep } from '@tessera/core';
import { getLearningRate, stateTensors, TesseraError, ValueError } from '@tessera/core';
import { progressBar } from './callbacks/progress-bar.js';
import { type BatchSource, batchSize, type DataInput, disposeBatch, toBatchSource } from './data-source.js';
import { loadCallbackStates, statefulCallbacks } from './loop/callback-states.js';
import { LogMeans, metricLogs } from './loop/log-means.js';
import type { LossSpec, MetricSpec } from './steps/outputs.js';
import { type DataPosition, readLogs, Trainer, type TrainerSnapshot, toTrainStep } from './trainer.js';

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
  /** The loss minimized (training a model); a loss per output for multi-output models. Not with a `TrainStep`. */
  loss?: LossSpec;
  /** Weights of the per-output losses (multi-output models). */
  lossWeights?: number[] | Record<string, number>;
  /** The gradient transformation (e.g. `adam()`, `sgd()`) when training a model. Not with a `TrainStep`. */
  optimizer?: GradientTransform;
  /** Epochs to train (default 1). */
  epochs?: number;
  /** Streaming metrics computed on the training batches (and on `validation`), when training a model. */
  metrics?: MetricSpec;
  /** Evaluated at the end of every epoch; its logs are prefixed `val_`. */
  validation?: DataInput;
  /** Hooks called during training (progress, early stopping, checkpoints, ...). */
  callbacks?: Callback[];
  /** Seed of the RNG key passed to the model (dropout); same seed, same run. */
  seed?: number;
  /** Ends an epoch after this many batches (for endless datasets). */
  stepsPerEpoch?: number;
  /**
   * Batch logs include the metrics' running values every this many steps (each read is a sync);
   * epoch logs always do. Default 10.
   */
  metricsEvery?: number;
  /** Adds a {@link progressBar} writing to stdout. Default false. */
  verbose?: boolean;
  /** Continue from a snapshot (e.g. `await loadCheckpoint(dir)` from `@tessera/train/node`). */
  resumeFrom?: TrainerSnapshot;
  /**
   * Reuse a trainer: its step's state and counters carry over between `fit` calls (`epochs`
   * is then the total, Keras' final epoch); `model`, `loss`, `optimizer` and `metrics` are the
   * trainer's. Without one, `fit` frees the state it made.
   */
  trainer?: Trainer<unknown, Batch>;
  /**
   * Throw a `NON_FINITE` TesseraError on the first step whose loss (or any log) or gradient is NaN
   * or infinite, naming the step and the first non-finite input, parameter or gradient (the
   * supervised step checks before updating). Costs one sync per step. Default false.
   */
  checkFinite?: boolean;
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
  trainer: Trainer<unknown, Batch>;
}

async function call(callbacks: Callback[], fn: (cb: Callback) => unknown): Promise<void> {
  for (const cb of callbacks) await fn(cb);
}

function stepBatchSize(trainer: Trainer<unknown, Batch>, batch: Batch): number {
  const own = trainer.trainStep.batchSize;
  return own ? own.call(trainer.trainStep, batch) : batchSize(batch.x);
}

/**
 * Trains a model, or runs any {@link TrainStep}, on `data` for `epochs` epochs and returns the
 * per-epoch history. With a model, `loss` and `optimizer` make the {@link supervised} step (a loss
 * per output for multi-output models); a `TrainStep` (a GAN, an RL algorithm, a custom step) brings
 * its own. `data` is a `Dataset`, any (async) iterable of `{ x, y, sampleWeight? }` batches, or
 * `{ x, y, batchSize, shuffle?, seed? }` tensors. Every step's logs are averaged over the epoch
 * (weighted by batch size); callbacks, metrics, validation, progress and exact resume work the
 * same for every step.
 *
 * @example
 * ```ts
 * const history = await fit(model, { x, y, batchSize: 32, shuffle: true, seed: 1 }, {
 *   loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), epochs: 10,
 *   metrics: [meanAbsoluteError()], callbacks: [earlyStopping({ patience: 2 })],
 * });
 * console.log(history.history.loss);
 * await fit(myStep, data, { epochs: 3, callbacks: [checkpoint('./ckpt', { resume: true })] });
 * ```
 */
export async function fit(model: Module | TrainStep<unknown, Batch>, data: DataInput, options: FitOptions = {}): Promise<History> {
  const epochs = options.epochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ValueError('fit epochs', 'a non-negative integer', epochs);
  const steps = options.stepsPerEpoch;
  if (steps !== undefined && (!Number.isInteger(steps) || steps < 1))
    throw new ValueError('fit stepsPerEpoch', 'a positive integer', steps);
  const every = options.metricsEvery;
  if (every !== undefined && (!Number.isInteger(every) || every < 1)) throw new ValueError('fit metricsEvery', 'a positive integer', every);
  const trainer =
    options.trainer ??
    new Trainer(
      toTrainStep(model, { loss: options.loss, lossWeights: options.lossWeights, optimizer: options.optimizer, metrics: options.metrics }),
      {
        seed: options.seed,
      },
    );
  const source = toBatchSource(data, { disposeBatches: options.disposeBatches });
  const ownTrainer = !options.trainer;
  try {
    return await runFit(trainer, source, options, epochs, steps);
  } finally {
    trainer.attachPosition(null);
    trainer.attachCallbackStates(null);
    // the state of a trainer fit created is unreachable afterwards: free it, and the metrics' accumulators
    if (ownTrainer) {
      trainer.dispose();
      for (const m of trainer.metrics) m.dispose?.();
    }
  }
}

async function runFit(
  trainer: Trainer<unknown, Batch>,
  source: BatchSource,
  options: FitOptions,
  epochs: number,
  steps: number | undefined,
): Promise<History> {
  const metrics = trainer.metrics;
  const metricsEvery = options.metricsEvery ?? 10;
  const val = options.validation ? toBatchSource(options.validation) : null;
  const callbacks = [...(options.verbose ? [progressBar()] : []), ...(options.callbacks ?? [])];
  const history: History = { epoch: [], history: {}, logs: [], trainer };
  // fit owns the data position; snapshots taken by callbacks read it from here
  const pos: DataPosition & { finished: boolean } = { epoch: trainer.epoch, stepInEpoch: 0, dataState: null, finished: false };
  trainer.attachPosition(() =>
    pos.finished
      ? { epoch: pos.epoch + 1, stepInEpoch: 0, dataState: source.checkpoint?.() ?? null }
      : { epoch: pos.epoch, stepInEpoch: pos.stepInEpoch, dataState: pos.dataState },
  );
  // the running epoch means and metric accumulators are state too: a run resumed mid-epoch logs
  // the same epoch values as an uninterrupted one
  let means = new LogMeans();
  let epochState: { epoch: number; sums: Record<string, number>; seen: number; metrics: StateTree[] } | null = null;
  const epochCallback: Callback = {
    stateKey: 'fit_epoch',
    saveState: () => ({
      epoch: pos.epoch,
      sums: pos.finished ? {} : { ...means.sums },
      seen: pos.finished ? 0 : means.seen,
      metrics: metrics.map((m) => (pos.finished ? null : (m.saveState?.() ?? null))),
    }),
    loadState(saved) {
      epochState = saved as typeof epochState;
    },
  };
  const stateful = statefulCallbacks([epochCallback, ...callbacks]);
  trainer.attachCallbackStates(() => {
    const states: Record<string, StateTree> = {};
    for (const [key, cb] of stateful) if (cb.saveState) states[key] = cb.saveState();
    return states;
  });
  trainer.resetStop();
  if (options.checkFinite !== undefined) trainer.checkFinite = options.checkFinite;
  if (options.resumeFrom) trainer.restore(options.resumeFrom);
  await call(callbacks, (cb) => cb.onTrainBegin?.(trainer));
  let resume = trainer.takePosition();
  await loadCallbackStates(stateful, trainer.takeCallbackStates(), { step: trainer.step, epoch: resume?.epoch ?? trainer.epoch });
  let lastLogs: Logs = {};
  for (let epoch = resume?.epoch ?? trainer.epoch; epoch < epochs && !trainer.stopRequested; epoch++) {
    if (resume?.dataState && source.restore) source.restore(resume.dataState);
    const skip = resume?.stepInEpoch ?? 0;
    resume = null;
    pos.epoch = epoch;
    pos.finished = false;
    pos.dataState = source.checkpoint?.() ?? null;
    pos.stepInEpoch = 0;
    for (const m of metrics) m.reset();
    means = new LogMeans();
    const carried = epochState as { epoch: number; sums: Record<string, number>; seen: number; metrics: StateTree[] } | null;
    epochState = null;
    if (carried && carried.epoch === epoch && skip > 0) {
      means.sums = { ...carried.sums };
      means.seen = carried.seen;
      metrics.forEach((m, i) => {
        const saved = carried.metrics[i];
        if (saved !== null && saved !== undefined) m.loadState?.(saved);
      });
    } else if (carried) for (const t of stateTensors(carried.metrics)) t.dispose();
    await call(callbacks, (cb) => cb.onEpochBegin?.(epoch, trainer));
    let i = 0;
    let complete = true;
    for await (const batch of source.pass()) {
      if (i < skip) {
        i++;
        pos.stepInEpoch = i;
        if (source.ownsBatches) disposeBatch(batch);
        continue;
      }
      if (steps !== undefined && i >= steps) {
        if (source.ownsBatches) disposeBatch(batch);
        break;
      }
      await call(callbacks, (cb) => cb.onBatchBegin?.(trainer.step, trainer));
      let n: number;
      let stepLogs: ReturnType<Trainer['runStep']>;
      try {
        n = stepBatchSize(trainer, batch);
        stepLogs = trainer.runStep(batch);
      } finally {
        if (source.ownsBatches) disposeBatch(batch);
      }
      const values = await readLogs(stepLogs);
      if (options.checkFinite) {
        const bad = Object.entries(values).find(([, v]) => !Number.isFinite(v));
        if (bad)
          throw new TesseraError('NON_FINITE', `step ${trainer.step - 1} of "${trainer.trainStep.name}": log "${bad[0]}" is ${bad[1]}`);
      }
      means.add(values, n);
      i++;
      pos.stepInEpoch = i;
      const logs: Logs = { ...means.means(), size: n };
      if ('loss' in values) logs.batch_loss = values.loss as number;
      // metric values are read (a sync) every `metricsEvery` steps: on step numbers, not on a clock,
      // so a resumed run logs exactly what an uninterrupted one did
      if (metrics.length && trainer.step % metricsEvery === 0) Object.assign(logs, metricLogs(metrics));
      await call(callbacks, (cb) => cb.onBatchEnd?.(trainer.step, logs, trainer));
      if (trainer.stopRequested) {
        complete = steps !== undefined ? i >= steps : source.batchesPerPass !== undefined && i >= source.batchesPerPass;
        break;
      }
    }
    pos.finished = complete;
    const logs: Logs = { ...means.means(), ...metricLogs(metrics) };
    if (val) Object.assign(logs, await evaluateSource(trainer, val, 'val_'));
    const optState = trainer.optimizerState;
    const lr = optState === null || !trainer.optimizer ? undefined : getLearningRate(trainer.optimizer, optState);
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
      trainer.completeEpoch(epoch);
      pos.epoch = epoch + 1;
      pos.stepInEpoch = 0;
      pos.finished = false;
      pos.dataState = null;
    }
  }
  await call(callbacks, (cb) => cb.onTrainEnd?.(lastLogs, trainer));
  return history;
}

/**
 * Runs a trainer's eval step over one pass of `source`: the batch-weighted means of its logs and
 * its metrics' results (reset first), keys prefixed with `prefix`.
 *
 * @example
 * ```ts
 * const logs = await evaluateSource(trainer, toBatchSource(test.batch(1000)), 'val_');
 * ```
 */
export async function evaluateSource(trainer: Trainer<unknown, Batch>, source: BatchSource, prefix = ''): Promise<Logs> {
  const metrics = trainer.metrics;
  for (const m of metrics) m.reset();
  const means = new LogMeans();
  for await (const batch of source.pass()) {
    let n: number;
    let stepLogs: ReturnType<Trainer['evalStep']>;
    try {
      n = stepBatchSize(trainer, batch);
      stepLogs = trainer.evalStep(batch);
    } finally {
      if (source.ownsBatches) disposeBatch(batch);
    }
    means.add(await readLogs(stepLogs), n);
  }
  return { ...means.means(prefix), ...metricLogs(metrics, prefix) };
}
