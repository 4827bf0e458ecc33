import type { GradientTransform, StateTree, StepLogs, StepOutput, StepSnapshot, TrainStep } from '@tessera/core';
import { disposeStale, disposeTree, ValueError } from '@tessera/core';
import { adam, chain, clipByGlobalNorm, rmsprop } from '@tessera/optimizers';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, applyGradients, dispose, mean, mul, neg, square, sub, tidy, valueAndGrad } from '@tessera/tensor';
import { restoreModuleWeights } from '@tessera/train';
import type { RolloutTensors } from '../buffers/rollout-buffer.js';
import { scheduleFromJSON, scheduleValue } from '../common/schedule.js';
import { normalizeAdvantages } from './advantage.js';
import type { AlgorithmIO, SavedAlgorithm } from './base-algorithm.js';
import { parseSavedConfig, readSaved } from './base-algorithm.js';
import type { ExperienceBatch } from './experience.js';
import { definedOnly, OnPolicyAlgorithm, type OnPolicyOptions } from './on-policy.js';
import { explainedVariance } from './ppo.js';
import type { EnvInput } from './vec-env.js';

/**
 * Options of {@link A2C} (Stable-Baselines3's names in camelCase, and its defaults).
 *
 * @example
 * ```ts
 * const options: A2COptions = { nEnvs: 8, nSteps: 5, entCoef: 0, learningRate: 7e-4 }; // rl-zoo's CartPole-v1
 * ```
 */
export interface A2COptions extends OnPolicyOptions {
  /** RMSprop (α 0.99, eps `rmsPropEps`, as torch's and SB3's) rather than Adam (default true). */
  useRmsProp?: boolean;
  /** RMSprop's epsilon (default 1e-5). */
  rmsPropEps?: number;
  /** Normalize the rollout's advantages (default false). */
  normalizeAdvantage?: boolean;
}

/**
 * The terms of A2C's loss on a rollout.
 *
 * @example
 * ```ts
 * const { loss, policyLoss, valueLoss, entropyLoss } = a2cLoss({ logProb, values, returns, advantages, entropy }, { entCoef: 0, vfCoef: 0.5 });
 * ```
 */
export interface A2CLossTerms {
  loss: Scalar;
  policyLoss: Scalar;
  valueLoss: Scalar;
  entropyLoss: Scalar;
}

/**
 * A2C's loss (Stable-Baselines3's `A2C.train`): policy loss `-mean(A · logProb)`, value loss
 * `mean((R - V)²)`, entropy loss `-mean(H)`, total `policy + entCoef · entropy + vfCoef · value`.
 *
 * @example
 * ```ts
 * const terms = a2cLoss({ logProb, values, returns, advantages, entropy }, { entCoef: 0.01, vfCoef: 0.5 });
 * ```
 */
export function a2cLoss(
  inputs: { logProb: Tensor; values: Tensor; returns: Tensor; advantages: Tensor; entropy: Tensor },
  options: { entCoef: number; vfCoef: number; normalizeAdvantage?: boolean },
): A2CLossTerms {
  const adv = options.normalizeAdvantage ? normalizeAdvantages(inputs.advantages) : inputs.advantages;
  const policyLoss = neg(mean(mul(adv, inputs.logProb))) as Scalar;
  const valueLoss = mean(square(sub(inputs.returns, inputs.values))) as Scalar;
  const entropyLoss = neg(mean(inputs.entropy)) as Scalar;
  const loss = add(add(policyLoss, mul(entropyLoss, options.entCoef)), mul(valueLoss, options.vfCoef)) as Scalar;
  return { loss, policyLoss, valueLoss, entropyLoss };
}

interface A2CState {
  [key: string]: StateTree;
  opt: StateTree;
  updates: number;
}

/**
 * Advantage Actor-Critic (Mnih et al. 2016, synchronous) as Stable-Baselines3 implements it:
 * rollouts of `nSteps` (default 5) steps of every environment, returns and advantages with GAE
 * (λ default 1: n-step returns), one gradient step per rollout on the whole rollout with
 * gradient-norm clipping (0.5) and RMSprop (α 0.99, eps 1e-5). Each rollout is one `fit` step.
 *
 * Logs: `policy_loss`, `value_loss`, `entropy_loss`, `explained_variance`, `learning_rate`, plus the {@link BaseAlgorithm} progress logs.
 *
 * @example
 * ```ts
 * const a2c = new A2C('CartPole-v1', { nEnvs: 8, seed: 0 }); // rl-zoo's CartPole-v1 hyperparameters
 * await a2c.learn({ totalTimesteps: 500_000 });
 * ```
 */
export class A2C extends OnPolicyAlgorithm {
  readonly algorithmName = 'A2C';
  readonly useRmsProp: boolean;
  readonly rmsPropEps: number;
  readonly normalizeAdvantage: boolean;
  readonly optimizer: GradientTransform;
  private readonly lr = { value: 0 };
  private step: TrainStep<A2CState, ExperienceBatch<RolloutTensors>> | null = null;

