import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { add, mul, zerosLike } from '@tessera/tensor';
import { mapTensors, zerosTree, zipTensors } from './tree.js';

/**
 * Gradient accumulation: sums gradients over `every` steps and applies `inner` to their mean on
 * the last of them; the other steps produce zero updates and leave `inner`'s state unchanged.
 * State: `{ count, sum, inner }`.
 *
 * @example
 * ```ts
 * const tx = accumulate(4, adam({ learningRate: 1e-3 })); // effective batch 4x larger
 * ```
 */
export function accumulate(every: number, inner: GradientTransform): GradientTransform {
  if (!Number.isInteger(every) || every < 1) throw new ValueError('accumulate every', 'a positive integer', every);
  return {
    init: (params) => ({ count: 0, sum: zerosTree(params), inner: inner.init(params) }),
    update(grads, state, params) {
      const s = state as { count: number; sum: NamedTensors; inner: StateTree };
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
  };
}
