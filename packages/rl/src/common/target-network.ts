import type { NamedTensors, NamedVariables } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { add, clone, mul, tidy, variable } from '@tessera/tensor';

/**
 * A target network's parameters: non-trainable variables holding a copy of `params` (same paths),
 * used with the online module's `apply(targetParams, x)`. Dispose them with {@link disposeTarget}.
 *
 * @example
 * ```ts
 * const target = copyParams(qNet.parameters());
 * const nextQ = qNet.apply(target, nextObs);
 * ```
 */
export function copyParams(params: NamedTensors): NamedVariables {
  const out: NamedVariables = {};
  for (const [name, p] of Object.entries(params)) out[name] = tidy(() => variable(clone(p), false));
  return out;
}

/**
 * Polyak (soft) update of a target network, in place: `target ← τ · online + (1 − τ) · target`.
 * `tau = 1` is the hard update (a copy). Both must hold the same paths and shapes.
 *
 * @example
 * ```ts
 * polyakUpdate(targetParams, critic.parameters(), 0.005); // SAC, every step
 * polyakUpdate(targetParams, qNet.parameters(), 1);       // DQN, every targetUpdateInterval steps
 * ```
 */
export function polyakUpdate(target: NamedVariables, online: NamedTensors, tau: number): void {
  if (!(tau >= 0 && tau <= 1)) throw new ValueError('polyakUpdate tau', 'a number in [0, 1]', tau);
  tidy(() => {
    for (const [name, t] of Object.entries(target)) {
      const o = online[name];
      if (!o || o.shape.join() !== t.shape.join()) {
        throw new ValueError(`polyakUpdate online["${name}"]`, `a tensor of shape [${t.shape.join(', ')}]`, o?.shape ?? o);
      }
      if (tau === 1) t.assign(o);
      else if (tau > 0) t.assign(add(mul(o, tau), mul(t, 1 - tau)));
    }
  });
}

/**
 * Frees a target network made by {@link copyParams}.
 *
 * @example
 * ```ts
 * disposeTarget(target);
 * ```
 */
export function disposeTarget(target: NamedVariables): void {
  for (const v of Object.values(target)) v.dispose();
}
