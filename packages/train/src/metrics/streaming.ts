import type { Metric, StateTree } from '@tessera/core';
import type { Tensor, Variable } from '@tessera/tensor';
import { add, cast, reshape, tidy, variable, zeros } from '@tessera/tensor';

/**
 * Base of the streaming metrics: accumulators live in non-trainable variables created on the
 * first update (so the live tensor count stays constant afterwards), `update` adds one batch's
 * statistics inside a scope, and `result` reads the accumulators once.
 *
 * @example
 * ```ts
 * class Count extends StreamingMetric {
 *   constructor() { super('count'); }
 *   protected stats(y: Tensor) { return reshape(cast(y.shape[0], 'float32'), [1]); }
 *   protected compute([n]: Float32Array) { return n; }
 * }
 * ```
 */
export abstract class StreamingMetric implements Metric {
  readonly name: string;
  private acc: Variable | null = null;
  /** The result read when the accumulator was freed (until the next update or reset). */
  private final: number | null = null;

  protected constructor(name: string) {
    this.name = name;
  }

  /** One batch's additive statistics (a 1-D float tensor of fixed length). */
  protected abstract stats(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): Tensor;
  /** The metric value from the accumulated statistics. */
  protected abstract compute(acc: Float32Array): number;

  update(yTrue: Tensor, yPred: Tensor, sampleWeight?: Tensor): void {
    tidy(() => {
      const s = reshape(cast(this.stats(yTrue, yPred, sampleWeight), 'float32'), [-1]);
      if (!this.acc) {
        this.acc = variable(zeros(s.shape), false);
        this.final = null;
      }
      this.acc.assign(add(this.acc, s));
    });
  }

  result(): number {
    if (!this.acc) return this.final ?? Number.NaN;
    return this.compute(this.acc.dataSync() as Float32Array);
  }

  reset(): void {
    this.final = null;
    const acc = this.acc;
    if (acc) tidy(() => acc.assign(zeros(acc.shape)));
  }

  /** The accumulator (null before the first update), for checkpoints taken mid-epoch. */
  saveState(): StateTree {
    return { acc: this.acc };
  }

  /** Continues from {@link saveState}'s value; its tensor becomes the metric's accumulator. */
  loadState(state: StateTree): void {
    const acc = (state as { acc?: Tensor | null }).acc;
    this.acc?.dispose();
    this.acc = null;
    this.final = null;
    if (!acc) return;
    this.acc = variable(acc, false);
    acc.dispose();
  }

  dispose(): void {
    if (this.acc) this.final = this.result();
    this.acc?.dispose();
    this.acc = null;
  }
}

/**
 * `num / den`, NaN-free: 0 when the denominator is 0.
 *
 * @example
 * ```ts
 * safeDiv(1, 0); // 0
 * ```
 */
export function safeDiv(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}
