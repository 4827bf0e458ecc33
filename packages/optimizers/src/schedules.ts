import { ValueError } from '@tessera/core';

/**
 * A schedule maps the optimizer step (0-based) to a hyperparameter value.
 *
 * @example
 * ```ts
 * const warmup: Schedule = (step) => Math.min(1, step / 100) * 1e-3;
 * ```
 */
export type Schedule = (step: number) => number;
/**
 * A hyperparameter given as a constant or a schedule.
 *
 * @example
 * ```ts
 * const lr: ScalarOrSchedule = cosineDecay(1e-3, 5000); // or 1e-3
 * ```
 */
export type ScalarOrSchedule = number | Schedule;

/**
 * Reads a constant or a schedule at a step.
 *
 * @example
 * ```ts
 * valueAt(cosineDecay(0.1, 100), 50); // 0.05
 * ```
 */
export function valueAt(v: ScalarOrSchedule, step: number): number {
  return typeof v === 'function' ? v(step) : v;
}

/**
 * The same value at every step.
 *
 * @example
 * ```ts
 * constant(1e-3)(1000); // 0.001
 * ```
 */
export function constant(value: number): Schedule {
  return () => value;
}

/**
 * Linear interpolation from `init` to `end` over `steps`, then `end`.
 *
 * @example
 * ```ts
 * linearSchedule(0, 1e-3, 1000); // warm-up
 * ```
 */
export function linearSchedule(init: number, end: number, steps: number, begin = 0): Schedule {
  if (steps <= 0) throw new ValueError('linearSchedule steps', 'a positive number', steps);
  return (step) => {
    const t = Math.min(Math.max(step - begin, 0) / steps, 1);
    return init + (end - init) * t;
  };
}

/**
 * Linear decay from `init` to `end` over `steps` (alias of {@link linearSchedule}, Keras'
 * `PolynomialDecay` with power 1).
 *
 * @example
 * ```ts
 * linearDecay(1e-3, 0, 10_000)(5000); // 0.0005
 * ```
 */
export function linearDecay(init: number, end: number, steps: number, begin = 0): Schedule {
  return linearSchedule(init, end, steps, begin);
}

/**
 * Options of {@link cosineDecay}.
 *
 * @example
 * ```ts
 * const options: CosineOptions = { alpha: 0.01, warmupSteps: 500 };
 * ```
 */
export interface CosineOptions {
  /** Final value as a fraction of the initial one (default 0). */
  alpha?: number;
  /** Linear warm-up steps from `warmupInit` to the initial value before the decay (default 0). */
  warmupSteps?: number;
  /** Value at step 0 when warming up (default 0). */
  warmupInit?: number;
}

/**
 * Cosine decay from `init` to `init * alpha` over `decaySteps` (after an optional linear warm-up).
 *
 * @example
 * ```ts
 * const lr = cosineDecay(1e-3, 5000, { warmupSteps: 500 });
 * ```
 */
export function cosineDecay(init: number, decaySteps: number, options: CosineOptions = {}): Schedule {
  if (decaySteps <= 0) throw new ValueError('cosineDecay decaySteps', 'a positive number', decaySteps);
  const { alpha = 0, warmupSteps = 0, warmupInit = 0 } = options;
  return (step) => {
    if (step < warmupSteps) return warmupInit + ((init - warmupInit) * step) / warmupSteps;
    const t = Math.min(step - warmupSteps, decaySteps) / decaySteps;
    return init * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * t)) + alpha);
  };
}

/**
 * optax's `warmup_cosine_decay_schedule`: linear warm-up from `init` to `peak` over `warmupSteps`,
 * then cosine decay from `peak` to `end` until step `decaySteps` (warm-up included), then `end`.
 *
 * @example
 * ```ts
 * const lr = warmupCosineDecay({ init: 0, peak: 1e-3, warmupSteps: 500, decaySteps: 10_000, end: 1e-5 });
 * ```
 */
export function warmupCosineDecay({
  init = 0,
  peak,
  warmupSteps,
  decaySteps,
  end = 0,
}: {
  init?: number;
  peak: number;
  warmupSteps: number;
  decaySteps: number;
  end?: number;
}): Schedule {
  if (!(decaySteps > warmupSteps)) {
    throw new ValueError('warmupCosineDecay decaySteps', `a number greater than warmupSteps (${warmupSteps})`, decaySteps);
  }
  const decay = decaySteps - warmupSteps;
  return (step) => {
    if (step < warmupSteps) return init + ((peak - init) * step) / warmupSteps;
    const t = Math.min(step - warmupSteps, decay) / decay;
    return end + (peak - end) * 0.5 * (1 + Math.cos(Math.PI * t));
  };
}

/**
 * Options of {@link exponentialDecay}.
 *
 * @example
 * ```ts
 * const options: ExponentialOptions = { staircase: true, endValue: 1e-5 };
 * ```
 */
export interface ExponentialOptions {
  /** Decay in whole intervals of `decaySteps` (default false). */
  staircase?: boolean;
  /** Lower bound of the value (default none). */
  endValue?: number;
}

/**
 * `init * rate^(step / decaySteps)`.
 *
 * @example
 * ```ts
 * exponentialDecay(0.1, 1000, 0.5, { staircase: true });
 * ```
 */
export function exponentialDecay(init: number, decaySteps: number, rate: number, options: ExponentialOptions = {}): Schedule {
  if (decaySteps <= 0) throw new ValueError('exponentialDecay decaySteps', 'a positive number', decaySteps);
  return (step) => {
    const p = options.staircase ? Math.floor(step / decaySteps) : step / decaySteps;
    const v = init * rate ** p;
    return options.endValue === undefined ? v : rate < 1 ? Math.max(v, options.endValue) : Math.min(v, options.endValue);
  };
}

/**
 * Piecewise constant: `values[i]` until `boundaries[i]`, then the next value.
 *
 * @example
 * ```ts
 * piecewiseConstant([1000, 2000], [1e-3, 1e-4, 1e-5]);
 * ```
 */
export function piecewiseConstant(boundaries: number[], values: number[]): Schedule {
  if (values.length !== boundaries.length + 1) {
    throw new ValueError('piecewiseConstant values', `${boundaries.length + 1} values (one more than boundaries)`, values);
  }
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step >= (boundaries[i] as number)) i++;
    return values[i] as number;
  };
}

/**
 * Runs schedules one after another: `schedules[i]` from `boundaries[i-1]`, each seeing steps counted from its start.
 *
 * @example
 * ```ts
 * joinSchedules([linearSchedule(0, 1e-3, 100), cosineDecay(1e-3, 900)], [100]);
 * ```
 */
export function joinSchedules(schedules: Schedule[], boundaries: number[]): Schedule {
  if (schedules.length !== boundaries.length + 1) {
    throw new ValueError('joinSchedules schedules', `${boundaries.length + 1} schedules`, schedules.length);
  }
  return (step) => {
    let i = 0;
    while (i < boundaries.length && step >= (boundaries[i] as number)) i++;
    const start = i === 0 ? 0 : (boundaries[i - 1] as number);
    return (schedules[i] as Schedule)(step - start);
  };
}