  constructor(env: EnvInput, options: A2COptions = {}) {
    super(env, options, { nSteps: 5, gamma: 0.99, gaeLambda: 1, entCoef: 0, vfCoef: 0.5, maxGradNorm: 0.5, learningRate: 7e-4 }, 'A2C');
    const o = { useRmsProp: true, rmsPropEps: 1e-5, normalizeAdvantage: false, ...definedOnly(options) };
    if (!(o.rmsPropEps > 0)) throw new ValueError('A2C rmsPropEps', 'a positive number', o.rmsPropEps);
    this.useRmsProp = o.useRmsProp;
    this.rmsPropEps = o.rmsPropEps;
    this.normalizeAdvantage = o.normalizeAdvantage;
    this.lr.value = scheduleValue(this.common.learningRate, 1);
    const learningRate = () => this.lr.value;
    const base = this.useRmsProp ? rmsprop({ learningRate, rho: 0.99, eps: this.rmsPropEps }) : adam({ learningRate, eps: 1e-5 });
    this.optimizer = chain(clipByGlobalNorm(this.common.maxGradNorm || Number.MAX_VALUE), base);
  }

  hyperparameters(): Record<string, unknown> {
    return { ...this.commonJSON(), useRmsProp: this.useRmsProp, rmsPropEps: this.rmsPropEps, normalizeAdvantage: this.normalizeAdvantage };
  }

  protected trainStep(): TrainStep<A2CState, ExperienceBatch<RolloutTensors>> {
    this.step ??= this.makeStep();
    return this.step;
  }

  private makeStep(): TrainStep<A2CState, ExperienceBatch<RolloutTensors>> {
    const policy = this.policy;
    const modules = { policy };
    const params = () => policy.parameters();
    return {
      name: 'a2c',
      modules: () => modules,
      optimizer: this.optimizer,
      init: () => ({ opt: this.optimizer.init(params()), updates: 0 }),
      step: (state, batch) => this.update(state, batch),
      snapshot: (state): StepSnapshot => ({ weights: params(), optimizerState: state.opt, extra: { updates: state.updates } }),
      restore(snap, _batch, previous) {
        restoreModuleWeights(modules, snap.weights, 'A2C restore');
        const next: A2CState = { opt: snap.optimizerState, updates: (snap.extra as { updates?: number })?.updates ?? 0 };
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

  private update(state: A2CState, batch: ExperienceBatch<RolloutTensors>): StepOutput<A2CState> {
    this.lr.value = scheduleValue(this.common.learningRate, batch.progressRemaining);
    const data = batch.x;
    const params = this.policy.parameters();
    const out = tidy(() => {
      const { value, grads, aux } = valueAndGrad(
        (): [Scalar, Record<string, Scalar>] => {
          const { values, logProb, entropy } = this.policy.evaluateActions(data.observations as Tensor, data.actions as Tensor);
          const t = a2cLoss(
            { logProb, values, entropy, returns: data.returns as Tensor, advantages: data.advantages as Tensor },
            { entCoef: this.common.entCoef, vfCoef: this.common.vfCoef, normalizeAdvantage: this.normalizeAdvantage },
          );
          return [t.loss, { policy_loss: t.policyLoss, value_loss: t.valueLoss, entropy_loss: t.entropyLoss }];
        },
        { hasAux: true },
      )(params);
      return { loss: value, aux, grads };
    });
    const opt = applyGradients(this.optimizer, state.opt, params, out.grads).state;
    dispose(Object.values(out.grads));
    const logs: StepLogs = {
      ...out.aux,
      loss: out.loss,
      learning_rate: this.lr.value,
      explained_variance: explainedVariance(this.buffer.values, this.buffer.returns),
    };
    return { state: { opt, updates: state.updates + 1 }, logs };
  }

  /**
   * An A2C from saved files (`toFiles()` / `save`) on `env`.
   *
   * @example
   * ```ts
   * const a2c = A2C.fromFiles(files, 'CartPole-v1');
   * ```
   */
  static fromFiles(files: SavedAlgorithm, env: EnvInput, overrides: A2COptions = {}): A2C {
    const config = parseSavedConfig(files, 'A2C');
    const h = config.hyperparameters as Record<string, unknown>;
    const algo = new A2C(env, {
      ...(h as A2COptions),
      learningRate: scheduleFromJSON(h.learningRate),
      nEnvs: h.nEnvs as number,
      seed: config.seed,
      ...definedOnly(overrides),
    });
    algo.loadWeights(files['policy.safetensors']);
    algo.numTimesteps = config.numTimesteps;
    return algo;
  }

  /**
   * Loads an A2C saved with `save(dir, io)`.
   *
   * @example
   * ```ts
   * const a2c = await A2C.load('./a2c-cartpole', nodeIO, 'CartPole-v1');
   * ```
   */
  static async load(dir: string, io: AlgorithmIO, env: EnvInput, overrides: A2COptions = {}): Promise<A2C> {
    return A2C.fromFiles(await readSaved(dir, io), env, overrides);
  }
}
