import type { CallOptions, ModuleConfig, NamedVariables } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { ActivationName, Dense } from '@tessera/layers';
import type { Tensor, Variable } from '@tessera/tensor';
import { clipByValue, concat, reshape, scalar, tanh, tensor2d, tidy, variable } from '@tessera/tensor';
import { linearStack } from './linear-stack.js';
import { layerVariables, runLayers } from './mlp.js';

/** Stable-Baselines3's bounds of the actor's log standard deviation. */
const LOG_STD_MIN = -20;
const LOG_STD_MAX = 2;

/**
 * Configuration of a {@link SACPolicy} (saved as JSON with the weights).
 *
 * @example
 * ```ts
 * const config: SACPolicyConfig = { observationSize: 3, actionDim: 1, netArch: { pi: [256, 256], qf: [256, 256] } };
 * ```
 */
export interface SACPolicyConfig {
  /** Size of a flat observation. */
  observationSize: number;
  /** Continuous action dimensions. */
  actionDim: number;
  /** Hidden sizes of the actor and of each critic (default `[256, 256]` both, SB3's SAC default). */
  netArch?: { pi: number[]; qf: number[] };
  /** Hidden activation (default `'relu'`). */
  activation?: ActivationName;
  /** Initial entropy coefficient α (default 1, SB3's `ent_coef: 'auto'`). */
  entCoefInit?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * SAC's twin Q critics: two MLPs from `[observation, action]` to one value each. Parameters
 * `qf0/<i>/kernel`, `qf1/<i>/kernel`, ... (the output layer is the last index).
 *
 * @example
 * ```ts
 * const critic = new TwinCritic(3, 1, [256, 256], 'relu', 0);
 * const [q1, q2] = critic.values(obs, actions); // [batch] each
 * ```
 */
export class TwinCritic {
  private readonly nets: [Dense[], Dense[]];

  constructor(observationSize: number, actionDim: number, netArch: number[], activation: ActivationName, seed: number) {
    const input = observationSize + actionDim;
    this.nets = [
      linearStack(input, netArch, { activation, outUnits: 1, seed }),
      linearStack(input, netArch, { activation, outUnits: 1, seed: seed + 50 }),
    ];
  }

  /** `[Q₁(s, a), Q₂(s, a)]`, `[batch]` each, for observations `[batch, obs]` and actions `[batch, dims]` in [−1, 1]. */
  values(obs: Tensor, actions: Tensor): [Tensor, Tensor] {
    const x = concat([obs, actions], 1);
    return [reshape(runLayers(this.nets[0], x), [-1]), reshape(runLayers(this.nets[1], x), [-1])];
  }

  parameters(): NamedVariables {
    return { ...layerVariables('qf0', this.nets[0]), ...layerVariables('qf1', this.nets[1]) };
  }

  dispose(): void {
    for (const l of [...this.nets[0], ...this.nets[1]]) l.dispose();
  }
}

/**
 * Stable-Baselines3's SAC `MlpPolicy` as a Tessera `Module`: a squashed Gaussian actor (an MLP with
 * a mean head and a state-dependent log-std head clipped to [−20, 2]; actions `tanh(u)` in [−1, 1],
 * rescaled to the Box by the algorithm), twin Q critics and the entropy coefficient `log α`.
 * `call(obs)` is the deterministic action `tanh(μ)`. Parameters: `actor/<i>/kernel`, `actor/mu/*`,
 * `actor/log_std/*`, `qf0/*`, `qf1/*` and `log_alpha`; the target critics live outside the policy.
 *
 * @example
 * ```ts
 * const policy = new SACPolicy({ observationSize: 3, actionDim: 1, seed: 0 });
 * const { mean, logStd } = policy.actorOutputs(obs);
 * const [q1, q2] = policy.critic.values(obs, actions);
 * ```
 */
export class SACPolicy {
  readonly name = 'sac_policy';
  readonly built = true;
  readonly config: Required<SACPolicyConfig>;
  readonly critic: TwinCritic;
  /** log α, the entropy coefficient's logarithm (trained when the coefficient is automatic). */
  readonly logAlpha: Variable;
  private readonly trunk: Dense[];
  private readonly mu: Dense;
  private readonly logStd: Dense;

