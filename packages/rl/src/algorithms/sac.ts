import type { StateTree, StepContext, StepLogs, StepOutput, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeStale, disposeTree, ValueError } from '@tessera/core';
import type { ActivationName } from '@tessera/layers';
import { adam } from '@tessera/optimizers';
import type { Scalar, Tensor } from '@tessera/tensor';
import { applyGradients, dispose, exp, mean, reshape, stack, tensor1d, tensor2d, tidy, valueAndGrad } from '@tessera/tensor';
import { moduleWeights, restoreModuleWeights } from '@tessera/train';
import { scheduleFromJSON, scheduleValue } from '../common/schedule.js';
import { polyakUpdate } from '../common/target-network.js';
import { SACPolicy, TwinCritic } from '../policies/sac-policy.js';
import { scaleAction, unscaleAction } from '../sac/action-scaling.js';
import { sacActorLoss, sacAlphaLoss, sacCriticLoss, sacCriticTarget } from '../sac/sac-losses.js';
import { squashedGaussian } from '../sac/squashed-gaussian.js';
import type { Box } from '../spaces/box.js';
import { EnvRandom } from '../spaces/random.js';
import { type AlgorithmIO, parseSavedConfig, readSaved, type SavedAlgorithm } from './base-algorithm.js';
import { OffPolicyAlgorithm, type OffPolicyBatch, type OffPolicyOptions } from './off-policy.js';
import { definedOnly } from './on-policy.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of {@link SAC} (Stable-Baselines3's, camelCase; the defaults are SB3's).
 *
 * @example
 * ```ts
 * const options: SACOptions = { learningRate: 1e-3, entCoef: 'auto', targetEntropy: 'auto', policy: { netArch: { pi: [256, 256], qf: [256, 256] } } };
 * ```
 */
export interface SACOptions extends OffPolicyOptions {
  /** The entropy coefficient α: `'auto'` (learned, starting at 1), `'auto_0.1'` (learned, starting at 0.1) or a fixed number (default `'auto'`). */
  entCoef?: 'auto' | `auto_${number}` | number;
  /** The entropy α is tuned towards (default `'auto'`: −(action dimensions)). */
  targetEntropy?: 'auto' | number;
  /** Gradient steps between target critic updates (default 1). */
  targetUpdateInterval?: number;
  /** The networks: actor and critic hidden sizes (default `[256, 256]` each) and activation (default `'relu'`). */
  policy?: { netArch?: { pi: number[]; qf: number[] }; activation?: ActivationName };
}

/** The state the SAC step carries: the three optimizer states and the updates done. */
interface SacState {
  actor: StateTree;
  critic: StateTree;
  alpha: StateTree;
  updates: number;
}

/**
 * Soft Actor-Critic (Haarnoja et al. 2018) as Stable-Baselines3's `SAC`: a tanh-squashed Gaussian
 * actor, twin Q critics with Polyak-averaged targets (`tau`), the soft Bellman target
 * `r + γ (1 − done)(min Q'(s', a') − α log π(a' | s'))`, and automatic entropy tuning of α toward
 * the target entropy −|A|. Box action spaces with finite bounds: the actor acts in [−1, 1] and
 * the actions are rescaled to the bounds for the environment (the buffer stores them in [−1, 1]).
 *
 * Logs: `actor_loss`, `critic_loss`, `ent_coef`, `ent_coef_loss` (automatic α), `n_updates`,
 * `learning_rate`, and the shared `total_timesteps`, `ep_rew_mean`, `ep_len_mean`, `fps`, `time_elapsed`.
 *
 * @example
 * ```ts
 * const sac = new SAC('Pendulum-v1', { learningRate: 1e-3, seed: 0 });
 * await sac.learn({ totalTimesteps: 20_000 });
 * const { meanReturn } = evaluatePolicy(sac, 'Pendulum-v1', { nEpisodes: 100 });
 * ```
 */
export class SAC extends OffPolicyAlgorithm {
  readonly algorithmName = 'SAC';
  readonly policy: SACPolicy;
  /** The target critics (Polyak averages of `policy.critic`). */
  readonly criticTarget: TwinCritic;
  readonly entCoef: 'auto' | `auto_${number}` | number;
  readonly targetEntropy: number;
  readonly targetUpdateInterval: number;
  private readonly autoAlpha: boolean;
  private readonly space: Box;
  private readonly actionDim: number;
  private readonly lr = { value: 0 };
  private readonly actorOptimizer;
  private readonly criticOptimizer;
  private readonly alphaOptimizer;
  private readonly noise: EnvRandom;
  private readonly predictNoise: EnvRandom;
  private step: TrainStep<SacState, OffPolicyBatch> | null = null;

