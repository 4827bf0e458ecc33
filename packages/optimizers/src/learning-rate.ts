import type { GradientTransform, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { mul } from '@tessera/tensor';
import { type ScalarOrSchedule, valueAt } from './schedules.js';
import { mapTensors } from './tree.js';

/**
 * State of {@link scaleByLearningRate}: the step count, a run-time multiplier of the learning
 * rate (changed by callbacks such as reduce-LR-on-plateau) and the last effective value.
 *
 * @example
 * ```ts
 * const lrState: LearningRateState = { kind: 'learningRate', count: 10, scale: 0.5, value: 5e-4 };
 * ```
 */
export interface LearningRateState {
  [key: string]: StateTree;
  kind: 'learningRate';
  count: number;
  scale: number;
  value: number;
}

/**
 * Multiplies updates by `-learningRate` (updates are added to parameters). The rate is a number
 * or a schedule of the step. To change it at run time (callbacks such as reduce-LR-on-plateau),
 * transform the optimizer state with {@link setLearningRate} or {@link scaleLearningRate} between
 * steps; {@link getLearningRate} reads it. Its state `{ kind: 'learningRate', count, scale, value }`
 * holds plain numbers, so it round-trips through `flattenState`.
 *
 * @example
 * ```ts
 * chain(scaleByAdam(), scaleByLearningRate(cosineDecay(1e-3, 5000)));
 * ```
 */
export function scaleByLearningRate(learningRate: ScalarOrSchedule): GradientTransform {
  if (typeof learningRate === 'number' && !(learningRate >= 0)) {
    throw new ValueError('learningRate', 'a non-negative number or a schedule', learningRate);
  }
  return {
    init: (): LearningRateState => ({ kind: 'learningRate', count: 0, scale: 1, value: valueAt(learningRate, 0) }),
    update(grads, state) {
      const s = state as LearningRateState;
      const lr = valueAt(learningRate, s.count) * s.scale;
      return [mapTensors(grads, (g) => mul(g, -lr)), { ...s, count: s.count + 1, value: lr }];
    },
  };
}

/**
 * Multiplies updates by a schedule of the step (without the minus sign).
 *
 * @example
 * ```ts
 * scaleBySchedule((step) => (step < 100 ? step / 100 : 1));
 * ```
 */
export function scaleBySchedule(schedule: (step: number) => number): GradientTransform {
  return {
    init: () => ({ count: 0 }),
    update(grads, state) {
      const count = (state as { count: number }).count;
      const f = schedule(count);
      return [mapTensors(grads, (g) => mul(g, f)), { count: count + 1 }];
    },
  };
}

function visit(state: StateTree, fn: (lr: LearningRateState) => LearningRateState): StateTree {
  if (Array.isArray(state)) return state.map((s) => visit(s, fn));
  if (state && typeof state === 'object' && !('dataId' in state)) {
    if ((state as LearningRateState).kind === 'learningRate') return fn(state as LearningRateState);
    const out: Record<string, StateTree> = {};
    for (const [k, v] of Object.entries(state)) out[k] = visit(v, fn);
    return out;
  }
  return state;
}

/**
 * The learning rate an optimizer used at its last step (its schedule value times the run-time
 * scale), or undefined when the state has no learning-rate transform.
 *
 * @example
 * ```ts
 * getLearningRate(optState); // 0.001
 * ```
 */
export function getLearningRate(state: StateTree): number | undefined {
  let found: number | undefined;
  visit(state, (s) => {
    found ??= s.value;
    return s;
  });
  return found;
}

/**
 * Returns a new state whose learning rate(s) are multiplied by `factor` from the next step on,
 * never going below `min` (reduce-LR-on-plateau uses this). Tensors are shared, not copied.
 *
 * @example
 * ```ts
 * optState = scaleLearningRate(optState, 0.5, { min: 1e-6 });
 * ```
 */
export function scaleLearningRate(state: StateTree, factor: number, options: { min?: number } = {}): StateTree {
  return visit(state, (s) => {
    let value = s.value * factor;
    if (options.min !== undefined && value < options.min) value = Math.min(options.min, s.value);
    const effective = s.value > 0 ? value / s.value : factor;
    return { ...s, scale: s.scale * effective, value };
  });
}

/**
 * Returns a new state whose learning rate(s) equal `value` from the next step on (schedules keep
 * their shape: the schedule is multiplied by `value / current`). This is the run-time way to
 * change a learning rate; {@link scaleLearningRate} multiplies it instead. The old state's tensors
 * are shared with the new one, so dispose only one of them.
 *
 * @example
 * ```ts
 * let optState = tx.init(params);
 * // ... training steps ...
 * optState = setLearningRate(optState, 1e-4); // e.g. from a reduce-LR-on-plateau callback
 * getLearningRate(optState); // 0.0001
 * ```
 */
export function setLearningRate(state: StateTree, value: number): StateTree {
  if (!(value >= 0)) throw new ValueError('setLearningRate value', 'a non-negative number', value);
  return visit(state, (s) => {
    if (!(s.value > 0)) {
      throw new ValueError('setLearningRate', 'a state whose current learning rate is positive (it is rescaled)', s.value);
    }
    return { ...s, scale: (s.scale * value) / s.value, value };
  });
}
