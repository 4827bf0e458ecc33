import type { GradientTransform, StateTree, StepContext, StepLogs, StepOutput, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeStale, disposeTree, ValueError } from '@tessera/core';
import type { ActivationName } from '@tessera/layers';
import { adam, chain, clipByGlobalNorm } from '@tessera/optimizers';
import type { Scalar, Tensor } from '@tessera/tensor';
import { abs, applyGradients, dispose, mean, stack, sub, tensor1d, tensor2d, tidy, valueAndGrad } from '@tessera/tensor';
import { restoreModuleWeights } from '@tessera/train';
import type { PrioritizedReplayBuffer } from '../buffers/prioritized-replay-buffer.js';
import { scheduleFromJSON, scheduleValue } from '../common/schedule.js';
import { polyakUpdate } from '../common/target-network.js';
import { linearExploration } from '../dqn/exploration.js';
import { qLoss } from '../dqn/q-loss.js';
import { dqnTargets, selectActions } from '../dqn/targets.js';
import { QNetworkPolicy } from '../policies/q-network.js';
import type { Discrete } from '../spaces/discrete.js';
import { type AlgorithmIO, parseSavedConfig, readSaved, type SavedAlgorithm } from './base-algorithm.js';
import { OffPolicyAlgorithm, type OffPolicyBatch, type OffPolicyOptions } from './off-policy.js';
import { definedOnly } from './on-policy.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of {@link DQN} (Stable-Baselines3's, camelCase; the defaults are SB3's).
 *
 * @example
 * ```ts
 * // rl-baselines3-zoo's CartPole-v1
 * const options: DQNOptions = {
 *   learningRate: 2.3e-3, batchSize: 64, bufferSize: 100_000, learningStarts: 1000, gamma: 0.99,
 *   targetUpdateInterval: 10, trainFreq: 256, gradientSteps: 128, explorationFraction: 0.16,
 *   explorationFinalEps: 0.04, policy: { netArch: [256, 256] },
 * };
 * ```
 */
export interface DQNOptions extends OffPolicyOptions {
  /** Environment steps between target network updates (default 10,000). */
  targetUpdateInterval?: number;
  /** Share of the run over which ε decays (default 0.1). */
  explorationFraction?: number;
  /** ε at the start (default 1). */
  explorationInitialEps?: number;
  /** ε after the decay (default 0.05). */
  explorationFinalEps?: number;
  /** Clip the gradients' global norm to this (default 10). */
  maxGradNorm?: number;
  /** Double DQN targets (van Hasselt et al. 2016): the online network picks the next action (default false, as SB3). */
  doubleQ?: boolean;
  /** The Q-network: hidden sizes (default `[64, 64]`) and activation (default `'relu'`). */
  policy?: { netArch?: number[]; activation?: ActivationName };
}

/** The state the DQN step carries: the optimizer state and the updates done. */
interface DqnState {
  opt: StateTree;
  updates: number;
}

/**
 * Deep Q-Network (Mnih et al. 2015) as Stable-Baselines3's `DQN`, with Double DQN as an option:
 * a Q-network and a target network (copied, or Polyak-averaged with `tau < 1`, every
 * `targetUpdateInterval` environment steps), ε-greedy exploration decaying linearly, a replay
 * buffer (uniform, or prioritized), Huber loss on `Q(s, a) − (r + γ (1 − done) max_a' Q_target(s', a'))`,
 * gradients clipped to `maxGradNorm`, Adam. Discrete action spaces.
 *
 * Logs: `loss`, `n_updates`, `exploration_rate`, `learning_rate`, and the shared `total_timesteps`,
 * `ep_rew_mean`, `ep_len_mean`, `fps`, `time_elapsed`.
 *
 * @example
 * ```ts
 * const dqn = new DQN('CartPole-v1', {
 *   learningRate: 2.3e-3, batchSize: 64, bufferSize: 100_000, learningStarts: 1000, targetUpdateInterval: 10,
 *   trainFreq: 256, gradientSteps: 128, explorationFraction: 0.16, explorationFinalEps: 0.04,
 *   policy: { netArch: [256, 256] }, seed: 0,
 * });
 * await dqn.learn({ totalTimesteps: 50_000 });
 * const { meanReturn } = evaluatePolicy(dqn, 'CartPole-v1', { nEpisodes: 100 });
 * ```
 */
