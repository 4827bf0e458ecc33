import { Prng, ValueError } from '@tessera/core';
import { RolloutBuffer, type RolloutTensors } from '../buffers/rollout-buffer.js';
import { checkSchedule, type NumberOrSchedule, scheduleToJSON } from '../common/schedule.js';
import { type ActorCriticConfig, ActorCriticPolicy, actionSpecOf } from '../policies/actor-critic.js';
import { type AlgorithmOptions, BaseAlgorithm } from './base-algorithm.js';
import type { ExperienceBatch } from './experience.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of the on-policy algorithms ({@link PPO}, {@link A2C}).
 *
 * @example
 * ```ts
 * const options: OnPolicyOptions = { nEnvs: 8, nSteps: 32, gamma: 0.98, gaeLambda: 0.8, learningRate: linearSchedule(1e-3) };
 * ```
 */
export interface OnPolicyOptions extends AlgorithmOptions {
  /** Steps per environment per rollout. */
  nSteps?: number;
  /** Discount factor. */
  gamma?: number;
  /** GAE λ. */
  gaeLambda?: number;
  /** Entropy bonus weight. */
  entCoef?: number;
  /** Value loss weight. */
  vfCoef?: number;
  /** Clip the gradients' global norm to this. */
  maxGradNorm?: number;
  /** Learning rate: a number or a schedule of the progress remaining ({@link linearSchedule}). */
  learningRate?: NumberOrSchedule;
  /** The policy: network sizes, activation, initialization, initial log std (the seed is the algorithm's). */
  policy?: Omit<ActorCriticConfig, 'observationSize' | 'action' | 'seed'>;
}

/**
 * Resolved hyperparameters shared by the on-policy algorithms.
 *
 * @example
 * ```ts
 * const h: OnPolicyHyperparameters = { nSteps: 5, gamma: 0.99, gaeLambda: 1, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, learningRate: 7e-4 };
 * ```
 */
export interface OnPolicyHyperparameters {
  nSteps: number;
  gamma: number;
  gaeLambda: number;
  entCoef: number;
  vfCoef: number;
  maxGradNorm: number;
  learningRate: NumberOrSchedule;
}

const fraction = (v: number, where: string) => {
  if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new ValueError(where, 'a number in [0, 1]', v);
  return v;
};
const nonNegative = (v: number, where: string) => {
  if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new ValueError(where, 'a finite number >= 0', v);
  return v;
};

/**
 * The on-policy base (Stable-Baselines3's `OnPolicyAlgorithm`): an {@link ActorCriticPolicy},
 * a {@link RolloutBuffer} and the rollout collection — `nSteps` steps of every environment with
 * the current policy (Box actions clipped to the bounds for the environment, stored unclipped;
 * MultiDiscrete actions stored as int32 `[n, k]`, each environment given its own `Int32Array` of `k`),
 * episodes cut by a time limit bootstrapped with `γ V(final observation)`, then GAE. Subclasses
 * bring the training step.
 *
 * @example
 * ```ts
 * class MyPG extends OnPolicyAlgorithm { ... } // a trainStep() over rollout batches
 * ```
 */
export abstract class OnPolicyAlgorithm extends BaseAlgorithm {
  readonly policy: ActorCriticPolicy;
  readonly buffer: RolloutBuffer;
  protected readonly common: OnPolicyHyperparameters;
  protected readonly observationSize: number;
  private rng: Prng;
  private predictRng: Prng;
  private lastObs: Float32Array | null = null;
  private lastEpisodeStarts: boolean[] = [];

  constructor(env: EnvInput, options: OnPolicyOptions, defaults: OnPolicyHyperparameters, name: string) {
    super(env, options);
    const o = { ...defaults, ...definedOnly(options) } as OnPolicyHyperparameters & OnPolicyOptions;
    if (!(Number.isInteger(o.nSteps) && o.nSteps >= 1)) throw new ValueError(`${name} nSteps`, 'a positive integer', o.nSteps);
    this.common = {
      nSteps: o.nSteps,
      gamma: fraction(o.gamma, `${name} gamma`),
      gaeLambda: fraction(o.gaeLambda, `${name} gaeLambda`),
      entCoef: nonNegative(o.entCoef, `${name} entCoef`),
      vfCoef: nonNegative(o.vfCoef, `${name} vfCoef`),
      maxGradNorm: nonNegative(o.maxGradNorm, `${name} maxGradNorm`),
      learningRate: checkSchedule(o.learningRate, `${name} learningRate`),
    };
    const obsShape = this.env.observationSpace.shape;
    this.observationSize = obsShape.reduce((a, b) => a * b, 1);
    const action = actionSpecOf(this.env.actionSpace);
    this.policy = new ActorCriticPolicy({ ...(options.policy ?? {}), observationSize: this.observationSize, action, seed: this.seed });
    this.buffer = new RolloutBuffer({
      nSteps: this.common.nSteps,
      nEnvs: this.env.numEnvs,
      observationSize: this.observationSize,
      actionDim: action.kind === 'box' ? action.dim : action.kind === 'multiDiscrete' ? action.nvec.length : 0,
      actionDtype: action.kind === 'box' ? 'float32' : 'int32',
      gamma: this.common.gamma,
      gaeLambda: this.common.gaeLambda,
    });
    this.rng = new Prng(this.seed);
    this.predictRng = new Prng(this.seed + 1);
  }