  constructor(env: EnvInput, options: SACOptions = {}) {
    super(
      env,
      options,
      {
        learningRate: 3e-4,
        bufferSize: 1_000_000,
        learningStarts: 100,
        batchSize: 256,
        tau: 0.005,
        gamma: 0.99,
        trainFreq: 1,
        gradientSteps: 1,
        prioritizedReplay: false,
      },
      'SAC',
    );
    this.space = this.env.actionSpace as unknown as Box;
    this.actionDim = this.actionSize();
    const entCoef = options.entCoef ?? 'auto';
    let alphaInit: number;
    if (typeof entCoef === 'number') {
      if (!(entCoef > 0)) throw new ValueError('SAC entCoef', "a positive number, 'auto' or 'auto_<initial>'", entCoef);
      alphaInit = entCoef;
    } else if (entCoef === 'auto') alphaInit = 1;
    else {
      alphaInit = Number(String(entCoef).slice(5));
      if (!String(entCoef).startsWith('auto_') || !(alphaInit > 0))
        throw new ValueError('SAC entCoef', "a positive number, 'auto' or 'auto_<initial>'", entCoef);
    }
    this.entCoef = entCoef;
    this.autoAlpha = typeof entCoef !== 'number';
    const te = options.targetEntropy ?? 'auto';
    if (te !== 'auto' && !Number.isFinite(te)) throw new ValueError('SAC targetEntropy', "'auto' or a finite number", te);
    this.targetEntropy = te === 'auto' ? -this.actionDim : te;
    const interval = options.targetUpdateInterval ?? 1;
    if (!(Number.isInteger(interval) && interval >= 1)) throw new ValueError('SAC targetUpdateInterval', 'a positive integer', interval);
    this.targetUpdateInterval = interval;
    const netArch = options.policy?.netArch ?? { pi: [256, 256], qf: [256, 256] };
    const activation = options.policy?.activation ?? 'relu';
    this.policy = new SACPolicy({
      observationSize: this.observationSize,
      actionDim: this.actionDim,
      netArch,
      activation,
      entCoefInit: alphaInit,
      seed: this.seed,
    });
    this.criticTarget = new TwinCritic(this.observationSize, this.actionDim, netArch.qf, activation, this.seed + 100);
    polyakUpdate(this.criticTarget.parameters(), this.policy.critic.parameters(), 1);
    this.lr.value = scheduleValue(this.common.learningRate, 1);
    const make = () => adam({ learningRate: () => this.lr.value, eps: 1e-8 });
    this.actorOptimizer = make();
    this.criticOptimizer = make();
    this.alphaOptimizer = make();
    this.noise = new EnvRandom(this.seed * 7919 + 17);
    this.predictNoise = new EnvRandom(this.seed * 7919 + 18);
  }

  protected actionSize(): number {
    const space = this.env.actionSpace as unknown as Box;
    if (space.kind !== 'box' || !space.isBounded())
      throw new ValueError(
        'SAC env actionSpace',
        'a Box with finite bounds (SAC is Box-only, as Stable-Baselines3; PPO and A2C take Discrete and MultiDiscrete)',
        space.toJSON(),
      );
    return space.low.length;
  }

  protected randomActions() {
    const env = Array.from({ length: this.env.numEnvs }, () => this.space.sample());
    const stored = new Float32Array(env.length * this.actionDim);
    env.forEach((a, i) => {
      stored.set(unscaleAction(this.space, a), i * this.actionDim);
    });
    return { env, stored };
  }

  /** Squashed actions `tanh(μ + σ ε)` in [−1, 1] (`deterministic`: `tanh(μ)`), ε from the host generator. */
  private squashed(observations: Float32Array, deterministic: boolean, rng: EnvRandom | null): Float32Array {
    const { mean: mu, logStd } = this.policy.actorOutputsOf(observations);
    return Float32Array.from(mu, (m, i) => Math.tanh(deterministic || !rng ? m : m + Math.exp(logStd[i] as number) * rng.normal()));
  }

