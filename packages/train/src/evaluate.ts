import type { Batch, GradientTransform, Logs, Module, TrainStep } from '@tessera/core';
import { type DataInput, toBatchSource } from './data-source.js';
import { evaluateSource } from './fit.js';
import type { LossSpec, MetricSpec } from './steps/outputs.js';
import { Trainer } from './trainer.js';

/**
 * Options of {@link evaluate}.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = { loss: sparseCategoricalCrossentropy({ fromLogits: true }), metrics: [accuracy()] };
 * ```
 */
export interface EvaluateOptions {
  /** The loss (a model); a loss per output for multi-output models. Not with a `TrainStep`. */
  loss?: LossSpec;
  /** Weights of the per-output losses. */
  lossWeights?: number[] | Record<string, number>;
  /** Streaming metrics (a model). */
  metrics?: MetricSpec;
}

const noUpdate: GradientTransform = { init: () => null, update: (g, s) => [g, s] };

/**
 * Loss and metrics of a model (or any `TrainStep`'s eval step) over `data` in inference mode:
 * sample-weighted means over all batches. The metrics' tensors are freed afterwards (their
 * `result()` stays readable), so calling it in a loop leaks nothing.
 *
 * @example
 * ```ts
 * const { loss, accuracy: acc } = await evaluate(model, test, { loss: ce, metrics: [accuracy()] });
 * ```
 */
export async function evaluate(model: Module | TrainStep<unknown, Batch>, data: DataInput, options: EvaluateOptions = {}): Promise<Logs> {
  const isModel = typeof (model as Module).call === 'function';
  const trainer = new Trainer(
    model,
    isModel ? { loss: options.loss, lossWeights: options.lossWeights, optimizer: noUpdate, metrics: options.metrics } : {},
  );
  try {
    return await evaluateSource(trainer, toBatchSource(data));
  } finally {
    trainer.dispose();
    if (isModel) for (const m of trainer.metrics) m.dispose?.();
  }
}
