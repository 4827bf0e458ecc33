import type { Batch } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';

/**
 * One batch of experience for an algorithm's training step: the tensors it learns from (`x`;
 * `y` is unused and empty) plus the environment steps taken so far and the progress remaining,
 * which schedules read.
 *
 * @example
 * ```ts
 * const batch: ExperienceBatch = { x: buffer.tensors(), y: {}, timesteps: 256, progressRemaining: 0.99 };
 * ```
 */
export interface ExperienceBatch<X extends Record<string, Tensor> = Record<string, Tensor>> extends Batch<X, Record<string, Tensor>> {
  /** Environment steps taken (all environments) when the batch was made. */
  timesteps: number;
  /** `1 - timesteps / totalTimesteps` of the current `learn` call. */
  progressRemaining: number;
}

/**
 * The data `fit` trains an algorithm on: every pass (one `fit` epoch, `perPass` batches, SB3's
 * `log_interval`) asks `next()` for batches — `next` steps the environments with the current
 * policy (an on-policy rollout; an off-policy algorithm's env steps and replay-buffer sample)
 * and returns null once the `learn` call has taken its timesteps. Experience is collected lazily,
 * one batch ahead of nothing: `fit` never pulls a batch it does not train on.
 *
 * @example
 * ```ts
 * const source = new ExperienceSource(() => (algo.numTimesteps < total ? algo.collectRollout() : null), 1);
 * await fit(step, source, { epochs: iterations });
 * ```
 */
export class ExperienceSource implements AsyncIterable<ExperienceBatch> {
  constructor(
    private readonly next: () => ExperienceBatch | null | Promise<ExperienceBatch | null>,
    readonly perPass: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<ExperienceBatch> {
    for (let i = 0; i < this.perPass; i++) {
      const batch = await this.next();
      if (!batch) return;
      yield batch;
    }
  }
}
