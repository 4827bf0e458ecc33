import type { GradientTransform, StateTree, StepContext, StepLogs, StepOutput, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeStale, disposeTree, permutation, ValueError } from '@tessera/core';
import { adam, chain, clipByGlobalNorm } from '@tessera/optimizers';
import type { Scalar, Tensor } from '@tessera/tensor';
import { applyGradients, dispose, gather, mean, stack, tensor1d, tidy, valueAndGrad } from '@tessera/tensor';
import { restoreModuleWeights } from '@tessera/train';
import type { RolloutTensors } from '../buffers/rollout-buffer.js';
import { checkSchedule, type NumberOrSchedule, scheduleFromJSON, scheduleToJSON, scheduleValue } from '../common/schedule.js';
import type { AlgorithmIO, SavedAlgorithm } from './base-algorithm.js';
import { parseSavedConfig, readSaved } from './base-algorithm.js';
import type { ExperienceBatch } from './experience.js';
import { definedOnly, OnPolicyAlgorithm, type OnPolicyOptions } from './on-policy.js';
import { ppoLoss } from './ppo-loss.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of {@link PPO} (Stable-Baselines3's names in camelCase, and its defaults).
 *
 * @example
 * ```ts
 * // rl-baselines3-zoo's CartPole-v1
 * const options: PPOOptions = {
 *   nEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8, entCoef: 0,
 *   learningRate: linearSchedule(1e-3), clipRange: linearSchedule(0.2),
 * };
 * ```
 */
export interface PPOOptions extends OnPolicyOptions {
  /** Minibatch size (default 64). */
  batchSize?: number;
  /** Passes over each rollout (default 10). */
  nEpochs?: number;
  /** Clip range ε of the ratio: a number or a schedule (default 0.2). */
  clipRange?: NumberOrSchedule;
  /** Value clipping range (default null: off). */
  clipRangeVf?: NumberOrSchedule | null;
  /** Normalize advantages per minibatch (default true). */
  normalizeAdvantage?: boolean;
  /** Stop a rollout's epochs once the approximate KL exceeds 1.5 × this (default null: never). */
  targetKl?: number | null;
}

interface PpoState {
  [key: string]: StateTree;
  opt: StateTree;
  updates: number;
}

/**
 * Proximal Policy Optimization (Schulman et al. 2017) as Stable-Baselines3 implements it: rollouts
 * of `nSteps` steps of `nEnvs` environments, GAE(λ), then `nEpochs` passes of shuffled minibatches
 * minimizing the clipped surrogate, value loss (optionally clipped) and entropy bonus, with
 * per-minibatch advantage normalization, gradient-norm clipping, Adam (eps 1e-5) and learning
 * rate and clip range as schedules of the progress. Each rollout is one `fit` step.
 *
 * Logs: `policy_gradient_loss`, `value_loss`, `entropy_loss`, `approx_kl`, `clip_fraction`,
 * `loss`, `explained_variance`, `clip_range`, `learning_rate`, `n_updates`, plus the
 * {@link BaseAlgorithm} progress logs.
 *
 * @example
 * ```ts
 * const ppo = new PPO('CartPole-v1', { nEnvs: 8, nSteps: 32, batchSize: 256, nEpochs: 20, gamma: 0.98, gaeLambda: 0.8,
 *   learningRate: linearSchedule(1e-3), clipRange: linearSchedule(0.2), seed: 0 });
 * await ppo.learn({ totalTimesteps: 100_000 });
 * const { meanReturn } = evaluatePolicy(ppo, make('CartPole-v1'), { nEpisodes: 100 });
 * ```
 */
export class PPO extends OnPolicyAlgorithm {
  readonly algorithmName = 'PPO';
  readonly batchSize: number;
  readonly nEpochs: number;
  readonly clipRange: NumberOrSchedule;
  readonly clipRangeVf: NumberOrSchedule | null;
  readonly normalizeAdvantage: boolean;
  readonly targetKl: number | null;
  private readonly lr = { value: 0 };
  readonly optimizer: GradientTransform;
  private step: TrainStep<PpoState, ExperienceBatch<RolloutTensors>> | null = null;

