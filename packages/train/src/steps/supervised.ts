import type {
  Batch,
  GradientTransform,
  Module,
  StateTree,
  StepContext,
  StepLogs,
  StepOutput,
  StepSnapshot,
  TensorTree,
  TrainStep,
} from '@tessera/core';
import { disposeStale, disposeTree, TesseraError, ValueError } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, applyGradients, tidy, valueAndGrad } from '@tessera/tensor';
import { firstNonFinite, leaves, nonFiniteCause } from './finite.js';
import { ensureBuilt, moduleWeights, restoreModuleWeights, trainableParameters } from './module-weights.js';
import { headLosses, type LossSpec, type MetricSpec, outputHeads, pick } from './outputs.js';

/**
 * Options of {@link supervised}.
 *
 * @example
 * ```ts
 * const options: SupervisedOptions = {
 *   loss: { digit: sparseCategoricalCrossentropy({ fromLogits: true }), size: meanSquaredError() },
 *   lossWeights: { digit: 1, size: 0.1 },
 *   optimizer: adam({ learningRate: 1e-3 }),
 *   metrics: { digit: [accuracy()] },
 * };
 * ```
 */
export interface SupervisedOptions {
  /** The loss (single-output models) or a loss per output (list or record matching the model's outputs and `y`). */
  loss: LossSpec;
  /** Weight of each output's loss in the total (default 1 each); multi-output models only. */
  lossWeights?: number[] | Record<string, number>;
  /** The gradient transformation (e.g. `adam()`, `sgd()`). */
  optimizer: GradientTransform;
  /** Streaming metrics: a list, or a list per output for multi-output models (logged as `<output>_<metric>`). */
  metrics?: MetricSpec;
}

/**
 * State of a {@link supervised} step: the optimizer state (the model's weights live in its variables).
 *
 * @example
 * ```ts
 * const s: SupervisedState = step.init(firstBatch);
 * console.log(flattenState(s.opt).skeleton);
 * ```
 */
export interface SupervisedState {
  opt: StateTree;
}

function checkBatch(batch: Batch, step: number): void {
  const ok = typeof batch === 'object' && batch !== null && batch.x !== undefined && batch.y !== undefined;
  if (!ok) throw new ValueError(`batch at step ${step}`, 'an object { x, y, sampleWeight? }', batch);
}

/**
 * Supervised training as a {@link TrainStep}: forward pass, loss (one per output for multi-output
 * models, plus the model's regularization), gradients of the trainable parameters by path, one
 * optimizer update, and streaming metrics on the batch's predictions — all in one memory scope.
 * `fit(model, data, { loss, optimizer })` builds this step; pass one to `fit` directly to reuse
 * or wrap it.
 *
 * @example
 * ```ts
 * const step = supervised(model, { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adam(), metrics: [accuracy()] });
 * await fit(step, train.batch(128), { epochs: 3, validation: test.batch(1000) });
 * ```
 */
export function supervised(model: Module, options: SupervisedOptions): TrainStep<SupervisedState> {
  if (!model || typeof model.call !== 'function') throw new ValueError('supervised model', 'a Module with call()', model);
  if (!options || (typeof options.loss !== 'function' && (typeof options.loss !== 'object' || options.loss === null))) {
    throw new ValueError('supervised loss', 'a loss function (yTrue, yPred) => Tensor, or one per output', options?.loss);
  }
  const optimizer = options.optimizer;
  if (!optimizer || typeof optimizer.update !== 'function' || typeof optimizer.init !== 'function') {
    throw new ValueError('supervised optimizer', 'a GradientTransform { init, update }', optimizer);
  }
  const { heads, metrics, metricHeads } = outputHeads(options.loss, options.lossWeights, options.metrics);

  const updateMetrics = (batch: Batch, pred: TensorTree) => {
    for (const { metric, key } of metricHeads) {
      metric.update(pick(batch.y, key, 'batch targets y'), pick(pred, key, `model "${model.name}" output`), batch.sampleWeight);
    }
  };

  const step: TrainStep<SupervisedState> = {
    name: `supervised(${model.name})`,
    optimizer,
    metrics,
    modules: () => ({ model }),
    init(batch) {
      checkBatch(batch, 0);
      ensureBuilt(model, batch.x);
      return { opt: optimizer.init(model.parameters()) };
    },
    step(state, batch, ctx: StepContext): StepOutput<SupervisedState> {
      checkBatch(batch, ctx.step);
      const params = trainableParameters(model, 'model');
      // gradients of the trainable parameters by path; intermediates are freed inside
      const { value, grads, aux } = valueAndGrad(
        (): [Scalar, { pred: TensorTree; parts: Record<string, Tensor> }] => {
          const p = model.call(batch.x, { training: true, rng: ctx.rng });
          const losses = headLosses(heads, batch.y, p, batch.sampleWeight, model.name);
          const reg = model.regularizationLoss?.();
          return [(reg ? add(losses.total, reg) : losses.total) as Scalar, { pred: p, parts: losses.parts }];
        },
        { hasAux: true },
      )(params);
      const pred: TensorTree = aux.pred;
      let next: StateTree;
      let keep = false;
      try {
        if (ctx.checkFinite) {
          const bad = firstNonFinite({ loss: value, ...grads });
          if (bad) {
            const cause = nonFiniteCause({ ...leaves(batch.x, 'x'), ...leaves(batch.y, 'y') }, params, grads);
            const what = bad.name === 'loss' ? `the loss is ${bad.value}` : `the gradient of "${bad.name}" holds ${bad.value}`;
            throw new TesseraError('NON_FINITE', `step ${ctx.step} of model "${model.name}": ${what}; first non-finite: ${cause}`);
          }
        }
        next = applyGradients(optimizer, state.opt, params, grads).state;
        keep = ctx.keepGradients === true;
      } catch (err) {
        disposeTree(pred);
        for (const t of [value, ...Object.values(aux.parts)]) t.dispose();
        throw err;
      } finally {
        if (!keep) for (const g of Object.values(grads)) g.dispose();
      }
      const logs: Record<string, Tensor> = { loss: value, ...aux.parts };
      try {
        updateMetrics(batch, pred);
      } finally {
        disposeTree(pred);
      }
      return keep ? { state: { opt: next }, logs, gradients: grads } : { state: { opt: next }, logs };
    },
    evalStep(_state, batch): StepLogs {
      checkBatch(batch, 0);
      return tidy(() => {
        const p = model.call(batch.x, { training: false });
        updateMetrics(batch, p);
        const losses = headLosses(heads, batch.y, p, batch.sampleWeight, model.name);
        return { loss: losses.total, ...losses.parts };
      });
    },
    snapshot: (state) => ({ weights: moduleWeights({ model }), optimizerState: state.opt }),
    restore(snap: StepSnapshot, batch, previous) {
      if (batch) ensureBuilt(model, batch.x);
      restoreModuleWeights({ model }, snap.weights, 'supervised restore');
      if (previous) disposeStale(previous.opt, snap.optimizerState);
      return { opt: snap.optimizerState };
    },
    withOptimizerState(state, opt) {
      disposeStale(state.opt, opt);
      return { opt };
    },
    dispose(state) {
      disposeTree(state.opt);
    },
  };
  return step;
}
