import type { TensorTree } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { any, isFinite as finiteMask, isTensor, logicalNot, stack, tidy } from '@tessera/tensor';

/**
 * The first tensor (in the record's order) holding a NaN or an infinity, with the index and value
 * of its first such element; null when all are finite. Reads the values once (a sync point).
 *
 * @example
 * ```ts
 * firstNonFinite({ 'dense/kernel': g1, 'dense/bias': g2 }); // { name: 'dense/bias', index: 3, value: NaN } or null
 * ```
 */
export function firstNonFinite(named: Record<string, Tensor>): { name: string; index: number; value: number } | null {
  const entries = Object.entries(named).filter(([, t]) => t.dtype === 'float32');
  if (entries.length === 0) return null;
  const flags = tidy(() => stack(entries.map(([, t]) => any(logicalNot(finiteMask(t))))).dataSync());
  const i = flags.findIndex((f) => f !== 0);
  if (i < 0) return null;
  const [name, t] = entries[i] as [string, Tensor];
  const values = t.dataSync();
  const index = values.findIndex((v) => !Number.isFinite(v));
  return { name, index, value: values[index] as number };
}

/**
 * The leaves of a batch's `x` or `y` by name (`x`, `x[0]`, `x.image`), for {@link firstNonFinite}.
 *
 * @example
 * ```ts
 * leaves(batch.x, 'x'); // { x: tensor } or { 'x.image': t1, 'x.meta': t2 }
 * ```
 */
export function leaves(tree: TensorTree | undefined, name: string): Record<string, Tensor> {
  if (!tree) return {};
  if (isTensor(tree)) return { [name]: tree };
  const out: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tree)) out[Array.isArray(tree) ? `${name}[${k}]` : `${name}.${k}`] = t as Tensor;
  return out;
}

/**
 * Describes where a non-finite value came from: the first non-finite input, else parameter,
 * else gradient (`where` and its element), for the error a finite-checked step throws.
 *
 * @example
 * ```ts
 * nonFiniteCause({ x, y }, params, grads); // 'input x (element 12 is NaN)'
 * ```
 */
export function nonFiniteCause(inputs: Record<string, Tensor>, params: Record<string, Tensor>, grads: Record<string, Tensor>): string {
  const describe = (kind: string, f: { name: string; index: number; value: number }) =>
    `${kind} ${kind === 'input' ? f.name : `"${f.name}"`} (element ${f.index} is ${f.value})`;
  const input = firstNonFinite(inputs);
  if (input) return describe('input', input);
  const param = firstNonFinite(params);
  if (param) return describe('parameter', param);
  const grad = firstNonFinite(grads);
  if (grad) return describe('gradient of', grad);
  return 'no input, parameter or gradient (the loss itself overflowed)';
}
