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

interface LegacyNode {
  kind: 'learningRate';
  scale: number;
  value: number;
  [k: string]: StateTree;
}

/**
 * The state layout of learning-rate transforms written before the protocol existed: a
 * `{ kind: 'learningRate', scale, value }` node anywhere in the tree. Only used for transforms
 * that do not implement `learningRate` (and for the deprecated state-only call forms).
 */
function visitLegacy(state: StateTree, fn: (s: LegacyNode) => LegacyNode): StateTree {
  if (Array.isArray(state)) return state.map((s) => visitLegacy(s, fn));
  if (state && typeof state === 'object' && !('dataId' in state)) {
    if ((state as LegacyNode).kind === 'learningRate') return fn(state as LegacyNode);
    const out: Record<string, StateTree> = {};
    for (const [k, v] of Object.entries(state)) out[k] = visitLegacy(v, fn);
    return out;
  }
  return state;
}

function legacyGet(state: StateTree): number | undefined {
  let found: number | undefined;
  visitLegacy(state, (s) => {
    found ??= s.value;
    return s;
  });
  return found;
}

function legacyScale(state: StateTree, factor: number): StateTree {
  return visitLegacy(state, (s) => ({ ...s, scale: s.scale * factor, value: s.value * factor }));
}

const isTransform = (x: unknown): x is GradientTransform =>
  typeof x === 'object' &&
  x !== null &&
  typeof (x as GradientTransform).update === 'function' &&
  typeof (x as GradientTransform).init === 'function';

/** The protocol's answer when the transform implements it and has a rate, else undefined. */
function viaProtocol(transform: GradientTransform | undefined, state: StateTree): number | undefined {
  return transform?.learningRate ? transform.learningRate(state) : undefined;
}

function get(transform: GradientTransform | undefined, state: StateTree): number | undefined {
  return viaProtocol(transform, state) ?? legacyGet(state);
}

function scaleBy(transform: GradientTransform | undefined, state: StateTree, factor: number): StateTree {
  if (transform?.scaleLearningRate && viaProtocol(transform, state) !== undefined) return transform.scaleLearningRate(state, factor);
  return legacyScale(state, factor);
}

/**
 * The learning rate an optimizer used at its last step (its schedule value times the run-time
 * scale; the initial rate before any step), or undefined when it applies none. Asks the
 * transform through the learning-rate protocol (`transform.learningRate(state)`); for a transform
 * that does not implement it (hand-written before the protocol), reads the state's
 * `{ kind: 'learningRate', value }` node. The state-only form `getLearningRate(state)` is
 * deprecated: it reads such nodes only.
 *
 * @example
 * ```ts
 * const tx = adam({ learningRate: 1e-3 });
 * let state = tx.init(params);
 * getLearningRate(tx, state); // 0.001
 * ```
 */
export function getLearningRate<S extends StateTree>(transform: GradientTransform<S> | undefined, state: S): number | undefined;
/** @deprecated Pass the transform: `getLearningRate(transform, state)`. */
export function getLearningRate(state: StateTree): number | undefined;
export function getLearningRate(...args: [GradientTransform | undefined, StateTree] | [StateTree]): number | undefined {
  if (args.length === 1) return legacyGet(args[0]);
  return get(args[0] as GradientTransform | undefined, args[1]);
}

function scaleImpl(
  transform: GradientTransform | undefined,
  state: StateTree,
  factor: number,
  options: ScaleLearningRateOptions,
): StateTree {
  if (!(factor >= 0)) throw new ValueError('scaleLearningRate factor', 'a non-negative number', factor);
  const current = get(transform, state);
  if (current === undefined) return state;
  let effective = factor;
  const { min } = options;
  if (min !== undefined && current * factor < min) effective = current > 0 ? Math.min(min, current) / current : 1;
  return scaleBy(transform, state, effective);
}

/**
 * Returns a new state whose learning rate(s) are multiplied by `factor` from the next step on,
 * never going below `options.min` (reduce-LR-on-plateau uses this). Tensors are shared with the
 * old state, not copied (dispose only one of them). A state without a learning rate is returned
 * unchanged. The state-only form `scaleLearningRate(state, factor, options)` is deprecated.
 *
 * @example
 * ```ts
 * optState = scaleLearningRate(tx, optState, 0.5, { min: 1e-6 });
 * ```
 */
export function scaleLearningRate<S extends StateTree>(
  transform: GradientTransform<S> | undefined,
  state: S,
  factor: number,
  options?: ScaleLearningRateOptions,
): S;
/** @deprecated Pass the transform: `scaleLearningRate(transform, state, factor, options)`. */
export function scaleLearningRate<S extends StateTree>(state: S, factor: number, options?: ScaleLearningRateOptions): S;
export function scaleLearningRate(...args: unknown[]): StateTree {
  if (isTransform(args[0]) || typeof args[2] === 'number') {
    return scaleImpl(
      args[0] as GradientTransform | undefined,
      args[1] as StateTree,
      args[2] as number,
      (args[3] as ScaleLearningRateOptions) ?? {},
    );
  }
  return scaleImpl(undefined, args[0] as StateTree, args[1] as number, (args[2] as ScaleLearningRateOptions) ?? {});
}

function setImpl(transform: GradientTransform | undefined, state: StateTree, value: number): StateTree {
  if (!(value >= 0)) throw new ValueError('setLearningRate value', 'a non-negative number', value);
  const current = get(transform, state);
  if (current === undefined) return state;
  if (!(current > 0)) {
    throw new ValueError('setLearningRate', 'a state whose current learning rate is positive (it is rescaled)', current);
  }
  return scaleBy(transform, state, value / current);
}

/**
 * Returns a new state whose learning rate equals `value` from the next step on (schedules keep
 * their shape: the schedule is multiplied by `value / current`). Tensors are shared with the old
 * state (dispose only one of them). The state-only form `setLearningRate(state, value)` is deprecated.
 *
 * @example
 * ```ts
 * const tx = sgd({ learningRate: 0.1 });
 * let optState = tx.init(params);
 * optState = setLearningRate(tx, optState, 1e-4);
 * getLearningRate(tx, optState); // 0.0001
 * ```
 */
export function setLearningRate<S extends StateTree>(transform: GradientTransform<S> | undefined, state: S, value: number): S;
/** @deprecated Pass the transform: `setLearningRate(transform, state, value)`. */
export function setLearningRate<S extends StateTree>(state: S, value: number): S;
export function setLearningRate(...args: unknown[]): StateTree {
  if (isTransform(args[0]) || typeof args[2] === 'number') {
    return setImpl(args[0] as GradientTransform | undefined, args[1] as StateTree, args[2] as number);
  }
  return setImpl(undefined, args[0] as StateTree, args[1] as number);
}