  protected explore(observations: Float32Array) {
    const stored = this.squashed(observations, false, this.noise);
    const d = this.actionDim;
    const env = Array.from({ length: this.env.numEnvs }, (_, i) => scaleAction(this.space, stored.subarray(i * d, (i + 1) * d)));
    return { env, stored };
  }

  /** The action within the Box bounds: `tanh(μ)` rescaled (`deterministic`), or a draw of the policy. */
  predict(observation: ArrayLike<number>, options: { deterministic?: boolean } = {}): Float32Array {
    if (observation.length !== this.observationSize)
      throw new ValueError('SAC.predict observation', `${this.observationSize} values`, observation.length);
    return scaleAction(this.space, this.squashed(Float32Array.from(observation), options.deterministic ?? false, this.predictNoise));
  }

  /** The entropy coefficient α now. */
  get alpha(): number {
    return Math.exp(this.policy.logAlpha.dataSync()[0] as number);
  }

  hyperparameters(): Record<string, unknown> {
    return {
      ...this.commonJSON(),
      entCoef: this.entCoef,
      targetEntropy: this.targetEntropy,
      targetUpdateInterval: this.targetUpdateInterval,
      policy: { netArch: this.policy.config.netArch, activation: this.policy.config.activation },
    };
  }

  protected trainStep(): TrainStep<SacState, OffPolicyBatch> {
    this.step ??= this.makeStep();
    return this.step;
  }

  private makeStep(): TrainStep<SacState, OffPolicyBatch> {
    const target = this.criticTarget;
    // the target critics travel in checkpoints as a module of their own
    const targetModule = {
      name: 'critic_target',
      call: () => {
        throw new ValueError('critic_target.call', 'values(obs, actions)', 'call');
      },
      parameters: () => target.parameters(),
      state: () => ({}),
      getConfig: () => ({ className: 'TwinCritic', config: {} }),
    };
    const modules = { policy: this.policy, criticTarget: targetModule };
    const p = this.policy;
    return {
      name: 'sac',
      modules: () => modules,
      init: () => ({
        actor: this.actorOptimizer.init(p.actorParameters()),
        critic: this.criticOptimizer.init(p.critic.parameters()),
        alpha: this.alphaOptimizer.init({ log_alpha: p.logAlpha }),
        updates: 0,
      }),
      step: (state, batch, ctx) => this.update(state, batch, ctx),
      snapshot: (state): StepSnapshot => ({
        weights: moduleWeights(modules),
        optimizerState: { actor: state.actor, critic: state.critic, alpha: state.alpha },
        extra: { updates: state.updates },
      }),
      restore(snap, _batch, previous) {
        restoreModuleWeights(modules, snap.weights, 'SAC restore');
        const o = snap.optimizerState as { actor: StateTree; critic: StateTree; alpha: StateTree };
        if (!o || !('actor' in o) || !('critic' in o) || !('alpha' in o))
          throw new ValueError('SAC restore optimizerState', '{ actor, critic, alpha }', o);
        const next: SacState = { ...o, updates: (snap.extra as { updates?: number } | undefined)?.updates ?? 0 };
        if (previous) disposeStale(previous as unknown as StateTree, next as unknown as StateTree);
        return next;
      },
      dispose: (state) => disposeTree([state.actor, state.critic, state.alpha]),
    };
  }

