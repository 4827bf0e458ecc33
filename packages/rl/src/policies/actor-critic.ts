import type { CallOptions, ModuleConfig, NamedVariables, Prng } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { type ActivationName, Dense, orthogonal } from '@tessera/layers';
import type { Tensor, Variable } from '@tessera/tensor';
import { fill, reshape, tensor2d, tidy, variable } from '@tessera/tensor';
import { Categorical, sampleCategorical } from '../distributions/categorical.js';
import { DiagGaussian, sampleDiagGaussian } from '../distributions/diag-gaussian.js';
import type { ActionDistribution } from '../distributions/distribution.js';
import { argmaxMultiDiscrete, MultiCategorical, sampleMultiCategorical } from '../distributions/multi-categorical.js';
import type { Space } from '../spaces/space.js';
import { layerVariables, mlpLayers, runLayers } from './mlp.js';

/**
 * The action side of a policy: `Discrete(n)` (a categorical over `n` actions), `MultiDiscrete(nvec)`
 * (one categorical per entry, entry `i` over `nvec[i]` values) or a flat `Box` of `dim` continuous
 * actions within `low`/`high`.
 *
 * @example
 * ```ts
 * const a: ActionSpec = { kind: 'discrete', n: 2 };
 * const b: ActionSpec = { kind: 'box', dim: 1, low: [-2], high: [2] };
 * const c: ActionSpec = { kind: 'multiDiscrete', nvec: [3, 2] };
 * ```
 */
export type ActionSpec =
  | { kind: 'discrete'; n: number }
  | { kind: 'multiDiscrete'; nvec: number[] }
  | { kind: 'box'; dim: number; low: number[]; high: number[] };

/**
 * Configuration of an {@link ActorCriticPolicy} (saved as JSON with the weights).
 *
 * @example
 * ```ts
 * const config: ActorCriticConfig = { observationSize: 4, action: { kind: 'discrete', n: 2 }, netArch: { pi: [64, 64], vf: [64, 64] } };
 * ```
 */
export interface ActorCriticConfig {
  /** Size of a flat observation. */
  observationSize: number;
  /** The action space. */
  action: ActionSpec;
  /** Hidden sizes of the separate policy and value networks (default `{ pi: [64, 64], vf: [64, 64] }`, SB3's). */
  netArch?: { pi: number[]; vf: number[] };
  /** Hidden activation (default `'tanh'`). */
  activation?: ActivationName;
  /** Orthogonal initialization with SB3's gains (√2 hidden, 0.01 policy head, 1 value head). Default true. */
  orthoInit?: boolean;
  /** Initial log standard deviation of Box actions (default 0). */
  logStdInit?: number;
  /** Seed of the initial weights (default 0). */
  seed?: number;
}

/**
 * What {@link ActorCriticPolicy.act} returns for a batch of observations.
 *
 * @example
 * ```ts
 * const { actions, values, logProbs }: ActResult = policy.act(obs, rng);
 * ```
 */
export interface ActResult {
  /** Discrete: Int32Array `[batch]`; MultiDiscrete: Int32Array `[batch · k]` (row-major); Box: Float32Array `[batch · dim]` (unclipped). */
  actions: Int32Array | Float32Array;
  /** The value estimate of each observation `[batch]`. */
  values: Float32Array;
  /** The log-probability of each chosen action `[batch]`. */
  logProbs: Float32Array;
}

/**
 * The action spec of a Gymnasium action space (Discrete, MultiDiscrete, or a Box flattened).
 * Discrete and MultiDiscrete spaces must start at 0.
 *
 * @example
 * ```ts
 * actionSpecOf(make('CartPole-v1').actionSpace); // { kind: 'discrete', n: 2 }
 * actionSpecOf(new MultiDiscrete([3, 2])); // { kind: 'multiDiscrete', nvec: [3, 2] }
 * ```
 */
export function actionSpecOf(space: Space<unknown>): ActionSpec {
  const s = space as unknown as {
    kind: string;
    n?: number;
    nvec?: ArrayLike<number>;
    start?: number | ArrayLike<number>;
    low?: Float32Array;
    high?: Float32Array;
  };
  if (s.kind === 'discrete') {
    if (s.start) throw new ValueError('policy actionSpace', 'a Discrete space starting at 0', s.start);
    return { kind: 'discrete', n: s.n as number };
  }
  if (s.kind === 'multiDiscrete') {
    // Gymnasium's MultiDiscrete may carry a `start` per entry; the policy's actions are 0-based
    const start = s.start;
    if (start !== undefined && start !== null && (typeof start === 'number' ? start !== 0 : Array.from(start).some((v) => v !== 0)))
      throw new ValueError(
        'policy actionSpace',
        'a MultiDiscrete space starting at 0',
        typeof start === 'number' ? start : Array.from(start),
      );
    return { kind: 'multiDiscrete', nvec: Array.from(s.nvec as ArrayLike<number>) };
  }
  if (s.kind === 'box') {
    const low = Array.from(s.low as Float32Array);
    return { kind: 'box', dim: low.length, low, high: Array.from(s.high as Float32Array) };
  }
  throw new ValueError('policy actionSpace', 'a Discrete, MultiDiscrete or Box space', s.kind);
}

