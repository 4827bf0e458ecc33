import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor1d, tensor2d } from '@tessera/tensor';

/**
 * Options of a {@link RolloutBuffer}.
 *
 * @example
 * ```ts
 * const options: RolloutBufferOptions = { nSteps: 32, nEnvs: 8, observationSize: 4, actionDim: 0, gamma: 0.98, gaeLambda: 0.8 };
 * const multiDiscrete: RolloutBufferOptions = { ...options, actionDim: 2, actionDtype: 'int32' }; // MultiDiscrete([3, 2])
 * ```
 */
export interface RolloutBufferOptions {
  /** Steps per environment in one rollout. */
  nSteps: number;
  /** Parallel environments. */
  nEnvs: number;
  /** Size of a flat observation. */
  observationSize: number;
  /** 0 for Discrete actions (one integer each), else the size of an action (Box: `dim`; MultiDiscrete: `k` entries). */
  actionDim: number;
  /**
   * How actions are stored: `'int32'` (Discrete, MultiDiscrete) or `'float32'` (Box). Default: int32
   * when `actionDim` is 0, float32 otherwise (a MultiDiscrete needs `actionDim: k, actionDtype: 'int32'`).
   */
  actionDtype?: 'int32' | 'float32';
  /** Discount factor. */
  gamma: number;
  /** GAE λ (1: Monte-Carlo advantages with bootstrapping, as A2C). */
  gaeLambda: number;
}

/**
 * The tensors of a finished rollout, flattened to `nSteps · nEnvs` samples in step-major order.
 *
 * @example
 * ```ts
 * const { observations, actions, advantages, returns } = buffer.tensors();
 * ```
 */
export interface RolloutTensors {
  [key: string]: Tensor;
  observations: Tensor;
  actions: Tensor;
  values: Tensor;
  logProbs: Tensor;
  advantages: Tensor;
  returns: Tensor;
}

/**
 * Stable-Baselines3's `RolloutBuffer`: one rollout of `nSteps` steps of `nEnvs` environments
 * (observations, actions, rewards, episode starts, value estimates and log-probabilities) on the
 * host, then returns and advantages by generalized advantage estimation:
 * `δ_t = r_t + γ V(s_{t+1}) (1 - done) - V(s_t)`, `A_t = δ_t + γ λ (1 - done) A_{t+1}`,
 * `R_t = A_t + V(s_t)`, bootstrapped from the value of the observation after the last step.
 *
 * @example
 * ```ts
 * const buffer = new RolloutBuffer({ nSteps: 5, nEnvs: 8, observationSize: 4, actionDim: 0, gamma: 0.99, gaeLambda: 1 });
 * buffer.add(obs, actions, rewards, episodeStarts, values, logProbs); // × nSteps
 * buffer.computeReturnsAndAdvantage(lastValues, dones);
 * const batch = buffer.tensors();
 * ```
 */
export class RolloutBuffer {
  readonly observations: Float32Array;
  readonly actions: Float32Array | Int32Array;
  readonly rewards: Float64Array;
  readonly episodeStarts: Uint8Array;
  readonly values: Float64Array;
  readonly logProbs: Float32Array;
  readonly advantages: Float64Array;
  readonly returns: Float64Array;
  /** Steps added so far. */
  pos = 0;
  private readonly opts: RolloutBufferOptions;

  constructor(options: RolloutBufferOptions) {
    for (const k of ['nSteps', 'nEnvs', 'observationSize'] as const) {
      const v = options[k];
      if (!(Number.isInteger(v) && v >= 1)) throw new ValueError(`RolloutBuffer ${k}`, 'a positive integer', v);
    }
    if (!(Number.isInteger(options.actionDim) && options.actionDim >= 0))
      throw new ValueError('RolloutBuffer actionDim', 'a non-negative integer', options.actionDim);
    if (!(options.gamma >= 0 && options.gamma <= 1)) throw new ValueError('RolloutBuffer gamma', 'a number in [0, 1]', options.gamma);
    if (!(options.gaeLambda >= 0 && options.gaeLambda <= 1))
      throw new ValueError('RolloutBuffer gaeLambda', 'a number in [0, 1]', options.gaeLambda);
    const actionDtype = options.actionDtype ?? (options.actionDim === 0 ? 'int32' : 'float32');
    if (actionDtype !== 'int32' && actionDtype !== 'float32')
      throw new ValueError('RolloutBuffer actionDtype', "'int32' or 'float32'", options.actionDtype);
    if (options.actionDim === 0 && actionDtype !== 'int32')
      throw new ValueError('RolloutBuffer actionDtype', "'int32' with actionDim 0 (Discrete actions)", actionDtype);
    this.opts = { ...options, actionDtype };
    const n = options.nSteps * options.nEnvs;
    this.observations = new Float32Array(n * options.observationSize);
    const width = Math.max(options.actionDim, 1);
    this.actions = actionDtype === 'int32' ? new Int32Array(n * width) : new Float32Array(n * width);
    this.rewards = new Float64Array(n);
    this.episodeStarts = new Uint8Array(n);
    this.values = new Float64Array(n);
    this.logProbs = new Float32Array(n);
    this.advantages = new Float64Array(n);
    this.returns = new Float64Array(n);
  }

