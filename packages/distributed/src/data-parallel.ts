import type { Batch, GradientTransform, Module, NamedTensors, StateTree, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeTree, TesseraError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { applyGradients, isTensor } from '@tessera/tensor';
import type { SupervisedOptions, SupervisedState } from '@tessera/train';
import { supervised } from '@tessera/train';
import { flattenInto, unflatten } from './flat.js';
import type { ProcessGroup } from './process-group.js';
import { batchRows, shardBatch } from './shard.js';
import { assignFlat, broadcastModules } from './sync.js';

/**
 * Options of {@link dataParallel}: the supervised step's, plus the group of replicas.
 *
 * @example
 * ```ts
 * const options: DataParallelOptions = { loss: mse, optimizer: sgd({ learningRate: 0.1 }), group: await initProcessGroup() };
 * ```
 */
export interface DataParallelOptions extends SupervisedOptions {
  /** The replicas (from `initProcessGroup()` of `@tessera/distributed/node`, or {@link singleProcessGroup}). */
  group: ProcessGroup;
  /**
   * Average the models' non-trainable state (batch-norm moving mean and variance) over the ranks
   * after every step, so it stays identical everywhere. Default true.
   */
  syncState?: boolean;
}

/**
 * A growable `Float32Array` reused across steps, so a step allocates no new gradient buffer.
 */
function scratchBuffer(): (n: number) => Float32Array {
  let buf = new Float32Array(0);
  return (n) => {
    if (buf.length < n) {
      const next = new Float32Array(Math.max(n, Math.ceil(buf.length * 1.25)));
      next.set(buf);
      buf = next;
    }
    return buf;
  };
}

/** What the capturing transform saw of the last step's gradients. */
interface Captured {
  names: string[];
  params: NamedTensors;
  length: number;
}

/**
 * Data-parallel supervised training as a `TrainStep` that `fit` drives like any other:
 * every rank of `group` runs the same script on the same global batches, takes its contiguous
 * shard of each batch, computes the gradient of its shard's mean loss, and the gradients
 * (weighted by shard size / global batch size) are summed with one all-reduce before the one
 * optimizer update, identical on every rank. Parameters start from rank 0's (broadcast at build
 * and after a restore), so replicas stay identical; with the same global batches and seed the
 * result equals single-replica training up to float rounding (tested within 1e-5).
 *
 * Logs (`loss` and per-output losses) are the global batch's; `batchSize` reports the global
 * size. Training metrics are updated on each rank's own shard only; validation (`evalStep`) runs on
 * every rank on the full batch. Dropout: each rank folds the step's RNG key with its rank, so
 * masks differ per shard (statistically, not bitwise, the same as one replica). Batch norm
 * normalizes with each shard's own batch statistics (as PyTorch DDP without SyncBatchNorm);
 * with `syncState` the moving mean and variance are averaged over the ranks after each step,
 * which for equal shards makes the moving mean that of the global batch while the moving
 * variance is the mean of the shards' variances (it omits the spread between shard means).
 *
 * @example
 * ```ts
 * const group = await initProcessGroup();          // RANK/WORLD_SIZE/MASTER_ADDR/MASTER_PORT, or threads
 * const step = dataParallel(model, { loss, optimizer: adam(), metrics: [accuracy()], group });
 * await fit(step, train.shuffle({ seed: 1 }).batch(256), {
 *   epochs: 3, seed: 1, callbacks: group.rank === 0 ? [checkpoint('./ckpt')] : [],
 * });
 * group.close();
 * ```
 */
export function dataParallel(model: Module, options: DataParallelOptions): TrainStep<SupervisedState> {
  const group = options.group;
  if (!group || typeof group.allReduce !== 'function') throw new ValueError('dataParallel group', 'a ProcessGroup', group);
  const optimizer = options.optimizer;
  if (!optimizer || typeof optimizer.update !== 'function')
    throw new ValueError('dataParallel optimizer', 'a GradientTransform', optimizer);
  const syncState = options.syncState ?? true;
  const { rank, worldSize } = group;
  const modules = { model };
  const reserve = scratchBuffer();
  let weight = 1;
  let captured: Captured | null = null;

  // The supervised step computes the loss, the gradients and the metrics; its transform only
  // copies the weighted gradients into the step's buffer and changes nothing. The step then
  // appends the state to average and the loss logs, runs ONE all-reduce over the whole buffer,
  // and applies the real optimizer to the summed gradients.
  const capture: GradientTransform = {
    name: optimizer.name,
    init: (params) => optimizer.init(params),
    update(grads, state, params) {
      const names = Object.keys(grads).sort();
      let length = 0;
      for (const n of names) length += (grads[n] as Tensor).size;
      flattenInto(grads, names, reserve(length), 0, weight);
      captured = { names, params: params ?? {}, length };
      return [{}, state];
    },
  };
  const inner = supervised(model, { ...options, optimizer: capture });

  const reduceStep = (opt: StateTree, logs: Record<string, Tensor | number>): { opt: StateTree; logs: Record<string, number> } => {
    const grads = captured;
    captured = null;
    if (!grads) throw new TesseraError('DISTRIBUTED', `dataParallel(${model.name}): the step produced no gradients`);
    const stateVars: NamedTensors = syncState && worldSize > 1 ? model.state() : {};
    const stateNames = Object.keys(stateVars).sort();
    const keys = Object.keys(logs).sort();
    let stateLength = 0;
    for (const n of stateNames) stateLength += (stateVars[n] as Tensor).size;
    const total = grads.length + stateLength + keys.length;
    const buf = reserve(total);
    const logsAt = flattenInto(stateVars, stateNames, buf, grads.length, 1 / worldSize);
    keys.forEach((k, i) => {
      const v = logs[k] as Tensor | number;
      buf[logsAt + i] = (isTensor(v) ? ((v as Tensor).dataSync()[0] as number) : (v as number)) * weight;
    });
    disposeTree(logs as NamedTensors);
    const data = buf.subarray(0, total);
    group.allReduce(data);
    const summed = unflatten(data, grads.names, grads.params);
    let next: StateTree;
    try {
      next = applyGradients(optimizer, opt, grads.params, summed).state;
    } finally {
      for (const t of Object.values(summed)) t.dispose();
    }
    if (stateNames.length) assignFlat(stateVars, data.subarray(grads.length, logsAt), stateNames);
    const out: Record<string, number> = {};
    keys.forEach((k, i) => {
      out[k] = data[logsAt + i] as number;
    });
    return { opt: next, logs: out };
  };

  return {
    name: `dataParallel(${model.name}, ${worldSize} × ${group.transport})`,
    optimizer,
    metrics: inner.metrics,
    modules: () => modules,
    init(batch) {
      const state = inner.init(batch);
      broadcastModules(modules, group);
      return state;
    },
    step(state, batch, ctx) {
      const shard = shardBatch(batch, rank, worldSize);
      weight = shard.size / shard.total;
      let out: ReturnType<typeof inner.step>;
      let reduced: ReturnType<typeof reduceStep>;
      try {
        try {
          out = inner.step(state, shard.batch, worldSize > 1 ? { ...ctx, rng: ctx.rng.fold(rank) } : ctx);
        } finally {
          disposeTree(shard.batch as unknown as NamedTensors);
        }
        reduced = reduceStep(out.state.opt, out.logs);
      } catch (err) {
        // the peers would wait for this rank's next collective: make them throw now. A failed
        // collective has already told them (and names the rank that failed first).
        captured = null;
        if (!(err instanceof TesseraError && err.code === 'DISTRIBUTED')) group.abort(err instanceof Error ? err.message : String(err));
        throw err;
      }
      const { opt, logs } = reduced;
      return out.gradients ? { state: { opt }, logs, gradients: out.gradients } : { state: { opt }, logs };
    },
    evalStep: (state, batch, ctx) => (inner.evalStep ? inner.evalStep(state, batch, ctx) : {}),
    snapshot: (state) => inner.snapshot(state),
    restore(snap: StepSnapshot, batch, previous) {
      const state = inner.restore(snap, batch, previous);
      broadcastModules(modules, group);
      return state;
    },
    withOptimizerState: (state, opt) => (inner.withOptimizerState ? inner.withOptimizerState(state, opt) : { opt }),
    dispose: (state) => inner.dispose(state),
    batchSize: (batch: Batch) => batchRows(batch),
  };
}