/**
 * Stable-Baselines3's `ActorCriticPolicy` (`MlpPolicy`) as a Tessera `Module`: separate policy and
 * value MLPs on the observation, a policy head (logits — `sum(nvec)` of them for a MultiDiscrete, one
 * categorical per entry — or the mean of a diagonal Gaussian with a learned state-independent log
 * std) and a value head. Parameters are named `pi/<i>/kernel`,
 * `vf/<i>/kernel`, `action/kernel`, `value/kernel` and `log_std`.
 *
 * @example
 * ```ts
 * const policy = new ActorCriticPolicy({ observationSize: 4, action: { kind: 'discrete', n: 2 }, seed: 0 });
 * const { values, logProb, entropy } = policy.evaluateActions(obs, actions);
 * const step = policy.act(Float32Array.of(0, 0, 0, 0), new Prng(0)); // sampled action, value, log-prob
 * ```
 */
export class ActorCriticPolicy {
  readonly name = 'actor_critic';
  readonly built = true;
  readonly config: Required<ActorCriticConfig>;
  private readonly pi: Dense[];
  private readonly vf: Dense[];
  private readonly actionHead: Dense;
  private readonly valueHead: Dense;
  private readonly logStd: Variable | null;

  constructor(config: ActorCriticConfig) {
    const size = config.observationSize;
    if (!(Number.isInteger(size) && size >= 1)) throw new ValueError('ActorCriticPolicy observationSize', 'a positive integer', size);
    const action = config.action;
    if (!action || (action.kind !== 'discrete' && action.kind !== 'multiDiscrete' && action.kind !== 'box'))
      throw new ValueError(
        'ActorCriticPolicy action',
        "{ kind: 'discrete', n }, { kind: 'multiDiscrete', nvec } or { kind: 'box', dim, low, high }",
        action,
      );
    if (
      action.kind === 'multiDiscrete' &&
      !(Array.isArray(action.nvec) && action.nvec.length > 0 && action.nvec.every((v) => Number.isInteger(v) && v >= 1))
    )
      throw new ValueError('ActorCriticPolicy action nvec', 'a non-empty array of positive integers', action.nvec);
    this.config = {
      observationSize: size,
      action,
      netArch: config.netArch ?? { pi: [64, 64], vf: [64, 64] },
      activation: config.activation ?? 'tanh',
      orthoInit: config.orthoInit ?? true,
      logStdInit: config.logStdInit ?? 0,
      seed: config.seed ?? 0,
    };
    const { netArch, activation, orthoInit, seed } = this.config;
    const hiddenGain = orthoInit ? Math.SQRT2 : 0;
    this.pi = mlpLayers(size, netArch.pi, { activation, orthoGain: hiddenGain, seed });
    this.vf = mlpLayers(size, netArch.vf, { activation, orthoGain: hiddenGain, seed: seed + 100 });
    const outUnits =
      action.kind === 'discrete' ? action.n : action.kind === 'multiDiscrete' ? action.nvec.reduce((a, b) => a + b, 0) : action.dim;
    const head = (units: number, inSize: number, gain: number, s: number) => {
      const d = new Dense({ units, seed: s, ...(orthoInit ? { kernelInitializer: orthogonal({ gain, seed: s }) } : {}) });
      d.build([null, inSize]);
      return d;
    };
    this.actionHead = head(outUnits, netArch.pi.at(-1) ?? size, 0.01, seed + 200);
    this.valueHead = head(1, netArch.vf.at(-1) ?? size, 1, seed + 300);
    this.logStd = action.kind === 'box' ? variable(fill([action.dim], this.config.logStdInit), true, `log_std_${seed}`) : null;
  }

  /** The action logits (Discrete `[batch, n]`, MultiDiscrete `[batch, sum(nvec)]`) or Gaussian means (Box `[batch, dim]`) of observations `[batch, observationSize]`. */
  call(obs: Tensor, _options?: CallOptions): Tensor {
    return this.actionHead.call(runLayers(this.pi, obs)) as Tensor;
  }

