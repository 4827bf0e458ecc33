import type {
  Batch,
  GradientTransform,
  IteratorState,
  Metric,
  Module,
  NamedTensors,
  StateTree,
  StepContext,
  StepLogs,
  StepSnapshot,
  TrainingControl,
  TrainStep,
} from '@tessera/core';
import { disposeTree, RngKey, rngKey, TesseraError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor } from '@tessera/tensor';
import type { LossSpec, MetricSpec } from './steps/outputs.js';
import { supervised } from './steps/supervised.js';

/**
 * Options of a {@link Trainer}: the seed, plus — when the trainer is made from a model — the
 * supervised step's loss, optimizer and metrics.
 *
 * @example
 * ```ts
 * const options: TrainerOptions = { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), metrics: [meanAbsoluteError()], seed: 7 };
 * const trainer = new Trainer(model, options);
 * ```
 */
export interface TrainerOptions {
  /** The loss minimized (when training a model; a step brings its own). */
  loss?: LossSpec;
  /** Weights of the per-output losses (multi-output models). */
  lossWeights?: number[] | Record<string, number>;
  /** The gradient transformation (when training a model). */
  optimizer?: GradientTransform;
  /** Streaming metrics (when training a model). */
  metrics?: MetricSpec;
  /** Seed of the root RNG key; step `s` gets `rng: root.fold(s)` (dropout). */
  seed?: number;
}

/**
 * Everything needed to continue training exactly: the step's weights (by path), optimizer
 * state(s) and extra state, the counters, the RNG key and the data position. Tensors are live
 * (valid until the next step): write them out at once.
 *
 * @example
 * ```ts
 * const snap: TrainerSnapshot = trainer.snapshot();
 * console.log(snap.step, snap.epoch, Object.keys(snap.weights));
 * const files = encodeCheckpoint(snap); // write these out before the next step
 * trainer.restore(decodeCheckpoint(files));
 * ```
 */
export interface TrainerSnapshot extends StepSnapshot {
  /** Optimizer steps taken. */
  step: number;
  /** Epoch to run next (0-based). */
  epoch: number;
  /** Batches of `epoch` already trained on. */
  stepInEpoch: number;
  /** The root RNG key. */
  rngKey: [number, number];
  /** `Dataset.checkpoint()` taken at the start of `epoch`, or null. */
  dataState: IteratorState | null;
  /** Each stateful callback's `saveState()`, by its state key (exact resume of early stopping, reduce-LR, loggers). */
  callbacks?: Record<string, StateTree>;
  /** True when `weights` were created for this snapshot (a loaded checkpoint): `restore` frees them. */
  ownsWeights?: boolean;
}

/**
 * Where a run stands in its data: the epoch, the batches of it done and the data position at its
 * start. `fit` owns it; a restored snapshot hands one to the next `fit` call.
 *
 * @example
 * ```ts
 * const pos: DataPosition = { epoch: 2, stepInEpoch: 17, dataState: { pass: 2 } };
 * ```
 */
export interface DataPosition {
  /** Epoch to run (0-based). */
  epoch: number;
  /** Batches of it already trained on. */
  stepInEpoch: number;
  /** The data's `checkpoint()` at the start of the epoch, or null. */
  dataState: IteratorState | null;
}

function isTrainStep(x: unknown): x is TrainStep<unknown, Batch> {
  const s = x as TrainStep<unknown, Batch>;
  return (
    typeof s === 'object' && s !== null && typeof s.init === 'function' && typeof s.step === 'function' && typeof s.snapshot === 'function'
  );
}

/**
 * Makes the step `fit` drives from either a {@link TrainStep} or a model with `loss`/`optimizer`
 * options (the {@link supervised} step).
 *
 * @example
 * ```ts
 * const step = toTrainStep(model, { loss: mse, optimizer: sgd({ learningRate: 0.1 }) });
 * ```
 */
