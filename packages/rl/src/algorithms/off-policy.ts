import { Prng, ValueError } from '@tessera/core';
import { PrioritizedReplayBuffer } from '../buffers/prioritized-replay-buffer.js';
import { ReplayBuffer } from '../buffers/replay-buffer.js';
import { checkSchedule, type NumberOrSchedule, scheduleToJSON } from '../common/schedule.js';
import { type AlgorithmOptions, BaseAlgorithm } from './base-algorithm.js';
import type { ExperienceBatch } from './experience.js';
import { definedOnly } from './on-policy.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of the off-policy algorithms ({@link DQN}, {@link SAC}), Stable-Baselines3's names in camelCase.
 *
 * @example
 * ```ts
 * const options: OffPolicyOptions = { bufferSize: 100_000, learningStarts: 1000, batchSize: 64, trainFreq: 256, gradientSteps: 128 };
 * ```
 */
export interface OffPolicyOptions extends AlgorithmOptions {
  /** Learning rate: a number or a schedule of the progress remaining. */
  learningRate?: NumberOrSchedule;
  /** Replay buffer capacity in transitions. */
  bufferSize?: number;
  /** Environment steps of uniformly random actions before training starts. */
  learningStarts?: number;
  /** Transitions per gradient step. */
  batchSize?: number;
  /** Polyak coefficient of the target networks (1: hard copy). */
  tau?: number;
  /** Discount factor. */
  gamma?: number;
  /** Vector-environment steps between training phases. */
  trainFreq?: number;
  /** Gradient steps per training phase (-1: as many as environment steps were collected). */
  gradientSteps?: number;
  /** Prioritized replay (Schaul et al. 2016) instead of uniform: `alpha`, and `beta` annealed linearly to 1. */
  prioritizedReplay?: { alpha?: number; beta?: number } | false;
}

/**
 * Resolved hyperparameters shared by the off-policy algorithms (saved with the policy).
 *
 * @example
 * ```ts
 * const h: OffPolicyHyperparameters = { learningRate: 1e-3, bufferSize: 1e6, learningStarts: 100, batchSize: 256, tau: 0.005,
 *   gamma: 0.99, trainFreq: 1, gradientSteps: 1, prioritizedReplay: false };
 * ```
 */
export interface OffPolicyHyperparameters {
  learningRate: NumberOrSchedule;
  bufferSize: number;
  learningStarts: number;
  batchSize: number;
  tau: number;
  gamma: number;
  trainFreq: number;
  gradientSteps: number;
  prioritizedReplay: { alpha: number; beta: number } | false;
}

/**
 * An off-policy batch: no tensors (the step samples the replay buffer itself), the number of
 * gradient steps to take (0 while `learningStarts` has not been reached) and the progress.
 *
 * @example
 * ```ts
 * const batch: OffPolicyBatch = { x: {}, y: {}, timesteps: 1256, progressRemaining: 0.97, gradientSteps: 128 };
 * ```
 */
export interface OffPolicyBatch extends ExperienceBatch {
  gradientSteps: number;
}

const positiveInt = (v: unknown, where: string): number => {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) throw new ValueError(where, 'a positive integer', v);
  return v;
};

/**
 * The off-policy base (Stable-Baselines3's `OffPolicyAlgorithm`): a replay buffer and experience
 * collection. Each batch `fit` trains on is `trainFreq` steps of every environment — random
 * actions before `learningStarts`, the subclass's exploratory actions after — stored with the
 * true final observation of episodes that ended (a time limit is stored as a non-terminal
 * transition, so the target bootstraps through it), followed by `gradientSteps` updates sampled
 * from the buffer in the subclass's step.
 *
 * @example
 * ```ts
 * class MyQLearning extends OffPolicyAlgorithm { ... } // explore() and a trainStep() over OffPolicyBatch
 * ```
 */
export abstract class OffPolicyAlgorithm extends BaseAlgorithm {
  readonly buffer: ReplayBuffer;
  protected readonly common: OffPolicyHyperparameters;
  protected readonly observationSize: number;
  /** Random source of exploration (ε-greedy draws, policy noise while collecting). */
  protected readonly rng: Prng;
  private lastObs: Float32Array | null = null;

