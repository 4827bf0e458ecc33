import type { NamedTensors, StateTree } from '@tessera/core';

/**
 * State of {@link scaleByAdam}: the step count and the first and second moments by parameter name.
 *
 * @example
 * ```ts
 * const s = scaleByAdam().init(params) as AdamState;
 * s.mu['dense/kernel']; // zeros shaped like the kernel
 * ```
 */
export type AdamState = { count: number; mu: NamedTensors; nu: NamedTensors };

/**
 * State of {@link scaleByRms}: the running average of squared gradients by parameter name.
 *
 * @example
 * ```ts
 * const s: RmsState = scaleByRms().init(params);
 * ```
 */
export type RmsState = { nu: NamedTensors };

/**
 * State of {@link scaleByRss} (Adagrad): the sum of squared gradients by parameter name.
 *
 * @example
 * ```ts
 * const s: RssState = scaleByRss().init(params);
 * ```
 */
export type RssState = { sumOfSquares: NamedTensors };

/**
 * State of {@link trace} (momentum): the velocity by parameter name and the step count.
 *
 * @example
 * ```ts
 * const s: TraceState = trace({ decay: 0.9 }).init(params); // { trace: { ... }, count: 0 }
 * ```
 */
export type TraceState = { trace: NamedTensors; count: number };

/**
 * State of transforms that only count steps ({@link addDecayedWeights}, {@link scaleBySchedule}).
 *
 * @example
 * ```ts
 * const s: CountState = addDecayedWeights().init(params); // { count: 0 }
 * ```
 */
export type CountState = { count: number };

/**
 * State of stateless transforms ({@link clip}, {@link clipByGlobalNorm}, {@link scale}): `{}`.
 *
 * @example
 * ```ts
 * const s: EmptyState = clip(1).init(params); // {}
 * ```
 */
export type EmptyState = { [key: string]: never };

/**
 * State of {@link accumulate}: steps seen, the running gradient sum and the inner transform's state.
 *
 * @example
 * ```ts
 * const s = accumulate(4, adam()).init(params) as AccumulateState;
 * s.count; // 0
 * ```
 */
export type AccumulateState<S extends StateTree = StateTree> = { count: number; sum: NamedTensors; inner: S };

/**
 * State of {@link ema}: the step count and the parameter averages (read them with {@link emaParams}).
 *
 * @example
 * ```ts
 * const s: EmaState = ema({ decay: 0.99 }).init(params); // { kind: 'ema', count: 0, ema: { ... } }
 * ```
 */
export type EmaState = { kind: 'ema'; count: number; ema: NamedTensors };

/**
 * State of {@link lion}'s direction transform: the momentum by parameter name.
 *
 * @example
 * ```ts
 * const s = lion().init(params) as ChainState; // { '0:scaleByLion': { mu: { ... } }, '1:scaleByLearningRate': { ... } }
 * ```
 */
export type LionState = { mu: NamedTensors };

/**
 * State of {@link chain} and {@link namedChain}: each child's state under its key. `chain` keys a
 * child by its position and name (`'0:scaleByAdam'`, `'1:scaleByLearningRate'`), `namedChain`
 * by the name given.
 *
 * @example
 * ```ts
 * const s = adam().init(params) as ChainState;
 * (s['0:scaleByAdam'] as AdamState).mu; // Adam's first moments
 * ```
 */
export type ChainState = { [key: string]: StateTree };
