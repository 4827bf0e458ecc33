import type { NamedTensors } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { zerosLike } from '@tessera/tensor';

/** Applies `fn` to every named tensor (same keys). */
export function mapTensors(tree: NamedTensors, fn: (t: Tensor, name: string) => Tensor): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(tree)) out[k] = fn(v, k);
  return out;
}

/** Applies `fn` to matching entries of two trees with the same keys. */
export function zipTensors(a: NamedTensors, b: NamedTensors, fn: (x: Tensor, y: Tensor, name: string) => Tensor): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(a)) {
    const w = b[k];
    if (!w) throw new Error(`optimizer state has no entry for parameter "${k}" (known: ${Object.keys(b).join(', ')})`);
    out[k] = fn(v, w, k);
  }
  return out;
}

/** Zeros shaped like every parameter. */
export function zerosTree(params: NamedTensors): NamedTensors {
  return mapTensors(params, (p) => zerosLike(p));
}