  /** `batch.gradientSteps` SAC updates (critics, actor, α, then the target critics), SB3's order. */
  private update(state: SacState, batch: OffPolicyBatch, _ctx: StepContext): StepOutput<SacState> {
    this.lr.value = scheduleValue(this.common.learningRate, batch.progressRemaining);
    const logs: StepLogs = { learning_rate: this.lr.value };
    const next: SacState = { ...state };
    const terms: Record<string, Tensor[]> = { actor_loss: [], critic_loss: [], ent_coef: [], ent_coef_loss: [] };
    const { batchSize, gamma, tau } = this.common;
    const size = this.observationSize;
    const d = this.actionDim;
    const p = this.policy;
    const target = this.criticTarget;
    const actorParams = p.actorParameters();
    const criticParams = p.critic.parameters();
    const normals = (n: number) => {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = this.noise.normal();
      return out;
    };
    for (let g = 0; g < batch.gradientSteps; g++) {
      const sample = this.buffer.sample(batchSize);
      const noisePi = normals(batchSize * d);
      const noiseNext = normals(batchSize * d);
      tidy(() => {
        const obs = tensor2d(sample.observations, [batchSize, size]);
        const nextObs = tensor2d(sample.nextObservations, [batchSize, size]);
        const actions = tensor2d(sample.actions, [batchSize, d]);
        // α as it is before this step's update: every loss of the step uses it (SB3)
        const alpha = reshape(exp(p.logAlpha), []);
        const y = tidy(() => {
          const out = p.actorOutputs(nextObs);
          const nextPi = squashedGaussian(out.mean, out.logStd, tensor2d(noiseNext, [batchSize, d]));
          const [q1, q2] = target.values(nextObs, nextPi.action);
          return sacCriticTarget({
            rewards: tensor1d(sample.rewards),
            dones: tensor1d(sample.dones),
            nextQ1: q1,
            nextQ2: q2,
            nextLogProb: nextPi.logProb,
            alpha,
            gamma,
          });
        });
        const critic = valueAndGrad((): Scalar => {
          const [q1, q2] = p.critic.values(obs, actions);
          return sacCriticLoss(q1, q2, y);
        })(criticParams);
        next.critic = applyGradients(this.criticOptimizer, next.critic, criticParams, critic.grads).state;
        const actor = valueAndGrad(
          (): [Scalar, Tensor] => {
            const out = p.actorOutputs(obs);
            const pi = squashedGaussian(out.mean, out.logStd, tensor2d(noisePi, [batchSize, d]));
            const [q1, q2] = p.critic.values(obs, pi.action);
            return [sacActorLoss(pi.logProb, q1, q2, alpha), pi.logProb];
          },
          { hasAux: true },
        )(actorParams);
        next.actor = applyGradients(this.actorOptimizer, next.actor, actorParams, actor.grads).state;
        terms.critic_loss?.push(critic.value);
        terms.actor_loss?.push(actor.value);
        terms.ent_coef?.push(alpha);
        if (this.autoAlpha) {
          const logProb = actor.aux;
          const a = valueAndGrad((q: { log_alpha: Tensor }) => sacAlphaLoss(q.log_alpha, logProb, this.targetEntropy))({
            log_alpha: p.logAlpha,
          });
          next.alpha = applyGradients(this.alphaOptimizer, next.alpha, { log_alpha: p.logAlpha }, a.grads).state;
          terms.ent_coef_loss?.push(a.value);
        }
        return [...Object.values(terms).flat()];
      });
      next.updates++;
      if (next.updates % this.targetUpdateInterval === 0) polyakUpdate(target.parameters(), criticParams, tau);
    }
    for (const [k, list] of Object.entries(terms)) {
      if (!list.length) continue;
      logs[k] = tidy(() => mean(stack(list)));
      dispose(list);
    }
    logs.n_updates = next.updates;
    return { state: next, logs };
  }

  override dispose(): void {
    super.dispose();
    this.criticTarget.dispose();
  }

  /**
   * A SAC from saved files (`toFiles()` / `save`) on `env`: the hyperparameters, actor, critics and
   * α as saved (the target critics start as copies of the critics).
   *
   * @example
   * ```ts
   * const sac = SAC.fromFiles(files, 'Pendulum-v1');
   * ```
   */
  static fromFiles(files: SavedAlgorithm, env: EnvInput, overrides: SACOptions = {}): SAC {
    const config = parseSavedConfig(files, 'SAC');
    const h = config.hyperparameters as Record<string, unknown>;
    const algo = new SAC(env, {
      ...(h as SACOptions),
      learningRate: scheduleFromJSON(h.learningRate),
      prioritizedReplay: false,
      nEnvs: overrides.nEnvs ?? (h.nEnvs as number),
      seed: config.seed,
      ...definedOnly(overrides),
    });
    algo.loadWeights(files['policy.safetensors']);
    polyakUpdate(algo.criticTarget.parameters(), algo.policy.critic.parameters(), 1);
    algo.numTimesteps = config.numTimesteps;
    return algo;
  }

  /**
   * Loads a SAC saved with `save(dir, io)`.
   *
   * @example
   * ```ts
   * const sac = await SAC.load('./sac-pendulum', nodeIO, 'Pendulum-v1');
   * ```
   */
  static async load(dir: string, io: AlgorithmIO, env: EnvInput, overrides: SACOptions = {}): Promise<SAC> {
    return SAC.fromFiles(await readSaved(dir, io), env, overrides);
  }
}
