import { ValueError } from '@tessera/core';
import type { Env } from '../env.js';
import { make } from '../envs/registry.js';
import type { AnyEnv } from './vec-env.js';

/**
 * Anything with a `predict` (every algorithm of the package).
 *
 * @example
 * ```ts
 * const agent: Predictor = { predict: (obs) => (obs[2] > 0 ? 1 : 0) };
 * ```
 */
export interface Predictor {
  predict(observation: Float32Array, options?: { deterministic?: boolean }): number | Float32Array | Int32Array;
  /** Actions for `[n · observationSize]` observations at once (optional: evaluation of several environments uses it). */
  predictBatch?(observations: Float32Array, options?: { deterministic?: boolean }): Array<number | Float32Array | Int32Array>;
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
  /** Seed of the first reset (environment `i`: `seed + i`; later episodes continue the environment's random stream). */
  seed?: number;
  /** Environments run side by side with an id or a factory (default 10). */
  nEnvs?: number;
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
 * Runs `nEpisodes` whole episodes of `env` with the agent's actions and reports the returns
 * (Stable-Baselines3's `evaluate_policy`). With an id or a factory and an agent with
 * `predictBatch`, up to `nEnvs` (default 10) environments run side by side, one batched forward
 * pass per step; environment `i` runs `floor((nEpisodes + i) / nEnvs)` episodes, as SB3, so the
 * returns are not biased towards short episodes. A single environment object runs them one after the other.
 *
 * @example
 * ```ts
 * const { meanReturn, stdReturn } = evaluatePolicy(ppo, make('CartPole-v1'), { nEpisodes: 100, seed: 1000 });
 * console.log(`${meanReturn} ± ${stdReturn}`);
 * ```
 */
export function evaluatePolicy(agent: Predictor, env: AnyEnv | string | (() => AnyEnv), options: EvaluateOptions = {}): EvaluationResult {
  const nEpisodes = options.nEpisodes ?? 10;
  if (!(Number.isInteger(nEpisodes) && nEpisodes >= 1)) throw new ValueError('evaluatePolicy nEpisodes', 'a positive integer', nEpisodes);
  if (!agent || typeof agent.predict !== 'function')
    throw new ValueError('evaluatePolicy agent', 'an object with predict(observation)', agent);
  const deterministic = options.deterministic ?? true;
  const nEnvs = Math.min(options.nEnvs ?? 10, nEpisodes);
  if (!(Number.isInteger(nEnvs) && nEnvs >= 1)) throw new ValueError('evaluatePolicy nEnvs', 'a positive integer', options.nEnvs);
  if (typeof env !== 'object' && typeof agent.predictBatch === 'function' && nEnvs > 1) {
    const factory = typeof env === 'string' ? () => make(env) as AnyEnv : env;
    return summarize(evaluateSideBySide(agent, factory, nEpisodes, nEnvs, deterministic, options.seed));
  }
  const e = (typeof env === 'string' ? make(env) : typeof env === 'function' ? env() : env) as Env<
    Float32Array,
    number | Float32Array | Int32Array
  >;
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
  return summarize({ returns, lengths });
}

function summarize({ returns, lengths }: { returns: number[]; lengths: number[] }): EvaluationResult {
  const n = returns.length;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(returns.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  return { meanReturn: mean, stdReturn: std, returns, lengths };
}

function evaluateSideBySide(
  agent: Predictor,
  factory: () => AnyEnv,
  nEpisodes: number,
  nEnvs: number,
  deterministic: boolean,
  seed: number | undefined,
): { returns: number[]; lengths: number[] } {
  const envs = Array.from({ length: nEnvs }, () => factory() as Env<Float32Array, number | Float32Array | Int32Array>);
  const targets = envs.map((_, i) => Math.floor((nEpisodes + i) / nEnvs));
  const done = new Array(nEnvs).fill(0);
  const totals = new Array(nEnvs).fill(0);
  const steps = new Array(nEnvs).fill(0);
  const size = envs[0]?.observationSpace.shape.reduce((a, b) => a * b, 1) ?? 0;
  const obs = new Float32Array(nEnvs * size);
  envs.forEach((e, i) => {
    obs.set(e.reset(seed === undefined ? undefined : { seed: seed + i }).observation, i * size);
  });
  const returns: number[] = [];
  const lengths: number[] = [];
  while (done.some((d, i) => d < (targets[i] as number))) {
    const actions = (agent.predictBatch as NonNullable<Predictor['predictBatch']>)(obs, { deterministic });
    envs.forEach((e, i) => {
      if (done[i] >= (targets[i] as number)) return;
      const r = e.step(actions[i] as number | Float32Array | Int32Array);
      totals[i] += r.reward;
      steps[i]++;
      let next = r.observation;
      if (r.terminated || r.truncated) {
        returns.push(totals[i]);
        lengths.push(steps[i]);
        done[i]++;
        totals[i] = 0;
        steps[i] = 0;
        if (done[i] < (targets[i] as number)) next = e.reset().observation;
      }
      obs.set(next, i * size);
    });
  }
  return { returns, lengths };
}
