import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { add, keep, tidy } from '@tensorflow/tfjs-core';
import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { disposeStale, stateTensors, ValueError } from '@tessera/core';

const isVariable = (t: Tensor): t is Variable => typeof (t as Variable).assign === 'function';

/**
 * The result of {@link applyGradients}: the parameters after the step and the optimizer's next state.
 *
 * @example
 * ```ts
 * const step: Applied<NamedTensors, ChainState> = applyGradients(tx, state, params, grads);
 * ```
 */
export interface Applied<P extends NamedTensors, S extends StateTree> {
  /** The parameters after the update (Variables: the same objects, assigned in place). */
  params: P;
  /** The next optimizer state (its tensors are kept alive: dispose them with the state). */
  state: S;
}

/**
 * One optimizer step that owns its tensor bookkeeping: runs `transform.update(grads, state, params)`
 * and adds the updates to the parameters.
 *
 * - A `Variable` parameter is assigned in place (`p.assign(p + u)`) and returned as the same object.
 * - A plain tensor parameter gets a new tensor `p + u`, kept alive like the state (it outlives an
 *   enclosing `tidy`); the old tensor is not disposed (it is the caller's: dispose it when done).
 * - The updates and every intermediate tensor are freed; every tensor of the old state that the
 *   new state does not hold is disposed; the new state's tensors are kept alive even when this
 *   runs inside an outer `tidy`/`scope` (so the state can be carried to the next step).
 * - `grads` are not disposed (they are the caller's, usually freed by the step's scope).
 *
 * Parameters without an update keep their value; an update for an unknown parameter is a `ValueError`.
 *
 * @example
 * ```ts
 * const tx = adam({ learningRate: 1e-3 });
 * const params = model.parameters(); // Variables
 * let state = tx.init(params);
 * for (const batch of batches) {
 *   const loss = scope(() => {
 *     const { value, grads } = valueAndGrad((p) => lossOf(p, batch))(params);
 *     state = applyGradients(tx, state, params, grads).state;
 *     return value;
 *   });
 * }
 * ```
 */
export function applyGradients<P extends NamedTensors, S extends StateTree>(
  transform: GradientTransform<S>,
  state: S,
  params: P,
  grads: NamedTensors,
): Applied<P, S> {
  const out: NamedTensors = { ...params };
  let next: S | undefined;
  tidy(() => {
    const [updates, s] = transform.update(grads, state, params);
    for (const name of Object.keys(updates)) {
      if (!params[name]) throw new ValueError('applyGradients updates', `a parameter named "${name}"`, Object.keys(params));
    }
    for (const [name, u] of Object.entries(updates)) {
      const p = params[name] as Tensor;
      if (isVariable(p)) p.assign(add(p, u));
      else out[name] = keep(add(p, u));
    }
    for (const t of stateTensors(s)) keep(t);
    next = s;
  });
  const newState = next as S;
  disposeStale(state, newState);
  return { params: out as P, state: newState };
}