export function toTrainStep(target: Module | TrainStep<unknown, Batch>, options: TrainerOptions, where = 'fit'): TrainStep<unknown, Batch> {
  if (isTrainStep(target)) {
    if (options.loss !== undefined || options.optimizer !== undefined) {
      throw new ValueError(`${where} options`, 'no loss/optimizer with a TrainStep (the step brings its own)', 'loss/optimizer');
    }
    return target;
  }
  if (typeof (target as Module)?.call !== 'function') {
    throw new ValueError(`${where} model`, 'a Module or a TrainStep { init, step, snapshot, restore }', target);
  }
  if (options.loss === undefined) throw new ValueError(`${where} loss`, 'a loss function (yTrue, yPred) => Tensor', options.loss);
  if (!options.optimizer || typeof options.optimizer.update !== 'function') {
    throw new ValueError(`${where} optimizer`, 'a GradientTransform { init, update }', options.optimizer);
  }
  return supervised(target as Module, {
    loss: options.loss,
    lossWeights: options.lossWeights,
    optimizer: options.optimizer,
    metrics: options.metrics,
  }) as TrainStep<unknown, Batch>;
}

/**
 * A training run of one {@link TrainStep}: its state, the global step and epoch counters and the
 * root RNG key. `fit` drives one; callbacks receive it as their `TrainingControl` (with
 * `snapshot()`, `restore()` and the optimizer state). Reuse one across `fit` calls to continue a
 * run (its `epoch` counts on).
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, { loss: mse, optimizer: sgd({ learningRate: 0.1 }), seed: 1 });
 * const loss = await trainer.trainBatch({ x, y });
 * const ganRun = new Trainer(ganStep, { seed: 1 });
 * ```
 */
export class Trainer<S = unknown, B extends Batch = Batch> implements TrainingControl {
  readonly trainStep: TrainStep<S, B>;
  private globalStep = 0;
  private epochCount = 0;
  private rootKey: RngKey;
  private state: S | null = null;
  private pendingRestore: StepSnapshot | null = null;
  private pendingPosition: DataPosition | null = null;
  private positionOf: (() => DataPosition) | null = null;
  private callbackStatesOf: (() => Record<string, StateTree>) | null = null;
  private pendingCallbacks: { states: Record<string, StateTree>; owned: boolean } | null = null;
  private stopFlag = false;
  private keepGrads = false;
  private lastGradients: NamedTensors | null = null;

  constructor(target: Module | TrainStep<S, B>, options: TrainerOptions = {}) {
    this.trainStep = toTrainStep(target as Module, options, 'Trainer') as unknown as TrainStep<S, B>;
    this.rootKey = rngKey(options.seed ?? 0);
  }

  /** Global step: optimizer updates done. */
  get step(): number {
    return this.globalStep;
  }
  /** Epochs completed (the epoch `fit` runs next). */
  get epoch(): number {
    return this.epochCount;
  }
  /** The first module the step trains. */
  get model(): Module {
    return Object.values(this.modules)[0] as Module;
  }
  /** The modules the step trains, by role. */
  get modules(): Record<string, Module> {
    return this.trainStep.modules();
  }
  /** The step's streaming metrics. */
  get metrics(): Metric[] {
    return this.trainStep.metrics ?? [];
  }
  /** The step's optimizer (the transform of `optimizerState`), when it has one. */
  get optimizer(): GradientTransform | undefined {
    return this.trainStep.optimizer;
  }
  /** The root RNG key of the run. */
  get rngKey(): RngKey {
    return this.rootKey;
  }

  get stopRequested(): boolean {
    return this.stopFlag;
  }
  stop(): void {
    this.stopFlag = true;
  }
  /** Clears a stop request (a new `fit` call runs again). */
  resetStop(): void {
    this.stopFlag = false;
  }