  constructor(config: SACPolicyConfig) {
    const size = config?.observationSize;
    if (!(Number.isInteger(size) && size >= 1)) throw new ValueError('SACPolicy observationSize', 'a positive integer', size);
    if (!(Number.isInteger(config.actionDim) && config.actionDim >= 1))
      throw new ValueError('SACPolicy actionDim', 'a positive integer', config.actionDim);
    const entCoefInit = config.entCoefInit ?? 1;
    if (!(entCoefInit > 0)) throw new ValueError('SACPolicy entCoefInit', 'a positive number', entCoefInit);
    this.config = {
      observationSize: size,
      actionDim: config.actionDim,
      netArch: config.netArch ?? { pi: [256, 256], qf: [256, 256] },
      activation: config.activation ?? 'relu',
      entCoefInit,
      seed: config.seed ?? 0,
    };
    const { netArch, activation, seed, actionDim } = this.config;
    this.trunk = linearStack(size, netArch.pi, { activation, seed });
    const width = netArch.pi.at(-1) ?? size;
    [this.mu] = linearStack(width, [], { outUnits: actionDim, seed: seed + 20 }) as [Dense];
    [this.logStd] = linearStack(width, [], { outUnits: actionDim, seed: seed + 21 }) as [Dense];
    this.critic = new TwinCritic(size, actionDim, netArch.qf, activation, seed + 100);
    this.logAlpha = tidy(() => variable(scalar(Math.log(entCoefInit)), true));
  }

  /** The Gaussian's mean and clipped log standard deviation before squashing, `[batch, dims]` each. */
  actorOutputs(obs: Tensor): { mean: Tensor; logStd: Tensor } {
    const h = runLayers(this.trunk, obs);
    return { mean: this.mu.call(h) as Tensor, logStd: clipByValue(this.logStd.call(h) as Tensor, LOG_STD_MIN, LOG_STD_MAX) };
  }

  /** The deterministic action `tanh(μ)` in [−1, 1], `[batch, dims]`. */
  call(obs: Tensor, _options?: CallOptions): Tensor {
    return tanh(this.actorOutputs(obs).mean);
  }

  /** Means and log standard deviations of flat observations, on the host (`[batch · dims]` each). */
  actorOutputsOf(observations: Float32Array): { mean: Float32Array; logStd: Float32Array } {
    const size = this.config.observationSize;
    const n = observations.length / size;
    if (!Number.isInteger(n)) throw new ValueError('SACPolicy observations', `a multiple of ${size} values`, observations.length);
    let mean: Float32Array = new Float32Array(0);
    let logStd: Float32Array = new Float32Array(0);
    tidy(() => {
      const out = this.actorOutputs(tensor2d(observations, [n, size]));
      mean = out.mean.dataSync() as Float32Array;
      logStd = out.logStd.dataSync() as Float32Array;
    });
    return { mean, logStd };
  }

  /** The actor's variables. */
  actorParameters(): NamedVariables {
    return {
      ...layerVariables('actor', this.trunk),
      ...layerVariables('actor/mu', [this.mu], false),
      ...layerVariables('actor/log_std', [this.logStd], false),
    };
  }

  parameters(): NamedVariables {
    return { ...this.actorParameters(), ...this.critic.parameters(), log_alpha: this.logAlpha };
  }

  state(): NamedVariables {
    return {};
  }

  getConfig(): ModuleConfig {
    return { className: 'SACPolicy', config: { ...this.config } };
  }

  /** Frees the policy's variables. */
  dispose(): void {
    for (const l of [...this.trunk, this.mu, this.logStd]) l.dispose();
    this.critic.dispose();
    this.logAlpha.dispose();
  }
}
