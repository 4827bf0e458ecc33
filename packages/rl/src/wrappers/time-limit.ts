import { ValueError } from '@tessera/core';
import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `TimeLimit`: `truncated` becomes true on the `maxEpisodeSteps`-th step of an episode.
 *
 * @example
 * ```ts
 * const env = new TimeLimit(new CartPole(), 500);
 * ```
 */
export class TimeLimit<O, A> extends Wrapper<O, A> {
  private elapsed = 0;

  constructor(
    env: Env<O, A>,
    readonly maxEpisodeSteps: number,
  ) {
    super(env);
    if (!(Number.isInteger(maxEpisodeSteps) && maxEpisodeSteps >= 1))
      throw new ValueError('TimeLimit maxEpisodeSteps', 'a positive integer', maxEpisodeSteps);
  }

  override reset(options?: ResetOptions): ResetResult<O> {
    this.elapsed = 0;
    return super.reset(options);
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    this.elapsed += 1;
    return this.elapsed >= this.maxEpisodeSteps ? { ...r, truncated: true } : r;
  }

  /** Steps taken in the current episode. */
  get elapsedSteps(): number {
    return this.elapsed;
  }
}