  /**
   * Keep each training step's gradients (steps that compute them: the supervised step) in
   * {@link Trainer.gradients} from the next step on; `false` frees the ones held.
   */
  keepGradients(on: boolean): void {
    this.keepGrads = on;
    if (!on) this.setGradients(null);
  }
  /** The last step's gradients by parameter path while `keepGradients(true)`; valid until the next step, do not dispose. */
  get gradients(): NamedTensors | null {
    return this.lastGradients;
  }
  private setGradients(next: NamedTensors | null): void {
    if (this.lastGradients) disposeTree(this.lastGradients);
    this.lastGradients = next;
  }

  /** The optimizer state (null before the first step). */
  get optimizerState(): StateTree | null {
    return this.state === null ? null : this.trainStep.snapshot(this.state).optimizerState;
  }
  /** Replaces the optimizer state (e.g. a changed learning rate); tensors no longer held are freed. */
  set optimizerState(next: StateTree | null) {
    if (this.state === null || next === null) throw new TesseraError('NOT_BUILT', 'Trainer.optimizerState: no state before the first step');
    const replace = this.trainStep.withOptimizerState;
    if (!replace) throw new TesseraError('UNSUPPORTED', `step "${this.trainStep.name}" does not support replacing its optimizer state`);
    this.state = replace.call(this.trainStep, this.state, next);
  }

  /** Creates the step's state from a batch (builds the modules) when missing; applies a pending restore. */
  ensureReady(batch: B): void {
    if (this.state !== null) return;
    const pending = this.pendingRestore;
    this.pendingRestore = null;
    this.state = pending ? this.trainStep.restore(pending, batch, null) : this.trainStep.init(batch);
    if (pending && (pending as TrainerSnapshot).ownsWeights) disposeWeights(pending);
  }

  /** Check every step for NaN/infinity (see `StepContext.checkFinite`); `fit({ checkFinite })` sets it. */
  checkFinite = false;

  private context(epoch: number): StepContext {
    const ctx: StepContext = { rng: this.rootKey.fold(this.globalStep), step: this.globalStep, epoch };
    if (this.checkFinite) ctx.checkFinite = true;
    if (this.keepGrads) ctx.keepGradients = true;
    return ctx;
  }

  /** One training step on a batch; returns its logs (tensors are the caller's to read and dispose). */
  runStep(batch: B): StepLogs {
    this.ensureReady(batch);
    const out = this.trainStep.step(this.state as S, batch, this.context(this.positionOf?.().epoch ?? this.epochCount));
    this.state = out.state;
    this.globalStep++;
    if (out.gradients) {
      if (this.keepGrads) this.setGradients(out.gradients);
      else disposeTree(out.gradients);
    }
    return out.logs;
  }

  /** One training step; resolves to the batch loss (the `loss` log, read asynchronously). */
  async trainBatch(batch: B): Promise<number> {
    const logs = await readLogs(this.runStep(batch));
    return logs.loss ?? Number.NaN;
  }

  /** Logs of a batch in inference mode (metric updates included); tensors are the caller's. */
  evalStep(batch: B): StepLogs {
    this.ensureReady(batch);
    const ev = this.trainStep.evalStep;
    if (!ev) throw new TesseraError('UNSUPPORTED', `step "${this.trainStep.name}" has no evalStep: it cannot be validated or evaluated`);
    return ev.call(this.trainStep, this.state as S, batch, this.context(this.epochCount));
  }

  /** @internal `fit` reports where it stands in the data (for snapshots taken by callbacks). */
  attachPosition(position: (() => DataPosition) | null): void {
    this.positionOf = position;
  }

  /** @internal `fit` reports its callbacks' states (for snapshots). */
  attachCallbackStates(states: (() => Record<string, StateTree>) | null): void {
    this.callbackStatesOf = states;
  }

  /** @internal The callback states a restored snapshot holds (taken once; the taker owns their tensors). */
  takeCallbackStates(): { states: Record<string, StateTree>; owned: boolean } | null {
    const c = this.pendingCallbacks;
    this.pendingCallbacks = null;
    return c;
  }

