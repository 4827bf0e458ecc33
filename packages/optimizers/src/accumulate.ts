import type { GradientTransform, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { add, mul, zerosLike } from '@tessera/tensor';
import type { AccumulateState } from './state-types.js';
import { mapTensors, zerosTree, zipTensors } from './tree.js';

/**
 * Gradient accumulation: sums gradients over `every` steps and applies `inner` to their mean on
 * the last of them; the other steps produce zero updates and leave `inner`'s state unchanged.
 * State: {@link AccumulateState} `{ count, sum, inner }`. The learning-rate protocol and state
 * migration are delegated to `inner`.
 *
 * @example
 * ```ts
 * const tx = accumulate(4, adam({ learningRate: 1e-3 })); // effective batch 4x larger
 * ```
 */
export function accumulate(every: number, inner: GradientTransform): GradientTransform<AccumulateState> {
  if (!Number.isInteger(every) || every < 1) throw new ValueError('accumulate every', 'a positive integer', every);
  const migrate = (state: StateTree): AccumulateState => {
    const s = state as AccumulateState;
    if (!inner.migrateState) return s;
    const m = inner.migrateState(s.inner);
    return m === s.inner ? s : { ...s, inner: m };
  };
  return {
    name: 'accumulate',
    init: (params) => ({ count: 0, sum: zerosTree(params), inner: inner.init(params) }),
    update(grads, state, params) {
      const s = migrate(state);
      const total = zipTensors(grads, s.sum, (g, acc) => add(acc, g));
      const count = s.count + 1;
      if (count % every !== 0) {
        return [mapTensors(grads, (g) => zerosLike(g)), { count, sum: total, inner: s.inner }];
      }
      const [updates, innerState] = inner.update(
        mapTensors(total, (t) => mul(t, 1 / every)),
        s.inner,
        params,
      );
      return [updates, { count, sum: zerosTree(grads), inner: innerState }];
    },
    learningRate: (state) => inner.learningRate?.(migrate(state).inner),
    scaleLearningRate(state, factor) {
      const s = migrate(state);
      return inner.scaleLearningRate ? { ...s, inner: inner.scaleLearningRate(s.inner, factor) } : s;
    },
    migrateState: migrate,
  };
}