export class DQN extends OffPolicyAlgorithm {
  readonly algorithmName = 'DQN';
  readonly policy: QNetworkPolicy;
  /** The target network (same architecture, its own variables). */
  readonly target: QNetworkPolicy;
  readonly optimizer: GradientTransform;
  readonly targetUpdateInterval: number;
  readonly explorationFraction: number;
  readonly explorationInitialEps: number;
  readonly explorationFinalEps: number;
  readonly maxGradNorm: number;
  readonly doubleQ: boolean;
  /** ε now (updated every environment step). */
  explorationRate: number;
  private readonly lr = { value: 0 };
  private readonly nActions: number;
  private envSteps = 0;
  private step: TrainStep<DqnState, OffPolicyBatch> | null = null;

  constructor(env: EnvInput, options: DQNOptions = {}) {
    super(
      env,
      options,
      {
        learningRate: 1e-4,
        bufferSize: 1_000_000,
        learningStarts: 100,
        batchSize: 32,
        tau: 1,
        gamma: 0.99,
        trainFreq: 4,
        gradientSteps: 1,
        prioritizedReplay: false,
      },
      'DQN',
    );
    this.nActions = (this.env.actionSpace as unknown as Discrete).n;
    const o = {
      targetUpdateInterval: 10_000,
      explorationFraction: 0.1,
      explorationInitialEps: 1,
      explorationFinalEps: 0.05,
      maxGradNorm: 10,
      doubleQ: false,
      ...definedOnly(options),
    };
    if (!(Number.isInteger(o.targetUpdateInterval) && o.targetUpdateInterval >= 1))
      throw new ValueError('DQN targetUpdateInterval', 'a positive integer', o.targetUpdateInterval);
    if (!(o.maxGradNorm > 0)) throw new ValueError('DQN maxGradNorm', 'a positive number', o.maxGradNorm);
    // validates the exploration options once
    linearExploration({
      initial: o.explorationInitialEps,
      final: o.explorationFinalEps,
      fraction: o.explorationFraction,
      totalTimesteps: 1,
    });
    this.targetUpdateInterval = o.targetUpdateInterval;
    this.explorationFraction = o.explorationFraction;
    this.explorationInitialEps = o.explorationInitialEps;
    this.explorationFinalEps = o.explorationFinalEps;
    this.explorationRate = o.explorationInitialEps;
    this.maxGradNorm = o.maxGradNorm;
    this.doubleQ = o.doubleQ;
    const config = { observationSize: this.observationSize, nActions: this.nActions, ...(options.policy ?? {}), seed: this.seed };
    this.policy = new QNetworkPolicy(config);
    this.target = new QNetworkPolicy(config);
    polyakUpdate(this.target.parameters(), this.policy.parameters(), 1);
    this.lr.value = scheduleValue(this.common.learningRate, 1);
    this.optimizer = chain(clipByGlobalNorm(this.maxGradNorm), adam({ learningRate: () => this.lr.value, eps: 1e-8 }));
  }

  /** 1 (a Discrete index); checks the action space first (the base class asks before allocating the replay buffer). */
  protected actionSize(): number {
    const space = this.env.actionSpace as unknown as Discrete;
    if (space.kind !== 'discrete' || space.start !== 0)
      throw new ValueError(
        'DQN env actionSpace',
        'a Discrete space starting at 0 (DQN is Discrete-only, as Stable-Baselines3; PPO and A2C take MultiDiscrete and Box)',
        space.toJSON(),
      );
    return 1;
  }

