import type { NamedTensors, NamedVariables } from '@tessera/core';
import { ValueError } from '@tessera/core';
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
