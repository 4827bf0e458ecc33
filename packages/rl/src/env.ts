import type { Space } from './spaces/space.js';

/**
 * Extra information an environment returns with a reset or a step (Gymnasium's `info` dict).
 *
 * @example
 * ```ts
 * const info: Info = { episode: { r: 500, l: 500, t: 1.2 } };
 * ```
 */
export type Info = Record<string, unknown>;

/**
 * Options of {@link Env.reset}.
 *
 * @example
 * ```ts
 * env.reset({ seed: 42, options: { low: -0.1, high: 0.1 } });
 * ```
 */
export interface ResetOptions {
  /** Reseeds the environment's random source (the first reset of a run should pass one). */
  seed?: number;
  /** Environment-specific options (e.g. the bounds of the initial state). */
  options?: Record<string, unknown>;
}

/**
 * What {@link Env.reset} returns.
 *
 * @example
 * ```ts
 * const { observation, info }: ResetResult<Float32Array> = env.reset({ seed: 1 });
 * ```
 */
export interface ResetResult<O> {
  observation: O;
  info: Info;
}

/**
 * What {@link Env.step} returns: Gymnasium's `(observation, reward, terminated, truncated, info)`.
 *
 * @example
 * ```ts
 * const { observation, reward, terminated, truncated } = env.step(1);
 * if (terminated || truncated) env.reset();
 * ```
 */
export interface StepResult<O> {
  observation: O;
  reward: number;
  /** The episode ended in a terminal state of the task (no bootstrapping from `observation`). */
  terminated: boolean;
  /** The episode was cut short (time limit) in a non-terminal state. */
  truncated: boolean;
  info: Info;
}

/**
 * The registry facts of an environment, as Gymnasium's `EnvSpec`.
 *
 * @example
 * ```ts
 * const spec: EnvSpec = { id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475 };
 * ```
 */
export interface EnvSpec {
  id: string;
  /** The time limit `make()` wraps the environment in. */
  maxEpisodeSteps?: number;
  /** The mean return at which the task counts as solved. */
  rewardThreshold?: number;
}

/**
 * Gymnasium's environment API: any object with these members works with every algorithm of the package.
 *
 * @example
 * ```ts
 * const env: Env<Float32Array, number> = make('CartPole-v1');
 * let { observation } = env.reset({ seed: 0 });
 * const { reward, terminated, truncated } = env.step(env.actionSpace.sample());
 * ```
 */
export interface Env<O = Float32Array, A = number | Float32Array> {
  readonly observationSpace: Space<O>;
  readonly actionSpace: Space<A>;
  readonly spec?: EnvSpec;
  reset(options?: ResetOptions): ResetResult<O>;
  step(action: A): StepResult<O>;
  close?(): void;
}