  protected randomActions() {
    const actions = Array.from({ length: this.env.numEnvs }, () => this.env.actionSpace.sample() as number);
    return { env: actions, stored: Float32Array.from(actions) };
  }

  protected explore(observations: Float32Array) {
    const greedy = this.policy.greedy(observations);
    const actions = Array.from(greedy, (a) => (this.rng.next() < this.explorationRate ? (this.env.actionSpace.sample() as number) : a));
    return { env: actions, stored: Float32Array.from(actions) };
  }

  /** SB3's `_on_step`: the target network every `targetUpdateInterval` steps (per environment), then ε. */
  protected override afterEnvStep(totalTimesteps: number): void {
    this.envSteps++;
    if (this.envSteps % Math.max(Math.floor(this.targetUpdateInterval / this.env.numEnvs), 1) === 0)
      polyakUpdate(this.target.parameters(), this.policy.parameters(), this.common.tau);
    this.explorationRate = linearExploration({
      initial: this.explorationInitialEps,
      final: this.explorationFinalEps,
      fraction: this.explorationFraction,
      totalTimesteps,
    })(this.numTimesteps);
  }

  /** The greedy action (`deterministic`), or ε-greedy with the current exploration rate. */
  predict(observation: ArrayLike<number>, options: { deterministic?: boolean } = {}): number {
    if (observation.length !== this.observationSize)
      throw new ValueError('DQN.predict observation', `${this.observationSize} values`, observation.length);
    if (!options.deterministic && this.rng.next() < this.explorationRate) return this.env.actionSpace.sample() as number;
    return this.policy.greedy(Float32Array.from(observation))[0] as number;
  }

  hyperparameters(): Record<string, unknown> {
    return {
      ...this.commonJSON(),
      targetUpdateInterval: this.targetUpdateInterval,
      explorationFraction: this.explorationFraction,
      explorationInitialEps: this.explorationInitialEps,
      explorationFinalEps: this.explorationFinalEps,
      maxGradNorm: this.maxGradNorm,
      doubleQ: this.doubleQ,
      policy: { netArch: this.policy.config.netArch, activation: this.policy.config.activation },
    };
  }

  protected trainStep(): TrainStep<DqnState, OffPolicyBatch> {
    this.step ??= this.makeStep();
    return this.step;
  }

  private makeStep(): TrainStep<DqnState, OffPolicyBatch> {
    const modules = { policy: this.policy, target: this.target };
    const params = () => this.policy.parameters();
    const weights = () => ({
      ...Object.fromEntries(Object.entries(params()).map(([k, v]) => [`policy/${k}`, v])),
      ...Object.fromEntries(Object.entries(this.target.parameters()).map(([k, v]) => [`target/${k}`, v])),
    });
    return {
      name: 'dqn',
      modules: () => modules,
      optimizer: this.optimizer,
      init: () => ({ opt: this.optimizer.init(params()), updates: 0 }),
      step: (state, batch, ctx) => this.update(state, batch, ctx),
      snapshot: (state): StepSnapshot => ({
        weights: weights(),
        optimizerState: state.opt,
        extra: { updates: state.updates, explorationRate: this.explorationRate },
      }),
      restore(snap, _batch, previous) {
        restoreModuleWeights(modules, snap.weights, 'DQN restore');
        const next: DqnState = { opt: snap.optimizerState, updates: (snap.extra as { updates?: number } | undefined)?.updates ?? 0 };
        if (previous) disposeStale(previous as unknown as StateTree, next as unknown as StateTree);
        return next;
      },
      dispose: (state) => disposeTree(state.opt),
      withOptimizerState: (state, opt) => {
        disposeStale(state.opt, opt);
        return { ...state, opt };
      },
    };
  }

