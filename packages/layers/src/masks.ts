import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import {
  add,
  any,
  cast,
  div,
  expandDims,
  lessEqual,
  logicalAnd,
  max,
  maximum,
  range,
  reshape,
  scope,
  sum,
  where,
  zerosLike,
} from '@tessera/tensor';

/**
 * Checks a padding mask against a `[batch, time, ...]` input and returns it as a bool
 * `[batch, time]` tensor (the mask itself when it is already bool).
 *
 * @example
 * ```ts
 * const m = sequenceMask(tensor2d([[1, 1, 0]]), x, 'lstm mask'); // bool [1, 3] for x of shape [1, 3, f]
 * ```
 */
export function sequenceMask(mask: Tensor, x: Tensor, what: string): Tensor {
  const [b, t] = x.shape;
  if (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== t) {
    throw new ShapeError(what, [b ?? null, t ?? null], mask.shape, 'a padding mask is [batch, time] of its input');
  }
  return mask.dtype === 'bool' ? mask : cast(mask, 'bool');
}

/**
 * Logical and of the masks that are defined (a step is real only when it is real in every
 * input); undefined when none is. Used for layers called on several inputs, e.g. `add([a, b])`.
 *
 * @example
 * ```ts
 * mergeMasks([maskA, undefined, maskB]); // logicalAnd(maskA, maskB)
 * ```
 */
export function mergeMasks(masks: Array<Tensor | undefined>): Tensor | undefined {
  const defined = masks.filter((m): m is Tensor => m !== undefined);
  if (defined.length === 0) return undefined;
  if (defined.length === 1) return defined[0];
  return defined.map((m) => (m.dtype === 'bool' ? m : cast(m, 'bool'))).reduce((a, m) => logicalAnd(a, m));
}

/**
 * Pools `[batch, time, channels]` over the real steps of a bool `[batch, time]` mask: the mean
 * over real steps, or the max ignoring padded steps. A row with no real step gives 0.
 *
 * @example
 * ```ts
 * maskedPool1d(x, mask, 'avg'); // [batch, channels]
 * ```
 */
export function maskedPool1d(x: Tensor, mask: Tensor, mode: 'max' | 'avg'): Tensor {
  const m = expandDims(mask, 2);
  const zeros = zerosLike(x);
  if (mode === 'avg') {
    const count = sum(cast(m, x.dtype), 1);
    return div(sum(where(m, x, zeros), 1), maximum(count, 1));
  }
  const pooled = max(where(m, x, add(zeros, -Infinity)), 1);
  return where(any(m, 1), pooled, zerosLike(pooled));
}

/**
 * Causal attention mask, bool `[queryLength, keyLength]`: query `q` may attend key `k` when
 * `k <= q + (keyLength - queryLength)`, i.e. the queries are the last `queryLength` positions of
 * the keys (the layout of a step after `keyLength - queryLength` cached positions).
 *
 * @example
 * ```ts
 * causalMask(3); // [[1,0,0],[1,1,0],[1,1,1]] as bool
 * causalMask(1, 5); // [[1,1,1,1,1]]: one new query after 4 cached keys sees all 5
 * ```
 */
export function causalMask(queryLength: number, keyLength: number = queryLength): Tensor {
  if (!Number.isInteger(queryLength) || queryLength < 1) throw new ValueError('causalMask queryLength', 'a positive integer', queryLength);
  if (!Number.isInteger(keyLength) || keyLength < queryLength) {
    throw new ValueError('causalMask keyLength', `an integer >= queryLength (${queryLength})`, keyLength);
  }
  const offset = keyLength - queryLength;
  return scope(() => {
    const q = reshape(range(offset, keyLength, 1, 'int32'), [queryLength, 1]);
    const k = reshape(range(0, keyLength, 1, 'int32'), [1, keyLength]);
    return lessEqual(k, q);
  });
}

/**
 * Turns a key padding mask `[batch, tk]` into an attention mask `[batch, 1, tk]` that broadcasts
 * over the queries (no query attends a padded key).
 *
 * @example
 * ```ts
 * const att = logicalAnd(paddingAttentionMask(mask), causalMask(t)); // [batch, t, t]
 * ```
 */
export function paddingAttentionMask(mask: Tensor): Tensor {
  if (mask.rank !== 2) throw new ShapeError('paddingAttentionMask mask', [null, null], mask.shape, 'a padding mask is [batch, time]');
  return expandDims(mask.dtype === 'bool' ? mask : cast(mask, 'bool'), 1);
}