  protected get timestepsPerBatch(): number {
    return this.common.nSteps * this.env.numEnvs;
  }

  protected startLearning(reset: boolean): void {
    if (!reset && this.lastObs) return;
    this.lastObs = this.env.reset({ seed: this.seed }).observations;
    this.env.actionSpace.seed(this.seed);
    this.lastEpisodeStarts = new Array(this.env.numEnvs).fill(true);
  }

  /** Collects one rollout and returns it as a batch (null once `totalTimesteps` were taken). */
  protected collect(totalTimesteps: number): ExperienceBatch<RolloutTensors> | null {
    if (this.numTimesteps >= totalTimesteps || !this.lastObs) return null;
    const { gamma } = this.common;
    const n = this.env.numEnvs;
    const action = this.policy.config.action;
    const buffer = this.buffer;
    buffer.reset();
    let dones: boolean[] = this.lastEpisodeStarts;
    while (!buffer.full) {
      const obs = this.lastObs;
      const { actions, values, logProbs } = this.policy.act(obs, this.rng);
      const envActions: Array<number | Float32Array | Int32Array> = [];
      if (action.kind === 'discrete') for (let i = 0; i < n; i++) envActions.push(actions[i] as number);
      else if (action.kind === 'multiDiscrete') {
        const k = action.nvec.length;
        for (let i = 0; i < n; i++) envActions.push((actions as Int32Array).slice(i * k, (i + 1) * k));
      } else {
        for (let i = 0; i < n; i++) {
          const a = actions.subarray(i * action.dim, (i + 1) * action.dim) as Float32Array;
          envActions.push(Float32Array.from(a, (v, j) => Math.min(Math.max(v, action.low[j] as number), action.high[j] as number)));
        }
      }
      const r = this.env.step(envActions as never);
      this.numTimesteps += n;
      this.episodes.update(r.infos);
      const rewards = Float64Array.from(r.rewards);
      dones = r.terminated.map((t, i) => t || (r.truncated[i] as boolean));
      // a time limit is not a terminal state: bootstrap from the value of the observation it cut
      for (let i = 0; i < n; i++) {
        if (!(r.truncated[i] && !r.terminated[i])) continue;
        const final = r.infos[i]?.finalObservation as Float32Array | undefined;
        if (final) rewards[i] = (rewards[i] as number) + gamma * (this.policy.valuesOf(final)[0] as number);
      }
      buffer.add(obs, actions, rewards, this.lastEpisodeStarts, values, logProbs);
      this.lastObs = r.observations;
      this.lastEpisodeStarts = dones;
    }
    buffer.computeReturnsAndAdvantage(this.policy.valuesOf(this.lastObs), dones);
    return {
      x: buffer.tensors(),
      y: {},
      timesteps: this.numTimesteps,
      progressRemaining: 1 - this.numTimesteps / totalTimesteps,
    };
  }

  /** The action for one flat observation: Discrete a number, MultiDiscrete an `Int32Array` of `k`, Box a `Float32Array` within the bounds. */
  predict(observation: ArrayLike<number>, options: { deterministic?: boolean } = {}): number | Float32Array | Int32Array {
    if (observation.length !== this.observationSize)
      throw new ValueError(`${this.algorithmName}.predict observation`, `${this.observationSize} values`, observation.length);
    const { actions } = this.policy.act(Float32Array.from(observation), this.predictRng, options.deterministic ?? false);
    const action = this.policy.config.action;
    if (action.kind === 'discrete') return actions[0] as number;
    if (action.kind === 'multiDiscrete') return Int32Array.from(actions);
    return Float32Array.from(actions, (v, j) => Math.min(Math.max(v, action.low[j] as number), action.high[j] as number));
  }

  /** Actions for `[n · observationSize]` observations (Box actions clipped to the bounds; MultiDiscrete: an `Int32Array` each). */
  predictBatch(observations: Float32Array, options: { deterministic?: boolean } = {}): Array<number | Float32Array | Int32Array> {
    if (observations.length % this.observationSize !== 0)
      throw new ValueError(
        `${this.algorithmName}.predictBatch observations`,
        `a multiple of ${this.observationSize} values`,
        observations.length,
      );
    const { actions } = this.policy.act(observations, this.predictRng, options.deterministic ?? false);
    const action = this.policy.config.action;
    const n = observations.length / this.observationSize;
    if (action.kind === 'discrete') return Array.from(actions);
    if (action.kind === 'multiDiscrete') {
      const k = action.nvec.length;
      return Array.from({ length: n }, (_, i) => (actions as Int32Array).slice(i * k, (i + 1) * k));
    }
    return Array.from({ length: n }, (_, i) =>
      Float32Array.from(actions.subarray(i * action.dim, (i + 1) * action.dim), (v, j) =>
        Math.min(Math.max(v, action.low[j] as number), action.high[j] as number),
      ),
    );
  }

  /** The shared hyperparameters as JSON. */
  protected commonJSON(): Record<string, unknown> {
    return { ...this.common, learningRate: scheduleToJSON(this.common.learningRate), nEnvs: this.env.numEnvs, policy: this.policy.config };
  }
}

/** The entries of `o` that are not undefined. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
