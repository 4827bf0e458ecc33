import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { hasKernel, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, addN, clipByValue, div, engine, maximum, mul, sqrt, square, sum } from '@tessera/tensor';
import { type ScalarOrSchedule, valueAt } from './schedules.js';
import type { AdamState, CountState, EmptyState, RmsState, RssState, TraceState } from './state-types.js';
import { mapTensors, zerosTree, zipTensors } from './tree.js';

/** The step count of a state that keeps one (0 for states written before it did). */
/** Validates Adam's moment decays and epsilon; `who` names the optimizer in errors. */
export function checkAdamOptions(options: AdamOptions, who: string, otherKeys: string[] = ['learningRate']): void {
  const { b1, b2, eps } = options;
  // Keras and PyTorch spell the decays beta_1 / betas: an unknown key must not be dropped silently
  const hints: Record<string, string> = {
    beta1: 'b1',
    beta_1: 'b1',
    beta2: 'b2',
    beta_2: 'b2',
    betas: 'b1 and b2',
    epsilon: 'eps',
    lr: 'learningRate',
  };
  for (const key of Object.keys(options)) {
    if (!['b1', 'b2', 'eps'].includes(key)) {
      const hint = hints[key] ? ` (did you mean ${hints[key]}?)` : '';
      throw new ValueError(`${who} option "${key}"${hint}`, `one of ${['b1', 'b2', 'eps', ...otherKeys].join(', ')}`, key);
    }
  }
  for (const [key, b] of [
    ['b1', b1],
    ['b2', b2],
  ] as const) {
    if (b !== undefined && !(typeof b === 'number' && b >= 0 && b < 1)) throw new ValueError(`${who} ${key}`, 'a number in [0, 1)', b);
  }
  if (eps !== undefined && !(typeof eps === 'number' && eps >= 0)) throw new ValueError(`${who} eps`, 'a non-negative number', eps);
}

/** Validates a decay rate (a number in [0, 1)). */
export function checkDecay(value: unknown, where: string): void {
  if (value !== undefined && !(typeof value === 'number' && value >= 0 && value < 1))
    throw new ValueError(where, 'a number in [0, 1)', value);
}

const countOf = (s: StateTree | undefined): number => ((s as { count?: number } | undefined)?.count as number | undefined) ?? 0;
const needParams = (params: NamedTensors | undefined, who: string): NamedTensors => {
  if (!params) throw new ValueError(`${who} update`, 'the current parameters as third argument', params);
  return params;
};

/**
 * Options of {@link scaleByAdam} (Keras defaults b1 0.9, b2 0.999, eps 1e-7).
 *
 * @example
 * ```ts
 * const options: AdamOptions = { b1: 0.9, b2: 0.95, eps: 1e-8 };
 * ```
 */
export interface AdamOptions {
  b1?: number;
  b2?: number;
  eps?: number;
}

/**
 * Adam's preconditioning: bias-corrected first moment over the root of the second moment.
 * State: {@link AdamState} `{ count, mu, nu }`.
 *
 * @example
 * ```ts
 * chain(scaleByAdam(), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByAdam({ b1 = 0.9, b2 = 0.999, eps = 1e-7 }: AdamOptions = {}): GradientTransform<AdamState> {
  checkAdamOptions({ b1, b2, eps }, 'scaleByAdam');
  return {
    name: 'scaleByAdam',
    init: (params) => ({ count: 0, mu: zerosTree(params), nu: zerosTree(params) }),
    update(grads, s) {
      const count = s.count + 1;
      const updates: NamedTensors = {};
      const mu: NamedTensors = {};
      const nu: NamedTensors = {};
      // both moments: an entry of the gradient's shape for every parameter, else a clear error
      zipTensors(grads, s.mu, (g) => g);
      zipTensors(grads, s.nu, (g) => g);
      for (const [k, g] of Object.entries(grads))
        [updates[k], mu[k], nu[k]] = adamEntry(g, s.mu[k] as Tensor, s.nu[k] as Tensor, { b1, b2, eps, count });
      return [updates, { count, mu, nu }];
    },
  };
}

/** The one-pass Adam update kernel (registered by @tessera/kernels on wasm, cpu and native TensorFlow). */
const ADAM_UPDATE = 'TesseraAdamUpdate';

/**
 * One parameter's Adam step: `[update, m', v']`. One {@link ADAM_UPDATE} kernel where the backend
 * has it (the same values as the ops, one dispatch instead of twelve), else the ops.
 */
function adamEntry(
  g: Tensor,
  m: Tensor,
  v: Tensor,
  attrs: { b1: number; b2: number; eps: number; count: number },
): [Tensor, Tensor, Tensor] {
  const { b1, b2, eps, count } = attrs;
  const float32 = g.dtype === 'float32' && m.dtype === 'float32' && v.dtype === 'float32';
  if (float32 && hasKernel(ADAM_UPDATE))
    return engine().runKernel(ADAM_UPDATE, { g, m, v } as never, attrs as never) as [Tensor, Tensor, Tensor];
  const m1 = add(mul(m, b1), mul(g, 1 - b1));
  const v1 = add(mul(v, b2), mul(square(g), 1 - b2));
  return [div(mul(m1, 1 / (1 - b1 ** count)), add(sqrt(mul(v1, 1 / (1 - b2 ** count))), eps)), m1, v1];
}

/**
 * RMS preconditioning g / (sqrt(nu) + eps) with nu an average of squared gradients. State: {@link RmsState} `{ nu }`.
 *
 * @example
 * ```ts
 * chain(scaleByRms({ decay: 0.9 }), scaleByLearningRate(1e-3));
 * ```
 */
