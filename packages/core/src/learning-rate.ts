import type { GradientTransform, StateTree } from './contracts/gradient-transform.js';
import { ValueError } from './errors.js';

/**
 * Options of {@link scaleLearningRate}.
 *
 * @example
 * ```ts
 * const options: ScaleLearningRateOptions = { min: 1e-6 };
 * ```
 */
export interface ScaleLearningRateOptions {
  /** The rate never goes below `min` (a rate already below it is left as is). */
  min?: number;
}

type Protocol<S extends StateTree> = GradientTransform<S> & Required<Pick<GradientTransform<S>, 'learningRate' | 'scaleLearningRate'>>;

/** The transform, checked to implement the learning-rate protocol; a ValueError naming it otherwise. */
function withProtocol<S extends StateTree>(fn: string, transform: GradientTransform<S> | undefined): Protocol<S> {
  if (typeof transform?.learningRate === 'function' && typeof transform.scaleLearningRate === 'function') {
    return transform as Protocol<S>;
  }
  const label = transform?.name ?? 'the optimizer';
  throw new ValueError(
    `${fn} transform`,
    'a GradientTransform implementing the learning-rate protocol (learningRate and scaleLearningRate)',
    `${label}, which has no learning-rate protocol`,
  );
}

/**
 * The learning rate an optimizer used at its last step (its schedule value times the run-time
 * scale; the initial rate before any step), asked through the learning-rate protocol of
 * `GradientTransform` (`transform.learningRate(state)`). Undefined when the transform applies no
 * learning rate, when it does not implement the protocol, or when there is no transform.
 *
 * @example
 * ```ts
 * const tx = adam({ learningRate: 1e-3 });
 * let state = tx.init(params);
 * getLearningRate(tx, state); // 0.001
 * ```
 */
export function getLearningRate<S extends StateTree>(transform: GradientTransform<S> | undefined, state: S): number | undefined {
  return typeof transform?.learningRate === 'function' ? transform.learningRate(state) : undefined;
}

/**
 * Returns a new state whose learning rate(s) are multiplied by `factor` from the next step on,
 * never going below `options.min` (reduce-LR-on-plateau uses this), through the transform's
 * learning-rate protocol (`transform.scaleLearningRate(state, factor)`). Tensors are shared with
 * the old state, not copied (dispose only one of them). A transform that implements the protocol
 * but applies no learning rate (e.g. `chain(clipByGlobalNorm(1), scaleByAdam())`) gets its state
 * back unchanged; a transform without the protocol is a `ValueError` naming it.
 *
 * @example
 * ```ts
 * optState = scaleLearningRate(tx, optState, 0.5, { min: 1e-6 });
 * ```
 */
export function scaleLearningRate<S extends StateTree>(
  transform: GradientTransform<S>,
  state: S,
  factor: number,
  options: ScaleLearningRateOptions = {},
): S {
  const tx = withProtocol('scaleLearningRate', transform);
  if (!(factor >= 0)) throw new ValueError('scaleLearningRate factor', 'a non-negative number', factor);
  const current = tx.learningRate(state);
  if (current === undefined) return state;
  let effective = factor;
  const { min } = options;
  if (min !== undefined && current * factor < min) effective = current > 0 ? Math.min(min, current) / current : 1;
  return tx.scaleLearningRate(state, effective);
}

/**
 * Returns a new state whose learning rate equals `value` from the next step on (schedules keep
 * their shape: the schedule is multiplied by `value / current`), through the transform's
 * learning-rate protocol. Tensors are shared with the old state (dispose only one of them). A
 * transform that implements the protocol but applies no learning rate gets its state back
 * unchanged; a transform without the protocol is a `ValueError` naming it.
 *
 * @example
 * ```ts
 * const tx = sgd({ learningRate: 0.1 });
 * let optState = tx.init(params);
 * optState = setLearningRate(tx, optState, 1e-4);
 * getLearningRate(tx, optState); // 0.0001
 * ```
 */
export function setLearningRate<S extends StateTree>(transform: GradientTransform<S>, state: S, value: number): S {
  const tx = withProtocol('setLearningRate', transform);
  if (!(value >= 0)) throw new ValueError('setLearningRate value', 'a non-negative number', value);
  const current = tx.learningRate(state);
  if (current === undefined) return state;
  if (!(current > 0)) {
    throw new ValueError('setLearningRate', 'a state whose current learning rate is positive (it is rescaled)', current);
  }
  return tx.scaleLearningRate(state, value / current);
}