  /** The action distribution for observations `[batch, observationSize]`. */
  distribution(obs: Tensor): ActionDistribution {
    const out = this.call(obs);
    if (this.logStd) return new DiagGaussian(out, this.logStd);
    const action = this.config.action;
    return action.kind === 'multiDiscrete' ? new MultiCategorical(out, action.nvec) : new Categorical(out);
  }

  /** The value estimates `[batch]`. */
  predictValues(obs: Tensor): Tensor {
    return reshape(this.valueHead.call(runLayers(this.vf, obs)) as Tensor, [-1]);
  }

  /**
   * Values, log-probabilities of `actions` and entropies `[batch]` (differentiable: the losses use
   * them). Actions: Discrete `[batch]` int32, MultiDiscrete `[batch, k]` int32, Box `[batch, dim]`.
   */
  evaluateActions(obs: Tensor, actions: Tensor): { values: Tensor; logProb: Tensor; entropy: Tensor } {
    const dist = this.distribution(obs);
    return { values: this.predictValues(obs), logProb: dist.logProb(actions), entropy: dist.entropy() };
  }

  /**
   * Actions (sampled with `rng`, or the mode when `deterministic`), values and log-probabilities
   * for a batch of flat observations, on the host (what collecting experience needs).
   */
  act(observations: Float32Array, rng: Prng | null, deterministic = false): ActResult {
    const size = this.config.observationSize;
    const n = observations.length / size;
    if (!Number.isInteger(n)) throw new ValueError('policy.act observations', `a multiple of ${size} values`, observations.length);
    let head: Float32Array = new Float32Array(0);
    let values: Float32Array = new Float32Array(0);
    tidy(() => {
      const x = tensor2d(observations, [n, size]);
      const out = this.logStd ? this.call(x) : (this.distribution(x) as Categorical | MultiCategorical).logProbs;
      head = out.dataSync() as Float32Array;
      values = this.predictValues(x).dataSync() as Float32Array;
    });
    const logProbs = new Float32Array(n);
    const action = this.config.action;
    if (action.kind === 'discrete') {
      const k = action.n;
      const actions = deterministic || !rng ? argmaxMultiDiscrete(head, [k]) : sampleCategorical(head, k, rng);
      for (let i = 0; i < n; i++) logProbs[i] = head[i * k + (actions[i] as number)] as number;
      return { actions, values, logProbs };
    }
    if (action.kind === 'multiDiscrete') {
      const { nvec } = action;
      const k = nvec.length;
      const width = nvec.reduce((a, b) => a + b, 0);
      const actions = deterministic || !rng ? argmaxMultiDiscrete(head, nvec) : sampleMultiCategorical(head, nvec, rng);
      for (let i = 0; i < n; i++) {
        let lp = 0;
        let offset = i * width;
        for (let j = 0; j < k; j++) {
          lp += head[offset + (actions[i * k + j] as number)] as number;
          offset += nvec[j] as number;
        }
        logProbs[i] = lp;
      }
      return { actions, values, logProbs };
    }
    const logStd = (this.logStd as Variable).dataSync() as Float32Array;
    const actions = deterministic || !rng ? Float32Array.from(head) : sampleDiagGaussian(head, logStd, rng);
    const d = action.dim;
    for (let i = 0; i < n; i++) {
      let lp = 0;
      for (let j = 0; j < d; j++) {
        const ls = logStd[j] as number;
        const z = ((actions[i * d + j] as number) - (head[i * d + j] as number)) / Math.exp(ls);
        lp += -0.5 * z * z - ls - 0.5 * Math.log(2 * Math.PI);
      }
      logProbs[i] = lp;
    }
    return { actions, values, logProbs };
  }

  /** The value estimates of flat observations, on the host. */
  valuesOf(observations: Float32Array): Float32Array {
    const size = this.config.observationSize;
    let out: Float32Array = new Float32Array(0);
    tidy(() => {
      out = this.predictValues(tensor2d(observations, [observations.length / size, size])).dataSync() as Float32Array;
    });
    return out;
  }

  parameters(): NamedVariables {
    const out: NamedVariables = {
      ...layerVariables('pi', this.pi),
      ...layerVariables('vf', this.vf),
      ...layerVariables('action', [this.actionHead], false),
      ...layerVariables('value', [this.valueHead], false),
    };
    if (this.logStd) out.log_std = this.logStd;
    return out;
  }

  state(): NamedVariables {
    return {};
  }

  getConfig(): ModuleConfig {
    return { className: 'ActorCriticPolicy', config: { ...this.config } };
  }

  /** Frees the policy's variables. */
  dispose(): void {
    for (const l of [...this.pi, ...this.vf, this.actionHead, this.valueHead]) l.dispose();
    this.logStd?.dispose();
  }
}
