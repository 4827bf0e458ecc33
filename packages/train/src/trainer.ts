import type {
  Batch,
  GradientTransform,
  IteratorState,
  Loss,
  Metric,
  Module,
  NamedTensors,
  StateTree,
  TensorTree,
  TrainingControl,
} from '@tessera/core';
import { RngKey, rngKey, stateTensors, TesseraError, ValueError } from '@tessera/core';
import type { Scalar, Tensor, Variable } from '@tessera/tensor';
import { add, isTensor, keep, tidy, variableGrads } from '@tessera/tensor';

/**
 * Options of a {@link Trainer}.
 *
 * @example
 * ```ts
 * const options: TrainerOptions = { loss: meanSquaredError(), optimizer: sgd({ learningRate: 0.1 }), metrics: [meanAbsoluteError()], seed: 7 };
 * const trainer = new Trainer(model, options);
 * ```
 */
export interface TrainerOptions {
  /** The loss minimized. */
  loss: Loss;
  /** The gradient transformation (e.g. `adam()`, `sgd()`). */
  optimizer: GradientTransform;
  /** Streaming metrics updated on every batch. */
  metrics?: Metric[];
  /** Seed of the root RNG key; step `s` passes `rng: root.fold(s)` to the model (dropout). */
  seed?: number;
}

/**
 * Everything needed to continue training exactly: weights (parameters and state by name),
 * optimizer state (tensors + JSON skeleton), counters, the RNG key and the data position.
 * Tensors are the live variables/state (valid until the next step): write them out at once.
 *
 * @example
 * ```ts
 * const snap: TrainerSnapshot = trainer.snapshot();
 * console.log(snap.step, snap.epoch, Object.keys(snap.weights));
 * const files = encodeCheckpoint(snap); // write these out before the next step
 * trainer.restore(decodeCheckpoint(files));
 * ```
 */
export interface TrainerSnapshot {
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
  /** Parameters and module state by name. */
  weights: NamedTensors;
  /** The optimizer state tree. */
  optimizerState: StateTree;
  /** True when `weights` were created for this snapshot (a loaded checkpoint): `restore` frees them. */
  ownsWeights?: boolean;
}

function checkBatch(batch: Batch, step: number): void {
  const ok = typeof batch === 'object' && batch !== null && batch.x !== undefined && isTensor(batch.y);
  if (!ok) throw new ValueError(`batch at step ${step}`, 'an object { x, y: Tensor, sampleWeight? }', batch);
}

function lossName(loss: Loss): string {
  return loss.lossName ?? (loss.name || 'loss');
}

/**
 * Holds a model, its optimizer state, the step/epoch counters and the RNG key, and runs
 * train/eval steps inside memory scopes. `fit` drives one; callbacks receive it as their
 * `TrainingControl` (and may read `optimizerState`, `snapshot()` and `restore()`).
 *
 * @example
 * ```ts
 * const trainer = new Trainer(model, { loss: mse, optimizer: sgd({ learningRate: 0.1 }), seed: 1 });
 * const loss = await trainer.trainBatch({ x, y });
 * ```
 */
export class Trainer implements TrainingControl {
  readonly model: Module;
  readonly loss: Loss;
  readonly optimizer: GradientTransform;
  metrics: Metric[];
  step = 0;
  epoch = 0;
  stepInEpoch = 0;
  rootKey: RngKey;
  /** Data position at the start of the current epoch (see {@link TrainerSnapshot}). */
  epochDataState: IteratorState | null = null;
  /** Set by the loop when the current epoch's batches are all done. */
  epochFinished = false;
  /** Reads the data position after a finished epoch (set by `fit`). */
  nextDataState: () => IteratorState | null = () => null;
  /** Data position to restore before the next pass (set by `restore`). */
  pendingDataState: IteratorState | null = null;
  private optState: StateTree | null = null;
  private pendingSnapshot: TrainerSnapshot | null = null;
  private stopFlag = false;

