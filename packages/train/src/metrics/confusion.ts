import { ShapeError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { cast, expandDims, greater, mul, reshape, scalar, stack, sub, sum } from '@tessera/tensor';
import { StreamingMetric, safeDiv } from './streaming.js';
import { sampleWeights } from './weights.js';

/**
 * Options of {@link precision}, {@link recall} and {@link f1}.
 *
 * @example
 * ```ts
 * const metrics = [precision({ threshold: 0 }), recall({ threshold: 0 }), f1({ threshold: 0, name: 'f1_spam' })]; // logits
 * await fit(model, train, { loss, optimizer, metrics });
 * ```
 */
export interface ConfusionOptions {
  /** Predictions above it count as positive (default 0.5 for probabilities; use 0 for logits). */
  threshold?: number;
  /** Name in the logs (default 'precision', 'recall' or 'f1'). */
  name?: string;
}

type Which = 'precision' | 'recall' | 'f1';

class Confusion extends StreamingMetric {
  constructor(
    private readonly which: Which,
    private readonly threshold: number,
    name: string,
  ) {
    super(name);
  }
  protected stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor {
    if (yTrue.size !== yPred.size) throw new ShapeError(`${this.name} targets`, yPred.shape, yTrue.shape, 'one 0/1 target per prediction');
    const n = yPred.shape[0] ?? 1;
    const w = expandDims(sampleWeights(this.name, n, sampleWeight), 1);
    const p = mul(cast(greater(reshape(yPred, [n, -1]), scalar(this.threshold)), 'float32'), w);
    const t = cast(greater(reshape(yTrue, [n, -1]), scalar(0.5)), 'float32');
    const tp = sum(mul(p, t));
    const predPos = sum(p);
    const truePos = sum(mul(t, w));
    return stack([tp, sub(predPos, tp), sub(truePos, tp)]);
  }
  protected compute(acc: Float32Array): number {
    const [tp, fp, fn] = acc as unknown as [number, number, number];
    const prec = safeDiv(tp, tp + fp);
    const rec = safeDiv(tp, tp + fn);
    if (this.which === 'precision') return prec;
    if (this.which === 'recall') return rec;
    return safeDiv(2 * prec * rec, prec + rec);
  }
}

/**
 * Streaming precision `tp / (tp + fp)` of thresholded predictions (every element is one binary decision).
 *
 * @example
 * ```ts
 * const p = precision({ threshold: 0.5 });
 * ```
 */
export function precision(options: ConfusionOptions = {}): StreamingMetric {
  return new Confusion('precision', options.threshold ?? 0.5, options.name ?? 'precision');
}

/**
 * Streaming recall `tp / (tp + fn)` of thresholded predictions.
 *
 * @example
 * ```ts
 * const r = recall();
 * ```
 */
export function recall(options: ConfusionOptions = {}): StreamingMetric {
  return new Confusion('recall', options.threshold ?? 0.5, options.name ?? 'recall');
}

/**
 * Streaming F1 score `2PR / (P + R)` from the accumulated confusion counts (not a mean of batch F1s).
 *
 * @example
 * ```ts
 * const score = f1({ threshold: 0 }); // logits
 * ```
 */
export function f1(options: ConfusionOptions = {}): StreamingMetric {
  return new Confusion('f1', options.threshold ?? 0.5, options.name ?? 'f1');
}