  constructor(env: EnvInput, options: OffPolicyOptions, defaults: OffPolicyHyperparameters, name: string) {
    super(env, options);
    const o = { ...defaults, ...definedOnly(options) } as OffPolicyHyperparameters;
    const fraction = (v: number, where: string) => {
      if (!(typeof v === 'number' && v >= 0 && v <= 1)) throw new ValueError(where, 'a number in [0, 1]', v);
      return v;
    };
    if (!(Number.isInteger(o.learningStarts) && o.learningStarts >= 0))
      throw new ValueError(`${name} learningStarts`, 'an integer >= 0', o.learningStarts);
    if (!(Number.isInteger(o.gradientSteps) && (o.gradientSteps >= 1 || o.gradientSteps === -1)))
      throw new ValueError(`${name} gradientSteps`, 'a positive integer or -1', o.gradientSteps);
    const per = o.prioritizedReplay ? { alpha: o.prioritizedReplay.alpha ?? 0.6, beta: o.prioritizedReplay.beta ?? 0.4 } : false;
    this.common = {
      learningRate: checkSchedule(o.learningRate, `${name} learningRate`),
      bufferSize: positiveInt(o.bufferSize, `${name} bufferSize`),
      learningStarts: o.learningStarts,
      batchSize: positiveInt(o.batchSize, `${name} batchSize`),
      tau: fraction(o.tau, `${name} tau`),
      gamma: fraction(o.gamma, `${name} gamma`),
      trainFreq: positiveInt(o.trainFreq, `${name} trainFreq`),
      gradientSteps: o.gradientSteps,
      prioritizedReplay: per,
    };
    const obsShape = this.env.observationSpace.shape;
    this.observationSize = obsShape.reduce((a, b) => a * b, 1);
    const bufferOptions = {
      capacity: this.common.bufferSize,
      observationSize: this.observationSize,
      actionSize: this.actionSize(),
      numEnvs: this.env.numEnvs,
      seed: this.seed,
    };
    this.buffer = per ? new PrioritizedReplayBuffer({ ...bufferOptions, alpha: per.alpha }) : new ReplayBuffer(bufferOptions);
    this.rng = new Prng(this.seed, 1);
  }

  /** Numbers stored per action (1 for a Discrete index, the Box size otherwise). */
  protected abstract actionSize(): number;
  /**
   * Exploratory actions for the environments' observations `[nEnvs · observationSize]`: what the
   * environments get and what the buffer stores (e.g. SAC stores the squashed action in [−1, 1]).
   */
  protected abstract explore(observations: Float32Array): { env: Array<number | Float32Array>; stored: Float32Array };
  /** Uniformly random actions (before `learningStarts`), as the environments get them and as stored. */
  protected abstract randomActions(): { env: Array<number | Float32Array>; stored: Float32Array };
  /** Called after every vector-environment step (DQN updates its target network and ε here). */
  protected afterEnvStep(_totalTimesteps: number): void {}

  protected get timestepsPerBatch(): number {
    return this.common.trainFreq * this.env.numEnvs;
  }

  protected startLearning(reset: boolean): void {
    if (!reset && this.lastObs) return;
    this.lastObs = this.env.reset({ seed: this.seed }).observations;
    this.env.actionSpace.seed(this.seed);
  }

  /** `trainFreq` steps of every environment into the buffer; the batch says how many updates follow. */
  protected collect(totalTimesteps: number): OffPolicyBatch | null {
    if (this.numTimesteps >= totalTimesteps || !this.lastObs) return null;
    const n = this.env.numEnvs;
    const size = this.observationSize;
    let steps = 0;
    while (steps < this.common.trainFreq && this.numTimesteps < totalTimesteps) {
      const obs = this.lastObs as Float32Array;
      const actions = this.numTimesteps < this.common.learningStarts ? this.randomActions() : this.explore(obs);
      const r = this.env.step(actions.env as never);
      this.numTimesteps += n;
      steps++;
      this.episodes.update(r.infos);
      // the buffer gets the observation each step really produced: the final one where an episode ended
      const next = Float32Array.from(r.observations);
      for (let i = 0; i < n; i++) {
        const final = r.infos[i]?.finalObservation as ArrayLike<number> | undefined;
        if ((r.terminated[i] || r.truncated[i]) && final) next.set(final, i * size);
      }
      this.buffer.add({
        observations: obs,
        actions: actions.stored,
        rewards: r.rewards,
        nextObservations: next,
        terminated: r.terminated,
        truncated: r.truncated,
      });
      this.lastObs = r.observations;
      this.afterEnvStep(totalTimesteps);
    }
    const learning = this.numTimesteps > this.common.learningStarts;
    const gradientSteps = !learning ? 0 : this.common.gradientSteps >= 0 ? this.common.gradientSteps : steps * n;
    return { x: {}, y: {}, timesteps: this.numTimesteps, progressRemaining: 1 - this.numTimesteps / totalTimesteps, gradientSteps };
  }

  /** The importance-sampling exponent now (annealed linearly from `beta` to 1 over the run), for prioritized replay. */
  protected beta(progressRemaining: number): number {
    const per = this.common.prioritizedReplay;
    return per ? per.beta + (1 - per.beta) * (1 - progressRemaining) : 1;
  }

  /** The shared hyperparameters as JSON. */
  protected commonJSON(): Record<string, unknown> {
    return { ...this.common, learningRate: scheduleToJSON(this.common.learningRate), nEnvs: this.env.numEnvs };
  }
}
