import type { NamedTensors } from '@tessera/core';
import { formatShape, ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { zerosLike } from '@tessera/tensor';

/** Applies `fn` to every named tensor (same keys). */
export function mapTensors(tree: NamedTensors, fn: (t: Tensor, name: string) => Tensor): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(tree)) out[k] = fn(v, k);
  return out;
}

/**
 * Applies `fn` to matching entries of two trees with the same keys and shapes; `what` names the
 * second tree in errors (a state made for other parameters fails here, not deep inside an op).
 */
export function zipTensors(
  a: NamedTensors,
  b: NamedTensors,
  fn: (x: Tensor, y: Tensor, name: string) => Tensor,
  what = 'optimizer state',
): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(a)) {
    const w = b[k];
    if (!w) throw new ValueError(what, `an entry for parameter "${k}"`, Object.keys(b));
    if (v.shape.length !== w.shape.length || v.shape.some((d, i) => d !== w.shape[i])) {
      throw new ShapeError(`${what} "${k}"`, v.shape, w.shape, `the shape of the gradient ${formatShape(v.shape)}`);
    }
    out[k] = fn(v, w, k);
  }
  return out;
}

/** Zeros shaped like every parameter. */
export function zerosTree(params: NamedTensors): NamedTensors {
  return mapTensors(params, (p) => zerosLike(p));
}
