import type { GradientTransform, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { mul } from '@tessera/tensor';
import { type ScalarOrSchedule, valueAt } from './schedules.js';
import { mapTensors } from './tree.js';

/**
 * State of {@link scaleByLearningRate}: the step count, a run-time multiplier of the learning
 * rate (changed by callbacks such as reduce-LR-on-plateau) and the last effective value.
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
 * or a schedule of the step; `scaleLearningRate` changes it at run time.
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