  constructor(env: EnvInput, options: PPOOptions = {}) {
    super(
      env,
      options,
      { nSteps: 2048, gamma: 0.99, gaeLambda: 0.95, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, learningRate: 3e-4 },
      'PPO',
    );
    const o = {
      batchSize: 64,
      nEpochs: 10,
      clipRange: 0.2,
      clipRangeVf: null,
      normalizeAdvantage: true,
      targetKl: null,
      ...definedOnly(options),
    };
    if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1)) throw new ValueError('PPO batchSize', 'a positive integer', o.batchSize);
    if (o.normalizeAdvantage && o.batchSize === 1) throw new ValueError('PPO batchSize', '> 1 with normalizeAdvantage', o.batchSize);
    if (!(Number.isInteger(o.nEpochs) && o.nEpochs >= 1)) throw new ValueError('PPO nEpochs', 'a positive integer', o.nEpochs);
    if (o.targetKl !== null && !(o.targetKl > 0)) throw new ValueError('PPO targetKl', 'a positive number or null', o.targetKl);
    this.batchSize = o.batchSize;
    this.nEpochs = o.nEpochs;
    this.clipRange = checkSchedule(o.clipRange, 'PPO clipRange');
    this.clipRangeVf = o.clipRangeVf === null ? null : checkSchedule(o.clipRangeVf, 'PPO clipRangeVf');
    this.normalizeAdvantage = o.normalizeAdvantage;
    this.targetKl = o.targetKl;
    this.lr.value = scheduleValue(this.common.learningRate, 1);
    this.optimizer = chain(
      clipByGlobalNorm(this.common.maxGradNorm || Number.MAX_VALUE),
      adam({ learningRate: () => this.lr.value, eps: 1e-5 }),
    );
  }

  hyperparameters(): Record<string, unknown> {
    return {
      ...this.commonJSON(),
      batchSize: this.batchSize,
      nEpochs: this.nEpochs,
      clipRange: scheduleToJSON(this.clipRange),
      clipRangeVf: this.clipRangeVf === null ? null : scheduleToJSON(this.clipRangeVf),
      normalizeAdvantage: this.normalizeAdvantage,
      targetKl: this.targetKl,
    };
  }

  protected trainStep(): TrainStep<PpoState, ExperienceBatch<RolloutTensors>> {
    this.step ??= this.makeStep();
    return this.step;
  }

  private makeStep(): TrainStep<PpoState, ExperienceBatch<RolloutTensors>> {
    const policy = this.policy;
    const modules = { policy };
    const params = () => policy.parameters();
    return {
      name: 'ppo',
      modules: () => modules,
      optimizer: this.optimizer,
      init: () => ({ opt: this.optimizer.init(params()), updates: 0 }),
      step: (state, batch, ctx) => this.update(state, batch, ctx),
      snapshot: (state): StepSnapshot => ({ weights: params(), optimizerState: state.opt, extra: { updates: state.updates } }),
      restore(snap, _batch, previous) {
        restoreModuleWeights(modules, snap.weights, 'PPO restore');
        const next: PpoState = { opt: snap.optimizerState, updates: (snap.extra as { updates?: number })?.updates ?? 0 };
        if (previous) disposeStale(previous, next);
        return next;
      },
      dispose: (state) => disposeTree(state.opt),
      withOptimizerState: (state, opt) => {
        disposeStale(state.opt, opt);
        return { ...state, opt };
      },
    };
  }

  /** `nEpochs` passes of minibatch updates on one rollout. */
  private update(state: PpoState, batch: ExperienceBatch<RolloutTensors>, ctx: StepContext): StepOutput<PpoState> {
    const p = batch.progressRemaining;
    this.lr.value = scheduleValue(this.common.learningRate, p);
    const clipRange = scheduleValue(this.clipRange, p);
    const clipRangeVf = this.clipRangeVf === null ? null : scheduleValue(this.clipRangeVf, p);
    const data = batch.x;
    const n = data.observations.shape[0] as number;
    const seed = ctx.rng.seed();
    const terms: Record<string, Tensor[]> = { pg: [], vl: [], el: [], kl: [], cf: [] };
    let opt = state.opt;
    let updates = state.updates;
    let lastLoss: Tensor | null = null;
    let stopped = false;
    const params = this.policy.parameters();
    for (let epoch = 0; epoch < this.nEpochs && !stopped; epoch++) {
      const order = permutation(n, seed, epoch);
      for (let start = 0; start < n; start += this.batchSize) {
        const idx = order.subarray(start, Math.min(n, start + this.batchSize));
        const out = tidy(() => {
          const index = tensor1d(Int32Array.from(idx), 'int32');
          const mb = (t: Tensor) => gather(t, index);
          const obs = mb(data.observations);
          const actions = mb(data.actions);
          const inputs = {
            oldLogProb: mb(data.logProbs),
            oldValues: mb(data.values),
            returns: mb(data.returns),
            advantages: mb(data.advantages),
          };
          const { value, grads, aux } = valueAndGrad(
            (): [Scalar, Record<string, Scalar>] => {
              const { values, logProb, entropy } = this.policy.evaluateActions(obs, actions);
              const t = ppoLoss(
                { ...inputs, values, logProb, entropy },
                {
                  clipRange,
                  clipRangeVf,
                  entCoef: this.common.entCoef,
                  vfCoef: this.common.vfCoef,
                  normalizeAdvantage: this.normalizeAdvantage,
                },
              );
              return [t.loss, { pg: t.policyLoss, vl: t.valueLoss, el: t.entropyLoss, kl: t.approxKl, cf: t.clipFraction }];
            },
            { hasAux: true },
          )(params);
          return { loss: value, aux, grads };
        });
        const kl = this.targetKl === null ? 0 : ((out.aux.kl as Tensor).dataSync()[0] as number);
        if (this.targetKl !== null && kl > 1.5 * this.targetKl) {
          // SB3 skips this minibatch's update and ends the rollout's epochs
          dispose([out.loss, ...Object.values(out.aux), ...Object.values(out.grads)]);
          stopped = true;
          break;
        }
        opt = applyGradients(this.optimizer, opt, params, out.grads).state;
        dispose(Object.values(out.grads));
        updates++;
        for (const k of Object.keys(terms)) (terms[k] as Tensor[]).push(out.aux[k] as Tensor);
        lastLoss?.dispose();
        lastLoss = out.loss;
      }
    }
    const logs: StepLogs = {
      learning_rate: this.lr.value,
      clip_range: clipRange,
      n_updates: updates,
      explained_variance: explainedVariance(this.buffer.values, this.buffer.returns),
    };
    const names: Record<string, string> = {
      pg: 'policy_gradient_loss',
      vl: 'value_loss',
      el: 'entropy_loss',
      kl: 'approx_kl',
      cf: 'clip_fraction',
    };
    for (const [k, list] of Object.entries(terms)) {
      if (!list.length) continue;
      logs[names[k] as string] = tidy(() => mean(stack(list)));
      dispose(list);
    }
    if (lastLoss) logs.loss = lastLoss;
    return { state: { opt, updates }, logs };
  }

  /**
   * A PPO from saved files (`toFiles()` / `save`) on `env`: the hyperparameters and weights as saved.
   *
   * @example
   * ```ts
   * const ppo = PPO.fromFiles(files, 'CartPole-v1');
   * ```
   */
  static fromFiles(files: SavedAlgorithm, env: EnvInput, overrides: PPOOptions = {}): PPO {
    const config = parseSavedConfig(files, 'PPO');
    const h = config.hyperparameters as Record<string, unknown>;
    const algo = new PPO(env, {
      ...(h as PPOOptions),
      learningRate: scheduleFromJSON(h.learningRate),
      clipRange: scheduleFromJSON(h.clipRange),
      clipRangeVf: h.clipRangeVf === null ? null : scheduleFromJSON(h.clipRangeVf),
      nEnvs: overrides.nEnvs ?? (h.nEnvs as number),
      seed: config.seed,
      ...definedOnly(overrides),
    });
    algo.loadWeights(files['policy.safetensors']);
    algo.numTimesteps = config.numTimesteps;
    return algo;
  }

  /**
   * Loads a PPO saved with `save(dir, io)`.
   *
   * @example
   * ```ts
   * const ppo = await PPO.load('./ppo-cartpole', nodeIO, 'CartPole-v1');
   * ```
   */
  static async load(dir: string, io: AlgorithmIO, env: EnvInput, overrides: PPOOptions = {}): Promise<PPO> {
    return PPO.fromFiles(await readSaved(dir, io), env, overrides);
  }
}

/**
 * `1 - Var(returns - values) / Var(returns)` (NaN when the returns do not vary): how much of the
 * returns' variance the value function explains.
 *
 * @example
 * ```ts
 * explainedVariance([1, 2, 3], [1, 2, 3]); // 1
 * ```
 */
export function explainedVariance(values: ArrayLike<number>, returns: ArrayLike<number>): number {
  const n = returns.length;
  let mr = 0;
  let md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i] as number;
    md += (returns[i] as number) - (values[i] as number);
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += ((returns[i] as number) - mr) ** 2;
    vd += ((returns[i] as number) - (values[i] as number) - md) ** 2;
  }
  return vr === 0 ? Number.NaN : 1 - vd / vr;
}
