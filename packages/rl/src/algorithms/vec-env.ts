import { ValueError } from '@tessera/core';
import type { Env } from '../env.js';
import { make } from '../envs/registry.js';
import { SyncVectorEnv } from '../vector/sync-vector-env.js';
import { EpisodeStatistics } from '../wrappers/episode-statistics.js';

/**
 * What an algorithm trains on: a registered id (`'CartPole-v1'`), a factory of environments, one
 * environment object (any object with the {@link Env} API), or a {@link SyncVectorEnv} with
 * `'sameStep'` auto-reset.
 *
 * @example
 * ```ts
 * const a: EnvInput = 'CartPole-v1';
 * const b: EnvInput = () => new GridWorld();
 * const c: EnvInput = new SyncVectorEnv(() => make('CartPole-v1'), 4, 'sameStep');
 * ```
 */
export type EnvInput = string | AnyEnv | (() => AnyEnv) | SyncVectorEnv;

/**
 * An environment with flat observations and Discrete (number), MultiDiscrete (Int32Array) or Box (Float32Array) actions.
 *
 * @example
 * ```ts
 * const env: AnyEnv = make('Pendulum-v1');
 * ```
 */
export type AnyEnv =
  | Env<Float32Array, number>
  | Env<Float32Array, Float32Array>
  | Env<Float32Array, Int32Array>
  | Env<Float32Array, number | Float32Array>
  | Env<Float32Array, number | Float32Array | Int32Array>
  | Env<Float32Array, never>;

/**
 * The vector environment an algorithm steps: `nEnvs` copies (ids and factories), each wrapped in
 * {@link EpisodeStatistics} (the episode returns and lengths behind `ep_rew_mean`/`ep_len_mean`),
 * auto-resetting on the same step as Stable-Baselines3's `VecEnv`. A single environment object
 * needs `nEnvs` 1; a `SyncVectorEnv` is used as given.
 *
 * @example
 * ```ts
 * const envs = makeVecEnv('CartPole-v1', 8);
 * envs.numEnvs; // 8
 * ```
 */
export function makeVecEnv(env: EnvInput, nEnvs = 1): SyncVectorEnv {
  if (!(Number.isInteger(nEnvs) && nEnvs >= 1)) throw new ValueError('nEnvs', 'a positive integer', nEnvs);
  if (env instanceof SyncVectorEnv) {
    if (env.autoreset !== 'sameStep')
      throw new ValueError(
        'env',
        "a SyncVectorEnv with 'sameStep' auto-reset (the algorithms bootstrap from finalObservation)",
        env.autoreset,
      );
    return env;
  }
  const wrap = (e: AnyEnv) => new EpisodeStatistics(e) as unknown as Env<Float32Array, number | Float32Array | Int32Array>;
  if (typeof env === 'string') return new SyncVectorEnv(() => wrap(make(env) as Env<Float32Array, never>), nEnvs, 'sameStep');
  if (typeof env === 'function') return new SyncVectorEnv(() => wrap(env()), nEnvs, 'sameStep');
  const e = env as AnyEnv;
  if (!e || typeof e.reset !== 'function' || typeof e.step !== 'function' || !e.observationSpace || !e.actionSpace)
    throw new ValueError(
      'env',
      'an environment id, a factory, an Env { reset, step, observationSpace, actionSpace } or a SyncVectorEnv',
      env,
    );
  if (nEnvs !== 1) throw new ValueError('nEnvs', '1 with a single environment object (pass a factory for more)', nEnvs);
  return new SyncVectorEnv(() => wrap(e), 1, 'sameStep');
}
