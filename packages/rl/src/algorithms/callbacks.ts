import type { Callback, Logs } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Env } from '../env.js';
import { type EvaluationResult, evaluatePolicy, type Predictor } from './evaluate-policy.js';

/**
 * Stops `learn` once the mean training episode return (`ep_rew_mean`, the last 100 episodes)
 * reaches `threshold` (Stable-Baselines3's `StopTrainingOnRewardThreshold`, on the training
 * episodes; pair {@link evalCallback} with a threshold to decide on evaluation episodes instead).
 * `minEpisodes` guards against stopping on a few lucky first episodes.
 *
 * @example
 * ```ts
 * await ppo.learn({ totalTimesteps: 100_000, callbacks: [stopOnRewardThreshold(475)] });
 * ```
 */
export function stopOnRewardThreshold(threshold: number, options: { key?: string } = {}): Callback & { stoppedAt: number | null } {
  if (!Number.isFinite(threshold)) throw new ValueError('stopOnRewardThreshold threshold', 'a finite number', threshold);
  const key = options.key ?? 'ep_rew_mean';
  const cb = {
    stoppedAt: null as number | null,
    onBatchEnd(_step: number, logs: Logs, control: { stop(): void; step: number }) {
      const v = logs[key];
      if (v !== undefined && v >= threshold && cb.stoppedAt === null) {
        cb.stoppedAt = control.step;
        control.stop();
      }
    },
  };
  return cb;
}

/**
 * Options of {@link evalCallback}.
 *
 * @example
 * ```ts
 * const options: EvalCallbackOptions = { every: 10, nEpisodes: 20, threshold: 475 };
 * ```
 */
export interface EvalCallbackOptions {
  /** Evaluate every this many training steps (rollouts) (default 10). */
  every?: number;
  /** Episodes per evaluation (default 5). */
  nEpisodes?: number;
  /** Deterministic actions (default true). */
  deterministic?: boolean;
  /** Stop training once the evaluation's mean return reaches this. */
  threshold?: number;
  /** Seed of each evaluation's first reset (default 0). */
  seed?: number;
}

/**
 * Evaluates the agent on a separate environment every `every` training steps (Stable-Baselines3's
 * `EvalCallback`): the batch logs get `eval_mean_reward`, `eval_std_reward` and
 * `eval_mean_ep_length` after each evaluation, `results` keeps them, and with a `threshold` it
 * stops training once the mean return reaches it.
 *
 * @example
 * ```ts
 * const evaluation = evalCallback(ppo, make('CartPole-v1'), { every: 20, nEpisodes: 10, threshold: 500 });
 * await ppo.learn({ totalTimesteps: 100_000, callbacks: [evaluation] });
 * console.log(evaluation.results.at(-1));
 * ```
 */
export function evalCallback(
  agent: Predictor,
  env: Env<Float32Array, never>,
  options: EvalCallbackOptions = {},
): Callback & { results: Array<EvaluationResult & { step: number }> } {
  const every = options.every ?? 10;
  if (!(Number.isInteger(every) && every >= 1)) throw new ValueError('evalCallback every', 'a positive integer', every);
  const results: Array<EvaluationResult & { step: number }> = [];
  return {
    results,
    onBatchEnd(step, logs, control) {
      if (step % every !== 0) return;
      const r = evaluatePolicy(agent, env, {
        nEpisodes: options.nEpisodes ?? 5,
        deterministic: options.deterministic ?? true,
        seed: options.seed ?? 0,
      });
      results.push({ ...r, step });
      logs.eval_mean_reward = r.meanReturn;
      logs.eval_std_reward = r.stdReturn;
      logs.eval_mean_ep_length = r.lengths.reduce((a, b) => a + b, 0) / r.lengths.length;
      if (options.threshold !== undefined && r.meanReturn >= options.threshold) control.stop();
    },
  };
}
