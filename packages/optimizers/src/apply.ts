import type { NamedTensors, NamedVariables, StateTree } from '@tessera/core';
import { stateTensors, ValueError } from '@tessera/core';
import { add, tidy } from '@tessera/tensor';

/**
 * Adds updates to variables in place (`param.assign(param + update)`), without leaking tensors.
 *
 * @example
 * ```ts
 * const [updates, next] = tx.update(grads, state, params);
 * applyUpdates(model.parameters(), updates);
 * ```
 */
export function applyUpdates(params: NamedVariables, updates: NamedTensors): void {
  tidy(() => {
    for (const [name, u] of Object.entries(updates)) {
      const p = params[name];
      if (!p) throw new ValueError('applyUpdates', `a parameter named "${name}"`, Object.keys(params));
      p.assign(add(p, u));
    }
  });
}

/**
 * Disposes the tensors of an old optimizer state that the new state no longer holds (transforms
 * may pass parts of their state through unchanged).
 *
 * @example
 * ```ts
 * const [updates, next] = tx.update(grads, state, params);
 * disposeStale(state, next);
 * state = next;
 * ```
 */
export function disposeStale(oldState: StateTree, newState: StateTree): void {
  const kept = new Set(stateTensors(newState));
  for (const t of stateTensors(oldState)) if (!kept.has(t) && !t.isDisposed) t.dispose();
}
