import type { Env, ResetOptions, ResetResult, StepResult } from '../env.js';
import { RunningMeanStd } from './running-stats.js';
import { Wrapper } from './wrapper.js';

/**
 * Gymnasium's `NormalizeObservation`: observations scaled by running statistics,
 * `(obs - mean) / sqrt(var + epsilon)`. Set `training = false` to freeze the statistics (evaluation).
 *
 * @example
 * ```ts
 * const env = new NormalizeObservation(make('Pendulum-v1'));
 * ```
 */
export class NormalizeObservation<A> extends Wrapper<Float32Array, A> {
  readonly stats: RunningMeanStd;
  training = true;

  constructor(
    env: Env<Float32Array, A>,
    readonly epsilon = 1e-8,
  ) {
    super(env);
    this.stats = new RunningMeanStd(env.observationSpace.shape.reduce((a, b) => a * b, 1));
  }

  private normalize(obs: Float32Array): Float32Array {
    if (this.training) this.stats.update([obs]);
    return obs.map((v, i) => (v - (this.stats.mean[i] as number)) / Math.sqrt((this.stats.variance[i] as number) + this.epsilon));
  }

  override reset(options?: ResetOptions): ResetResult<Float32Array> {
    const r = super.reset(options);
    return { ...r, observation: this.normalize(r.observation) };
  }

  override step(action: A): StepResult<Float32Array> {
    const r = super.step(action);
    return { ...r, observation: this.normalize(r.observation) };
  }
}

/**
 * Gymnasium's `NormalizeReward`: rewards divided by the running standard deviation of the
 * discounted return (`gamma`), so their scale stays near 1.
 *
 * @example
 * ```ts
 * const env = new NormalizeReward(make('MountainCarContinuous-v0'), 0.99);
 * ```
 */
export class NormalizeReward<O, A> extends Wrapper<O, A> {
  readonly stats = new RunningMeanStd(1);
  training = true;
  private discounted = 0;

  constructor(
    env: Env<O, A>,
    readonly gamma = 0.99,
    readonly epsilon = 1e-8,
  ) {
    super(env);
  }

  override step(action: A): StepResult<O> {
    const r = super.step(action);
    this.discounted = this.discounted * this.gamma * (r.terminated ? 0 : 1) + r.reward;
    if (this.training) this.stats.update([[this.discounted]]);
    const reward = r.reward / Math.sqrt((this.stats.variance[0] as number) + this.epsilon);
    return { ...r, reward };
  }
}