  /** @internal `fit` marks an epoch complete. */
  completeEpoch(epoch: number): void {
    this.epochCount = epoch + 1;
  }

  /** @internal The data position a restored snapshot asks the next pass to start from (taken once). */
  takePosition(): DataPosition | null {
    const p = this.pendingPosition;
    this.pendingPosition = null;
    return p;
  }

  /** The current position and state (see {@link TrainerSnapshot}); tensors are live views. */
  snapshot(): TrainerSnapshot {
    if (this.state === null) throw new TesseraError('NOT_BUILT', 'Trainer.snapshot: nothing to save before the first step');
    const pos = this.positionOf?.() ?? { epoch: this.epochCount, stepInEpoch: 0, dataState: null };
    const s = this.trainStep.snapshot(this.state);
    const out: TrainerSnapshot = {
      step: this.globalStep,
      epoch: pos.epoch,
      stepInEpoch: pos.stepInEpoch,
      rngKey: this.rootKey.toJSON(),
      dataState: pos.dataState,
      weights: s.weights,
      optimizerState: s.optimizerState,
    };
    if (s.extra !== undefined) out.extra = s.extra;
    const callbacks = this.callbackStatesOf?.();
    if (callbacks && Object.keys(callbacks).length > 0) out.callbacks = callbacks;
    return out;
  }

  /**
   * Continues from a snapshot: the counters and the RNG key at once; the weights and optimizer
   * state now when the step has run (else right after the next batch builds the modules, or now
   * from `sample`); the data position for the next `fit` pass.
   */
  restore(s: TrainerSnapshot, sample?: B): void {
    this.globalStep = s.step;
    this.epochCount = s.epoch;
    this.rootKey = RngKey.fromJSON(s.rngKey);
    this.pendingPosition = { epoch: s.epoch, stepInEpoch: s.stepInEpoch, dataState: s.dataState };
    this.dropPendingCallbacks();
    this.pendingCallbacks = s.callbacks ? { states: s.callbacks, owned: s.ownsWeights === true } : null;
    if (this.state === null && !sample) {
      this.pendingRestore = s;
      return;
    }
    this.state = this.trainStep.restore(s, sample ?? null, this.state);
    if (s.ownsWeights) disposeWeights(s);
  }

  /** Frees the step's state (the modules and metrics belong to the caller). */
  dispose(): void {
    if (this.state !== null) this.trainStep.dispose(this.state);
    this.state = null;
    if (this.pendingRestore && (this.pendingRestore as TrainerSnapshot).ownsWeights) disposeWeights(this.pendingRestore);
    this.pendingRestore = null;
    this.dropPendingCallbacks();
    this.keepGradients(false);
  }

  private dropPendingCallbacks(): void {
    if (this.pendingCallbacks?.owned) disposeTree(this.pendingCallbacks.states);
    this.pendingCallbacks = null;
  }
}

function disposeWeights(s: StepSnapshot): void {
  disposeTree(s.weights);
}

/**
 * Reads a step's logs: tensors are read asynchronously (together) and disposed; numbers pass through.
 *
 * @example
 * ```ts
 * const values = await readLogs(trainer.runStep(batch)); // { loss: 0.42, ... }
 * ```
 */
export async function readLogs(logs: StepLogs): Promise<Record<string, number>> {
  const keys = Object.keys(logs);
  const out: Record<string, number> = {};
  try {
    const values = await Promise.all(keys.map((k) => (isTensor(logs[k]) ? (logs[k] as Tensor).data() : logs[k])));
    keys.forEach((k, i) => {
      const v = values[i];
      out[k] = typeof v === 'number' ? v : ((v as ArrayLike<number>)[0] as number);
    });
  } finally {
    disposeTree(logs);
  }
  return out;
}