  /** Samples per rollout (`nSteps · nEnvs`). */
  get size(): number {
    return this.opts.nSteps * this.opts.nEnvs;
  }

  /** Whether `nSteps` steps were added. */
  get full(): boolean {
    return this.pos === this.opts.nSteps;
  }

  /** Empties the buffer for the next rollout. */
  reset(): void {
    this.pos = 0;
  }

  /** Adds one step of every environment (each argument holds `nEnvs` entries; observations, Box and MultiDiscrete actions flat, row-major). */
  add(
    observations: ArrayLike<number>,
    actions: ArrayLike<number>,
    rewards: ArrayLike<number>,
    episodeStarts: ArrayLike<boolean | number>,
    values: ArrayLike<number>,
    logProbs: ArrayLike<number>,
  ): void {
    const { nSteps, nEnvs, observationSize, actionDim } = this.opts;
    if (this.pos >= nSteps) throw new ValueError('RolloutBuffer.add', `at most ${nSteps} steps per rollout (reset() first)`, this.pos + 1);
    if (observations.length !== nEnvs * observationSize)
      throw new ValueError('RolloutBuffer.add observations', `${nEnvs * observationSize} values`, observations.length);
    const width = Math.max(actionDim, 1);
    if (actions.length !== nEnvs * width) throw new ValueError('RolloutBuffer.add actions', `${nEnvs * width} values`, actions.length);
    const at = this.pos * nEnvs;
    this.observations.set(observations, at * observationSize);
    this.actions.set(actions, at * width);
    for (let e = 0; e < nEnvs; e++) {
      this.rewards[at + e] = rewards[e] as number;
      this.episodeStarts[at + e] = episodeStarts[e] ? 1 : 0;
      this.values[at + e] = values[e] as number;
      this.logProbs[at + e] = logProbs[e] as number;
    }
    this.pos++;
  }

  /**
   * GAE(λ) advantages and returns of the full buffer, bootstrapped from `lastValues` (the values of
   * the observations after the last step) unless that step ended the episode (`dones`).
   */
  computeReturnsAndAdvantage(lastValues: ArrayLike<number>, dones: ArrayLike<boolean | number>): void {
    const { nSteps, nEnvs, gamma, gaeLambda } = this.opts;
    if (!this.full) throw new ValueError('RolloutBuffer.computeReturnsAndAdvantage', `a full buffer (${nSteps} steps)`, this.pos);
    for (let e = 0; e < nEnvs; e++) {
      let last = 0;
      for (let t = nSteps - 1; t >= 0; t--) {
        const i = t * nEnvs + e;
        const nextNonTerminal = t === nSteps - 1 ? (dones[e] ? 0 : 1) : 1 - (this.episodeStarts[i + nEnvs] as number);
        const nextValue = t === nSteps - 1 ? (lastValues[e] as number) : (this.values[i + nEnvs] as number);
        const delta = (this.rewards[i] as number) + gamma * nextValue * nextNonTerminal - (this.values[i] as number);
        last = delta + gamma * gaeLambda * nextNonTerminal * last;
        this.advantages[i] = last;
        this.returns[i] = last + (this.values[i] as number);
      }
    }
  }

  /**
   * The rollout as tensors (`[size, observationSize]` observations; actions `[size]` int32 (Discrete),
   * `[size, k]` int32 (MultiDiscrete) or `[size, dim]` float32 (Box); `[size]` the rest).
   */
  tensors(): RolloutTensors {
    const { observationSize, actionDim, actionDtype } = this.opts;
    const n = this.size;
    return {
      observations: tensor2d(this.observations, [n, observationSize]),
      actions:
        actionDim === 0
          ? tensor1d(this.actions as Int32Array, 'int32')
          : actionDtype === 'int32'
            ? tensor2d(this.actions as Int32Array, [n, actionDim], 'int32')
            : tensor2d(this.actions as Float32Array, [n, actionDim]),
      values: tensor1d(Float32Array.from(this.values)),
      logProbs: tensor1d(this.logProbs),
      advantages: tensor1d(Float32Array.from(this.advantages)),
      returns: tensor1d(Float32Array.from(this.returns)),
    };
  }
}