  constructor(model: Module, options: TrainerOptions) {
    if (typeof options.loss !== 'function') throw new ValueError('Trainer loss', 'a loss function (yTrue, yPred) => Tensor', options.loss);
    if (!options.optimizer || typeof options.optimizer.update !== 'function') {
      throw new ValueError('Trainer optimizer', 'a GradientTransform { init, update }', options.optimizer);
    }
    this.model = model;
    this.loss = options.loss;
    this.optimizer = options.optimizer;
    this.metrics = options.metrics ?? [];
    this.rootKey = rngKey(options.seed ?? 0);
  }

  get stopRequested(): boolean {
    return this.stopFlag;
  }
  stop(): void {
    this.stopFlag = true;
  }
  /** Clears a previous stop request (a new `fit` call starts running again). */
  resetStop(): void {
    this.stopFlag = false;
  }

  /** The optimizer state (created on the first step). */
  get optimizerState(): StateTree | null {
    return this.optState;
  }
  /** Replaces the optimizer state (e.g. a changed learning rate); tensors no longer referenced are freed. */
  set optimizerState(next: StateTree | null) {
    this.replaceState(next);
  }

  private replaceState(next: StateTree | null): void {
    const old = this.optState;
    this.optState = next;
    if (old === null) return;
    const live = new Set(next === null ? [] : stateTensors(next));
    for (const t of stateTensors(old)) if (!live.has(t) && !t.isDisposed) t.dispose();
  }

  /** Builds the model (one forward pass in a scope) and the optimizer state when missing. */
  ensureReady(x: TensorTree): void {
    const m = this.model;
    const unbuilt = m.built === false || (m.built === undefined && Object.keys(m.parameters()).length === 0);
    if (unbuilt) tidy(() => void m.call(x, { training: false }));
    const pending = this.pendingSnapshot;
    this.pendingSnapshot = null;
    if (pending) this.applyWeights(pending);
    if (this.optState === null) this.optState = this.optimizer.init(this.model.parameters());
  }

  /**
   * One optimizer step on a batch, inside one scope. Returns the scalar loss tensor (the caller
   * disposes it); updates the metrics with the batch's predictions.
   */
  stepTensor(batch: Batch): Tensor {
    checkBatch(batch, this.step);
    this.ensureReady(batch.x);
    const params = this.model.parameters();
    const varNames: Record<string, string> = {};
    const vars: Variable[] = [];
    for (const [name, v] of Object.entries(params)) {
      if (!v.trainable) continue;
      varNames[v.name] = name;
      vars.push(v);
    }
    if (vars.length === 0) throw new TesseraError('VALUE', `model "${this.model.name}" has no trainable parameters`);
    const rng = this.rootKey.fold(this.step);
    let pred: Tensor | null = null;
    const run = () =>
      tidy(() => {
        const { value, grads } = variableGrads(() => {
          const p = this.model.call(batch.x, { training: true, rng });
          if (!isTensor(p)) throw new ValueError(`model "${this.model.name}" output`, 'one tensor (losses take a single prediction)', p);
          pred = keep(p);
          let l = this.computeLoss(batch, p);
          const reg = this.model.regularizationLoss?.();
          if (reg) l = add(l, reg);
          return l as Scalar;
        }, vars);
        const named: NamedTensors = {};
        for (const [vname, g] of Object.entries(grads)) named[varNames[vname] as string] = g;
        const [updates, next] = this.optimizer.update(named, this.optState as StateTree, params);
        for (const [name, u] of Object.entries(updates)) {
          const v = params[name];
          if (!v) throw new ValueError('optimizer update', `a parameter name of model "${this.model.name}"`, name);
          v.assign(add(v, u));
        }
        for (const t of stateTensors(next)) keep(t);
        this.replaceState(next);
        return value;
      });
    let lossValue: Tensor;
    try {
      lossValue = run();
    } catch (err) {
      (pred as Tensor | null)?.dispose();
      throw err;
    }
    const p = pred as Tensor | null;
    try {
      if (p && this.metrics.length) for (const m of this.metrics) m.update(batch.y as Tensor, p, batch.sampleWeight);
    } finally {
      p?.dispose();
    }
    this.step++;
    this.stepInEpoch++;
    return lossValue;
  }

