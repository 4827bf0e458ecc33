import { ValueError } from '@tessera/core';
import type { Env } from '../env.js';
import { make } from '../envs/registry.js';

/**
 * Anything with a `predict` (every algorithm of the package).
 *
 * @example
 * ```ts
 * const agent: Predictor = { predict: (obs) => (obs[2] > 0 ? 1 : 0) };
 * ```
 */
export interface Predictor {
  predict(observation: Float32Array, options?: { deterministic?: boolean }): number | Float32Array;
}

/**
 * Options of {@link evaluatePolicy}.
 *
 * @example
 * ```ts
 * const options: EvaluateOptions = { nEpisodes: 100, deterministic: true, seed: 1000 };
 * ```
 */
export interface EvaluateOptions {
  /** Episodes to run (default 10). */
  nEpisodes?: number;
  /** Take the most likely action (default true). */
  deterministic?: boolean;
  /** Seed of the first reset (later episodes continue the environment's random stream). */
  seed?: number;
}

/**
 * What {@link evaluatePolicy} returns.
 *
 * @example
 * ```ts
 * const { meanReturn, stdReturn, returns, lengths }: EvaluationResult = evaluatePolicy(ppo, make('CartPole-v1'));
 * ```
 */
export interface EvaluationResult {
  /** Mean undiscounted return per episode. */
  meanReturn: number;
  /** Population standard deviation of the returns (NumPy's `std`, as SB3's `evaluate_policy`). */
  stdReturn: number;
  /** Each episode's return. */
  returns: number[];
  /** Each episode's length. */
  lengths: number[];
}

/**
 * Runs `nEpisodes` whole episodes of `env` (an id makes it with its time limit) with the agent's
 * actions and reports the returns (Stable-Baselines3's `evaluate_policy`).
 *
 * @example
 * ```ts
 * const { meanReturn, stdReturn } = evaluatePolicy(ppo, make('CartPole-v1'), { nEpisodes: 100, seed: 1000 });
 * console.log(`${meanReturn} ± ${stdReturn}`);
 * ```
 */
export function evaluatePolicy(agent: Predictor, env: Env<Float32Array, never> | string, options: EvaluateOptions = {}): EvaluationResult {
  const nEpisodes = options.nEpisodes ?? 10;
  if (!(Number.isInteger(nEpisodes) && nEpisodes >= 1)) throw new ValueError('evaluatePolicy nEpisodes', 'a positive integer', nEpisodes);
  if (!agent || typeof agent.predict !== 'function')
    throw new ValueError('evaluatePolicy agent', 'an object with predict(observation)', agent);
  const e = (typeof env === 'string' ? make(env) : env) as Env<Float32Array, number | Float32Array>;
  const deterministic = options.deterministic ?? true;
  const returns: number[] = [];
  const lengths: number[] = [];
  for (let k = 0; k < nEpisodes; k++) {
    let { observation } = e.reset(k === 0 && options.seed !== undefined ? { seed: options.seed } : undefined);
    let total = 0;
    let length = 0;
    for (;;) {
      const r = e.step(agent.predict(observation, { deterministic }));
      total += r.reward;
      length++;
      observation = r.observation;
      if (r.terminated || r.truncated) break;
    }
    returns.push(total);
    lengths.push(length);
  }
  const mean = returns.reduce((a, b) => a + b, 0) / nEpisodes;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / nEpisodes);
  return { meanReturn: mean, stdReturn: std, returns, lengths };
}
