import type { Batch, GradientTransform, Module, NamedTensors, StateTree, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeTree, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { isTensor } from '@tessera/tensor';
import type { SupervisedOptions, SupervisedState } from '@tessera/train';
import { supervised } from '@tessera/train';
import { flatten, unflatten } from './flat.js';
import type { ProcessGroup } from './process-group.js';
import { batchRows, shardBatch } from './shard.js';
import { broadcastModules, syncModuleState } from './sync.js';

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
 * Wraps a transform so that it first sums `scale() × grads` over the group: each rank's gradient
 * of its shard's mean loss, weighted by its share of the global batch, adds up to the gradient of
 * the global batch's mean loss; every rank then runs the same update on the same numbers.
 */
function allReduced(optimizer: GradientTransform, group: ProcessGroup, scale: () => number): GradientTransform {
  const t: GradientTransform = {
    name: optimizer.name,
    init: (params) => optimizer.init(params),
    update(grads, state, params) {
      const { data, names } = flatten(grads, { scale: scale() });
      group.allReduce(data);
      return optimizer.update(unflatten(data, names, grads), state, params);
    },
  };
  if (optimizer.learningRate) t.learningRate = (s) => optimizer.learningRate?.(s);
  if (optimizer.scaleLearningRate) t.scaleLearningRate = (s, f) => optimizer.scaleLearningRate?.(s, f) as StateTree;
  if (optimizer.migrateState) t.migrateState = (s) => optimizer.migrateState?.(s) as StateTree;
  return t;
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
  let weight = 1;
  const optimizer = options.optimizer;
  if (!optimizer || typeof optimizer.update !== 'function')
    throw new ValueError('dataParallel optimizer', 'a GradientTransform', optimizer);
  const inner = supervised(model, { ...options, optimizer: allReduced(optimizer, group, () => weight) });
  const syncState = options.syncState ?? true;
  const { rank, worldSize } = group;
  const modules = { model };

  const reduceLogs = (logs: Record<string, Tensor | number>, w: number): Record<string, number> => {
    const keys = Object.keys(logs).sort();
    const data = new Float32Array(keys.length);
    keys.forEach((k, i) => {
      const v = logs[k] as Tensor | number;
      data[i] = (isTensor(v) ? ((v as Tensor).dataSync()[0] as number) : (v as number)) * w;
    });
    disposeTree(logs as NamedTensors);
    group.allReduce(data);
    const out: Record<string, number> = {};
    keys.forEach((k, i) => {
      out[k] = data[i] as number;
    });
    return out;
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
      try {
        out = inner.step(state, shard.batch, worldSize > 1 ? { ...ctx, rng: ctx.rng.fold(rank) } : ctx);
      } catch (err) {
        group.abort(err instanceof Error ? err.message : String(err));
        throw err;
      } finally {
        disposeTree(shard.batch as unknown as NamedTensors);
      }
      const logs = reduceLogs(out.logs, weight);
      if (syncState && worldSize > 1) syncModuleState(modules, group);
      return { state: out.state, logs };
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