  /** One optimizer step; resolves to the batch loss (read asynchronously). */
  async trainBatch(batch: Batch): Promise<number> {
    const t = this.stepTensor(batch);
    try {
      return (await t.data())[0] as number;
    } finally {
      t.dispose();
    }
  }

  /** Loss (and metric updates) of a batch in inference mode; returns the scalar loss tensor. */
  evalTensor(batch: Batch, metrics: Metric[] = this.metrics): Tensor {
    checkBatch(batch, this.step);
    this.ensureReady(batch.x);
    return tidy(() => {
      const p = this.model.call(batch.x, { training: false });
      if (!isTensor(p)) throw new ValueError(`model "${this.model.name}" output`, 'one tensor', p);
      for (const m of metrics) m.update(batch.y as Tensor, p, batch.sampleWeight);
      return this.computeLoss(batch, p);
    });
  }

  private computeLoss(batch: Batch, p: Tensor): Tensor {
    const y = batch.y as Tensor;
    try {
      return this.loss(y, p, batch.sampleWeight);
    } catch (err) {
      const shape = isTensor(y) ? `[${y.shape.join(', ')}]` : typeof y;
      throw new TesseraError(
        'SHAPE',
        `loss "${lossName(this.loss)}": batch targets y of shape ${shape} do not fit predictions of shape [${p.shape.join(', ')}] ` +
          `from model "${this.model.name}": ${(err as Error).message}`,
        { cause: err },
      );
    }
  }

  /** Frees the optimizer state (the model and the metrics belong to the caller). */
  dispose(): void {
    this.replaceState(null);
  }

  /** The current position and state (see {@link TrainerSnapshot}); tensors are live views. */
  snapshot(): TrainerSnapshot {
    if (this.optState === null) throw new TesseraError('NOT_BUILT', 'Trainer.snapshot: nothing to save before the first step');
    const finished = this.epochFinished;
    return {
      step: this.step,
      epoch: finished ? this.epoch + 1 : this.epoch,
      stepInEpoch: finished ? 0 : this.stepInEpoch,
      rngKey: this.rootKey.toJSON(),
      dataState: finished ? this.nextDataState() : this.epochDataState,
      weights: { ...this.model.state(), ...this.model.parameters() },
      optimizerState: this.optState,
    };
  }

  /**
   * Continues from a snapshot: assigns the weights (by name; the model must be built or is
   * built from `sample`), takes ownership of its optimizer-state tensors, sets the counters,
   * the RNG key and the data position to restore before the next pass.
   */
  restore(s: TrainerSnapshot, sample?: TensorTree): void {
    this.step = s.step;
    this.epoch = s.epoch;
    this.stepInEpoch = s.stepInEpoch;
    this.rootKey = RngKey.fromJSON(s.rngKey);
    this.pendingDataState = s.dataState;
    this.epochFinished = false;
    const m = this.model;
    const unbuilt = m.built === false || (m.built === undefined && Object.keys(m.parameters()).length === 0);
    if (unbuilt && !sample) {
      this.pendingSnapshot = s; // applied right after the first forward pass builds the model
      return;
    }
    if (sample) this.ensureReady(sample);
    this.applyWeights(s);
  }

  private applyWeights(s: TrainerSnapshot): void {
    const vars = { ...this.model.state(), ...this.model.parameters() };
    const missing = Object.keys(vars).filter((k) => !(k in s.weights));
    if (missing.length) throw new ValueError('Trainer.restore weights', `tensors for ${missing.join(', ')}`, Object.keys(s.weights));
    for (const [name, v] of Object.entries(vars)) {
      const t = s.weights[name] as Tensor;
      if (t.shape.join() !== v.shape.join()) {
        throw new TesseraError(
          'SHAPE',
          `Trainer.restore "${name}": expected shape [${v.shape.join(', ')}], received [${t.shape.join(', ')}]`,
        );
      }
      v.assign(t);
    }
    if (s.ownsWeights) for (const t of Object.values(s.weights)) t.dispose();
    this.replaceState(s.optimizerState);
  }
}
