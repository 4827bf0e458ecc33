import { type RngKey, ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { any, cast, expandDims, matMul, mul, reshape, softmax, sub } from '@tessera/tensor';
import { dropoutOp } from '../layers/dropout-op.js';

/**
 * Options of {@link dotProductAttention}.
 *
 * @example
 * ```ts
 * const opts: DotProductAttentionOptions = { mask: causalMask(8), dropout: 0.1, rng: rngKey(0) };
 * ```
 */
export interface DotProductAttentionOptions {
  /** Bool or 0/1 mask, true = may attend: `[tq, tk]` or `[batch, tq, tk]` (or broadcastable, e.g. `[batch, 1, tk]`). */
  mask?: Tensor;
  /** Dropout rate on the attention weights (applied only when given a rate > 0). */
  dropout?: number;
  /** Key of the dropout mask (deterministic dropout). */
  rng?: RngKey;
  /** Scale of the scores; default `1 / sqrt(keyDim)`. */
  scale?: number;
}

/** Added to the scores of masked keys: their softmax weight is exactly 0. */
const MASKED = -1e9;

/**
 * Scaled dot-product attention over heads: `softmax(q kᵀ · scale + maskBias) v`, with grouped-query
 * heads when `k`/`v` have fewer heads than `q` (query head `h` reads key/value head
 * `floor(h / (heads / kvHeads))`). A query whose mask row is all false gets zeros. Shapes: `q` `[batch, heads, tq, d]`, `k` `[batch, kvHeads, tk, d]`,
 * `v` `[batch, kvHeads, tk, dv]` → `[batch, heads, tq, dv]`. The query heads of one group are
 * stacked on the query axis, so every product is one batched matMul (no repeated keys).
 *
 * @example
 * ```ts
 * const y = dotProductAttention(q, k, v, { mask: causalMask(t) }); // [b, h, t, dv]
 * ```
 */
export function dotProductAttention(q: Tensor, k: Tensor, v: Tensor, options: DotProductAttentionOptions = {}): Tensor {
  const [b, h, tq, d] = q.shape as [number, number, number, number];
  const [kb, hkv, tk, kd] = k.shape as [number, number, number, number];
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4 || kb !== b || kd !== d || v.shape[0] !== b || v.shape[1] !== hkv || v.shape[2] !== tk) {
    throw new ShapeError(
      'dotProductAttention k/v',
      [b, null, null, d],
      k.shape,
      `q ${JSON.stringify(q.shape)}, v ${JSON.stringify(v.shape)}`,
    );
  }
  if (h % hkv !== 0) throw new ValueError('dotProductAttention key/value heads', `a divisor of the ${h} query heads`, hkv);
  const g = h / hkv;
  const dv = v.shape[3] as number;
  // [b, hkv, g * tq, d]: the g query heads sharing one key/value head, one after the other
  const qg = g === 1 ? q : reshape(q, [b, hkv, g * tq, d]);
  let scores = mul(matMul(qg, k, false, true), options.scale ?? 1 / Math.sqrt(d));
  if (options.mask) {
    const m = options.mask;
    if (m.rank < 2 || m.rank > 3)
      throw new ShapeError('dotProductAttention mask', [b, tq, tk], m.shape, 'a mask is [tq, tk] or [batch, tq, tk]');
    // [b|1, 1, 1, tq|1, tk|1]: broadcasts over the key/value heads and the query heads of a group
    const m5 = m.rank === 2 ? reshape(m, [1, 1, 1, ...m.shape]) : expandDims(expandDims(m, 1), 1);
    const bias = mul(sub(1, cast(m5, 'float32')), -MASKED);
    scores = reshape(sub(reshape(scores, [b, hkv, g, tq, tk]), bias), [b, hkv, g * tq, tk]);
  }
  let weights = softmax(scores, -1);
  if (options.mask) {
    // a query with no key left attends nothing (zeros), the same however many keys are padded or cached
    const m = options.mask;
    const m5 = m.rank === 2 ? reshape(m, [1, 1, 1, ...m.shape]) : expandDims(expandDims(m, 1), 1);
    const anyKey = cast(any(cast(m5, 'bool'), -1, true), 'float32');
    weights = reshape(mul(reshape(weights, [b, hkv, g, tq, tk]), anyKey), [b, hkv, g * tq, tk]);
  }
  if (options.dropout) weights = dropoutOp(weights, options.dropout, options.rng);
  const out = matMul(weights, v);
  return g === 1 ? out : reshape(out, [b, h, tq, dv]);
}
