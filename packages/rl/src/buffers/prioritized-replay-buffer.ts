import { ValueError } from '@tessera/core';
import { ReplayBuffer, type ReplayBufferOptions, type ReplaySample } from './replay-buffer.js';
import { SumTree } from './sum-tree.js';

/**
 * Options of {@link PrioritizedReplayBuffer}.
 *
 * @example
 * ```ts
 * const options: PrioritizedReplayOptions = { capacity: 100_000, observationSize: 4, actionSize: 1, alpha: 0.6, seed: 0 };
 * ```
 */
export interface PrioritizedReplayOptions extends ReplayBufferOptions {
  /** How much prioritization is used: 0 is uniform (default 0.6, Schaul et al. 2016). */
  alpha?: number;
  /** Added to |TD error| so no transition gets probability 0 (default 1e-6). */
  epsilon?: number;
}

/**
 * Proportional prioritized experience replay (Schaul et al. 2016) on a {@link SumTree}: transition
 * `i` is drawn with probability `p_i^α / Σ p^α`, new transitions get the largest priority seen,
 * sampling is stratified (one draw per equal segment of the total), and each draw carries the
 * importance weight `(N · P(i))^-β / max_j w_j`. Update priorities with the new |TD errors|.
 *
 * @example
 * ```ts
 * const buffer = new PrioritizedReplayBuffer({ capacity: 50_000, observationSize: 4, actionSize: 1, seed: 0 });
 * const batch = buffer.sample(32, { beta: 0.4 });  // batch.weights scale the per-sample loss
 * buffer.updatePriorities(batch.indices, tdErrors); // |δ| per sampled transition
 * ```
 */
export class PrioritizedReplayBuffer extends ReplayBuffer {
  readonly alpha: number;
  readonly epsilon: number;
  private readonly tree: SumTree;
  private maxPriority = 1;

  constructor(options: PrioritizedReplayOptions) {
    super(options);
    this.alpha = options.alpha ?? 0.6;
    this.epsilon = options.epsilon ?? 1e-6;
    if (!(this.alpha >= 0)) throw new ValueError('PrioritizedReplayBuffer alpha', 'a number >= 0', options.alpha);
    if (!(this.epsilon > 0)) throw new ValueError('PrioritizedReplayBuffer epsilon', 'a number > 0', options.epsilon);
    this.tree = new SumTree(this.rows * this.numEnvs);
  }

  protected override onAdd(slot: number, count: number): void {
    const p = this.maxPriority ** this.alpha;
    for (let i = 0; i < count; i++) this.tree.set(slot + i, p);
  }

  /** The sampling probability of slot `i`. */
  probability(i: number): number {
    return this.tree.get(i) / this.tree.total();
  }

  /** Draws `batchSize` transitions in proportion to their priorities; `beta` (default 0.4) sets the weights' correction. */
  override sample(batchSize: number, options: { beta?: number } = {}): ReplaySample {
    if (!(Number.isInteger(batchSize) && batchSize >= 1))
      throw new ValueError('PrioritizedReplayBuffer.sample batchSize', 'a positive integer', batchSize);
    const beta = options.beta ?? 0.4;
    if (!(beta >= 0)) throw new ValueError('PrioritizedReplayBuffer.sample beta', 'a number >= 0', beta);
    const n = this.size();
    if (n === 0) throw new ValueError('PrioritizedReplayBuffer.sample', 'a buffer holding transitions', 'an empty buffer');
    const total = this.tree.total();
    const segment = total / batchSize;
    const indices = new Int32Array(batchSize);
    const weights = new Float32Array(batchSize);
    // the largest weight belongs to the smallest priority
    const maxWeight = (n * (this.tree.min() / total)) ** -beta;
    for (let b = 0; b < batchSize; b++) {
      const i = this.tree.find(Math.min((b + this.rng.next()) * segment, total * (1 - 1e-12)));
      indices[b] = i;
      weights[b] = (n * (this.tree.get(i) / total)) ** -beta / maxWeight;
    }
    return this.gather(indices, weights);
  }

  /** Sets the priorities of sampled slots from their new |TD errors| (`(|δ| + ε)^α`). */
  updatePriorities(indices: ArrayLike<number>, tdErrors: ArrayLike<number>): void {
    if (indices.length !== tdErrors.length)
      throw new ValueError(
        'PrioritizedReplayBuffer.updatePriorities tdErrors',
        `${indices.length} values (one per index)`,
        tdErrors.length,
      );
    for (let k = 0; k < indices.length; k++) {
      const priority = Math.abs(tdErrors[k] as number) + this.epsilon;
      if (!Number.isFinite(priority))
        throw new ValueError('PrioritizedReplayBuffer.updatePriorities tdErrors', 'finite numbers', tdErrors[k]);
      this.maxPriority = Math.max(this.maxPriority, priority);
      this.tree.set(indices[k] as number, priority ** this.alpha);
    }
  }
}
