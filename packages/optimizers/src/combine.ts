import type { GradientTransform, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';

/**
 * Applies transforms in sequence; the state is the list of their states.
 *
 * @example
 * ```ts
 * const tx = chain(clipByGlobalNorm(1), scaleByAdam(), scaleByLearningRate(1e-3));
 * ```
 */
export function chain(...transforms: GradientTransform[]): GradientTransform {
  return {
    init: (params) => transforms.map((t) => t.init(params)),
    update(grads, state, params) {
      const states = state as StateTree[];
      let updates = grads;
      const next: StateTree[] = [];
      transforms.forEach((t, i) => {
        const [u, s] = t.update(updates, states[i] as StateTree, params);
        updates = u;
        next.push(s);
      });
      return [updates, next];
    },
  };
}

/**
 * Like {@link chain}, with the state keyed by name (inspectable: `state.adam.mu`).
 *
 * @example
 * ```ts
 * const tx = namedChain([['clip', clipByGlobalNorm(1)], ['adam', scaleByAdam()], ['lr', scaleByLearningRate(1e-3)]]);
 * ```
 */
export function namedChain(entries: Array<[string, GradientTransform]>): GradientTransform {
  const names = new Set<string>();
  for (const [name] of entries) {
    if (names.has(name)) throw new ValueError('namedChain names', 'unique names', name);
    names.add(name);
  }
  return {
    init(params) {
      const out: Record<string, StateTree> = {};
      for (const [name, t] of entries) out[name] = t.init(params);
      return out;
    },
    update(grads, state, params) {
      const states = state as Record<string, StateTree>;
      let updates = grads;
      const next: Record<string, StateTree> = {};
      for (const [name, t] of entries) {
        const [u, s] = t.update(updates, states[name] as StateTree, params);
        updates = u;
        next[name] = s;
      }
      return [updates, next];
    },
  };
}