  /** `batch.gradientSteps` updates on minibatches sampled from the replay buffer. */
  private update(state: DqnState, batch: OffPolicyBatch, _ctx: StepContext): StepOutput<DqnState> {
    this.lr.value = scheduleValue(this.common.learningRate, batch.progressRemaining);
    const logs: StepLogs = { exploration_rate: this.explorationRate, learning_rate: this.lr.value };
    let opt = state.opt;
    let updates = state.updates;
    const losses: Tensor[] = [];
    const params = this.policy.parameters();
    const { batchSize, gamma, prioritizedReplay } = this.common;
    const per = prioritizedReplay ? (this.buffer as PrioritizedReplayBuffer) : null;
    const size = this.observationSize;
    for (let g = 0; g < batch.gradientSteps; g++) {
      const sample = per ? per.sample(batchSize, { beta: this.beta(batch.progressRemaining) }) : this.buffer.sample(batchSize);
      const out = tidy(() => {
        const obs = tensor2d(sample.observations, [batchSize, size]);
        const next = tensor2d(sample.nextObservations, [batchSize, size]);
        const actions = tensor1d(Int32Array.from(sample.actions), 'int32');
        const y = dqnTargets({
          rewards: tensor1d(sample.rewards),
          dones: tensor1d(sample.dones),
          nextQTarget: this.target.call(next),
          ...(this.doubleQ ? { nextQOnline: this.policy.call(next) } : {}),
          gamma,
        });
        const weights = per ? tensor1d(sample.weights) : undefined;
        const { value, grads, aux } = valueAndGrad(
          (): [Scalar, Tensor] => {
            const q = this.policy.call(obs);
            return [qLoss(q, actions, y, weights ? { weights } : {}), per ? abs(sub(selectActions(q, actions), y)) : y];
          },
          { hasAux: true },
        )(params);
        return { loss: value, grads, td: aux };
      });
      opt = applyGradients(this.optimizer, opt, params, out.grads).state;
      dispose(Object.values(out.grads));
      if (per) per.updatePriorities(sample.indices, out.td.dataSync());
      out.td.dispose();
      losses.push(out.loss);
      updates++;
    }
    if (losses.length) {
      logs.loss = tidy(() => mean(stack(losses)));
      dispose(losses);
    }
    logs.n_updates = updates;
    return { state: { opt, updates }, logs };
  }

  override dispose(): void {
    super.dispose();
    this.target.dispose();
  }

  /**
   * A DQN from saved files (`toFiles()` / `save`) on `env`: the hyperparameters and Q-network
   * weights as saved (the target network starts as a copy).
   *
   * @example
   * ```ts
   * const dqn = DQN.fromFiles(files, 'CartPole-v1');
   * ```
   */
  static fromFiles(files: SavedAlgorithm, env: EnvInput, overrides: DQNOptions = {}): DQN {
    const config = parseSavedConfig(files, 'DQN');
    const h = config.hyperparameters as Record<string, unknown>;
    const algo = new DQN(env, {
      ...(h as DQNOptions),
      learningRate: scheduleFromJSON(h.learningRate),
      prioritizedReplay: (h.prioritizedReplay as DQNOptions['prioritizedReplay']) || false,
      nEnvs: overrides.nEnvs ?? (h.nEnvs as number),
      seed: config.seed,
      ...definedOnly(overrides),
    });
    algo.loadWeights(files['policy.safetensors']);
    polyakUpdate(algo.target.parameters(), algo.policy.parameters(), 1);
    algo.numTimesteps = config.numTimesteps;
    return algo;
  }

  /**
   * Loads a DQN saved with `save(dir, io)`.
   *
   * @example
   * ```ts
   * const dqn = await DQN.load('./dqn-cartpole', nodeIO, 'CartPole-v1');
   * ```
   */
  static async load(dir: string, io: AlgorithmIO, env: EnvInput, overrides: DQNOptions = {}): Promise<DQN> {
    return DQN.fromFiles(await readSaved(dir, io), env, overrides);
  }
}