export function scaleByRms({
  decay = 0.9,
  eps = 1e-7,
  initialScale = 0,
}: {
  decay?: number;
  eps?: number;
  initialScale?: number;
} = {}): GradientTransform<RmsState> {
  checkDecay(decay, 'scaleByRms decay');
  return {
    name: 'scaleByRms',
    init: (params) => ({ nu: mapTensors(params, (p) => add(mul(p, 0), initialScale)) }),
    update(grads, state) {
      const nu = zipTensors(grads, state.nu, (g, v) => add(mul(v, decay), mul(square(g), 1 - decay)));
      return [zipTensors(grads, nu, (g, v) => div(g, add(sqrt(v), eps))), { nu }];
    },
  };
}

/**
 * Adagrad preconditioning g / (sqrt(sum of g^2) + eps). State: {@link RssState} `{ sumOfSquares }`.
 *
 * @example
 * ```ts
 * chain(scaleByRss(), scaleByLearningRate(0.01));
 * ```
 */
export function scaleByRss({ initialAccumulatorValue = 0.1, eps = 1e-7 } = {}): GradientTransform<RssState> {
  return {
    name: 'scaleByRss',
    init: (params) => ({ sumOfSquares: mapTensors(params, (p) => add(mul(p, 0), initialAccumulatorValue)) }),
    update(grads, state) {
      const acc = zipTensors(grads, state.sumOfSquares, (g, a) => add(a, square(g)));
      return [zipTensors(grads, acc, (g, a) => div(g, add(sqrt(a), eps))), { sumOfSquares: acc }];
    },
  };
}

/**
 * Momentum: trace = g + decay * trace; with `nesterov` the update is g + decay * trace. `decay`
 * is a number or a schedule of the step (read at the step count before the update, like the
 * learning rate). State: {@link TraceState} `{ trace, count }`.
 *
 * @example
 * ```ts
 * chain(trace({ decay: 0.9, nesterov: true }), scaleByLearningRate(0.1));
 * trace({ decay: linearSchedule(0.5, 0.99, 1000) }); // momentum warm-up
 * ```
 */
export function trace({
  decay = 0.9,
  nesterov = false,
}: {
  decay?: ScalarOrSchedule;
  nesterov?: boolean;
} = {}): GradientTransform<TraceState> {
  return {
    name: 'trace',
    init: (params) => ({ trace: zerosTree(params), count: 0 }),
    update(grads, state) {
      const count = countOf(state);
      const d = valueAt(decay, count);
      const t = zipTensors(grads, state.trace, (g, tr) => add(g, mul(tr, d)));
      const updates = nesterov ? zipTensors(grads, t, (g, tr) => add(g, mul(tr, d))) : t;
      return [updates, { trace: t, count: count + 1 }];
    },
  };
}

/**
 * Adds `weightDecay * param` to each update (decoupled weight decay when placed before the learning rate).
 * `weightDecay` is a number or a schedule of the step (read at the step count before the update).
 * `mask(name)` returning false exempts a parameter (e.g. biases). State: {@link CountState} `{ count }`.
 *
 * @example
 * ```ts
 * addDecayedWeights({ weightDecay: 1e-4, mask: (name) => !name.endsWith('/bias') });
 * addDecayedWeights({ weightDecay: cosineDecay(1e-2, 5000) });
 * ```
 */
export function addDecayedWeights({
  weightDecay = 1e-4,
  mask,
}: {
  weightDecay?: ScalarOrSchedule;
  mask?: (name: string) => boolean;
} = {}): GradientTransform<CountState> {
  return {
    name: 'addDecayedWeights',
    init: () => ({ count: 0 }),
    update(grads, state, params) {
      const p = needParams(params, 'addDecayedWeights');
      const count = countOf(state);
      const wd = valueAt(weightDecay, count);
      const updates = zipTensors(grads, p, (g, w, name) => (mask && !mask(name) ? g : add(g, mul(w, wd))), 'addDecayedWeights params');
      return [updates, { ...state, count: count + 1 }];
    },
  };
}

/**
 * Rescales all gradients so that their global L2 norm is at most `maxNorm`.
 *
 * @example
 * ```ts
 * chain(clipByGlobalNorm(1), adam());
 * ```
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransform<EmptyState> {
  if (!(maxNorm > 0)) throw new ValueError('clipByGlobalNorm maxNorm', 'a positive number', maxNorm);
  return {
    name: 'clipByGlobalNorm',
    init: () => ({}),
    update(grads, state) {
      const list = Object.values(grads);
      if (list.length === 0) return [grads, state];
      const norm = sqrt(addN(list.map((g) => sum(square(g)))));
      const factor = div(maxNorm, maximum(norm, maxNorm));
      return [mapTensors(grads, (g) => mul(g, factor)), state];
    },
  };
}

/**
 * Clips every gradient element to [-maxDelta, maxDelta].
 *
 * @example
 * ```ts
 * chain(clip(0.5), sgd({ learningRate: 0.1 }));
 * ```
 */
export function clip(maxDelta: number): GradientTransform<EmptyState> {
  if (!(maxDelta > 0)) throw new ValueError('clip maxDelta', 'a positive number', maxDelta);
  return {
    name: 'clip',
    init: () => ({}),
    update: (grads, state) => [mapTensors(grads, (g) => clipByValue(g, -maxDelta, maxDelta)), state],
  };
}

/**
 * Multiplies updates by a constant.
 *
 * @example
 * ```ts
 * scale(-0.1); // plain gradient descent with learning rate 0.1
 * ```
 */
export function scale(factor: number): GradientTransform<EmptyState> {
  return { name: 'scale', init: () => ({}), update: (grads, state) => [mapTensors(grads, (g) => mul(g, factor)), state] };
}
