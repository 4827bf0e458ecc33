/**
 * Running mean and variance of vectors (parallel Welford updates, Gymnasium's `RunningMeanStd`),
 * with a state that saves to JSON for exact resume.
 *
 * @example
 * ```ts
 * const rms = new RunningMeanStd(4);
 * rms.update([Float64Array.of(1, 2, 3, 4)]);
 * ```
 */
export class RunningMeanStd {
  mean: Float64Array;
  variance: Float64Array;
  count: number;

  constructor(
    readonly size: number,
    epsilon = 1e-4,
  ) {
    this.mean = new Float64Array(size);
    this.variance = new Float64Array(size).fill(1);
    this.count = epsilon;
  }

  /** Folds a batch of vectors into the statistics. */
  update(batch: ArrayLike<number>[]): void {
    const n = batch.length;
    if (n === 0) return;
    const bMean = new Float64Array(this.size);
    for (const x of batch) for (let i = 0; i < this.size; i++) (bMean[i] as number) += (x[i] as number) / n;
    const bVar = new Float64Array(this.size);
    for (const x of batch) for (let i = 0; i < this.size; i++) (bVar[i] as number) += ((x[i] as number) - (bMean[i] as number)) ** 2 / n;
    const total = this.count + n;
    for (let i = 0; i < this.size; i++) {
      const delta = (bMean[i] as number) - (this.mean[i] as number);
      const m2 = (this.variance[i] as number) * this.count + (bVar[i] as number) * n + (delta * delta * this.count * n) / total;
      this.mean[i] = (this.mean[i] as number) + (delta * n) / total;
      this.variance[i] = m2 / total;
    }
    this.count = total;
  }

  toJSON(): { mean: number[]; variance: number[]; count: number } {
    return { mean: Array.from(this.mean), variance: Array.from(this.variance), count: this.count };
  }

  /** Restores a state saved with `toJSON()`. */
  load(state: { mean: number[]; variance: number[]; count: number }): void {
    this.mean = Float64Array.from(state.mean);
    this.variance = Float64Array.from(state.variance);
    this.count = state.count;
  }
}
