import type { GradientTransform, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { mul } from '@tessera/tensor';
import { type ScalarOrSchedule, valueAt } from './schedules.js';
import type { CountState } from './state-types.js';
import { mapTensors } from './tree.js';

/**
 * State of {@link scaleByLearningRate}: the step count, a run-time multiplier of the learning
 * rate (changed by callbacks such as reduce-LR-on-plateau) and the last effective value.
 *
 * @example
 * ```ts
 * const lrState: LearningRateState = { count: 10, scale: 0.5, value: 5e-4 };
 * ```
 */
export interface LearningRateState {
  [key: string]: StateTree;
  count: number;
  scale: number;
  value: number;
}

/**
 * Drops the `kind: 'learningRate'` tag that states (checkpoints) of earlier versions carry: the
 * rate is found through the protocol, not by the tag. A current state is returned as is.
 */
function migrate(state: StateTree): LearningRateState {
  const s = state as LearningRateState;
  if (!('kind' in s)) return s;
  const { kind: _kind, ...rest } = s;
  return rest as LearningRateState;
}

/**
 * Multiplies updates by `-learningRate` (updates are added to parameters). The rate is a number
 * or a schedule of the step. It implements the learning-rate protocol of `GradientTransform`
 * (`learningRate(state)`, `scaleLearningRate(state, factor)`), which `chain`, `namedChain`,
 * `accumulate` and the named optimizers delegate to: change the rate at run time with
 * `setLearningRate(tx, state, value)` / `scaleLearningRate(tx, state, factor)` between steps and
 * read it with `getLearningRate(tx, state)`. Its state {@link LearningRateState}
 * `{ count, scale, value }` holds plain numbers, so it round-trips through `flattenState`; the
 * `kind: 'learningRate'` tag of earlier versions' states is dropped by `migrateState` (and by `update`).
 *
 * @example
 * ```ts
 * chain(scaleByAdam(), scaleByLearningRate(cosineDecay(1e-3, 5000)));
 * ```
 */
export function scaleByLearningRate(learningRate: ScalarOrSchedule): GradientTransform<LearningRateState> {
  if (typeof learningRate === 'number' && !(learningRate >= 0)) {
    throw new ValueError('learningRate', 'a non-negative number or a schedule', learningRate);
  }
  return {
    name: 'scaleByLearningRate',
    init: () => ({ count: 0, scale: 1, value: valueAt(learningRate, 0) }),
    update(grads, state) {
      const s = migrate(state);
      const lr = valueAt(learningRate, s.count) * s.scale;
      return [mapTensors(grads, (g) => mul(g, -lr)), { ...s, count: s.count + 1, value: lr }];
    },
    learningRate: (s) => s.value,
    scaleLearningRate(state, factor) {
      const s = migrate(state);
      return { ...s, scale: s.scale * factor, value: s.value * factor };
    },
    migrateState: migrate,
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
export function scaleBySchedule(schedule: (step: number) => number): GradientTransform<CountState> {
  return {
    name: 'scaleBySchedule',
    init: () => ({ count: 0 }),
    update(grads, state) {
      const count = state.count;
      const f = schedule(count);
      return [mapTensors(grads, (g) => mul(g, f)), { count: count + 1 }];
    },
  };
}
