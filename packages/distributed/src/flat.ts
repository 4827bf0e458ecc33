import type { NamedTensors } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor } from '@tessera/tensor';

/**
 * Copies named tensors into one `Float32Array` in name order (a sync read), optionally scaled by
 * `scale`, with room for `extra` trailing floats; the layout {@link unflatten} reverses.
 *
 * @example
 * ```ts
 * const { data, names } = flatten(grads, { scale: 0.5 });
 * group.allReduce(data);
 * const summed = unflatten(data, names, grads);
 * ```
 */
export function flatten(
  tensors: NamedTensors,
  options: { scale?: number; extra?: number } = {},
): { data: Float32Array; names: string[]; length: number } {
  const names = Object.keys(tensors).sort();
  let length = 0;
  for (const n of names) length += (tensors[n] as Tensor).size;
  const data = new Float32Array(length + (options.extra ?? 0));
  let off = 0;
  for (const n of names) {
    const t = tensors[n] as Tensor;
    data.set(t.dataSync() as Float32Array, off);
    off += t.size;
  }
  const scale = options.scale ?? 1;
  if (scale !== 1) for (let i = 0; i < length; i++) data[i] = (data[i] as number) * scale;
  return { data, names, length };
}

/**
 * Copies `tensors[name]` for each of `names` (in that order) into `out` from `offset` on, each
 * value multiplied by `scale` (a sync read); returns the offset after the last one. The in-place
 * form of {@link flatten} for a buffer reused across steps.
 *
 * @example
 * ```ts
 * const buf = new Float32Array(1024);
 * const end = flattenInto(grads, Object.keys(grads).sort(), buf, 0, 0.5);
 * group.allReduce(buf.subarray(0, end));
 * ```
 */
export function flattenInto(tensors: NamedTensors, names: string[], out: Float32Array, offset: number, scale = 1): number {
  let off = offset;
  for (const n of names) {
    const t = tensors[n] as Tensor;
    const values = t.dataSync() as Float32Array;
    if (scale === 1) out.set(values, off);
    else for (let i = 0; i < values.length; i++) out[off + i] = (values[i] as number) * scale;
    off += values.length;
  }
  return off;
}

/**
 * New float32 tensors shaped like `like[name]` for each of `names`, read from `data` in order
 * (the layout of {@link flatten}). The caller owns them.
 *
 * @example
 * ```ts
 * const grads = unflatten(data, names, params);
 * ```
 */
export function unflatten(data: Float32Array, names: string[], like: NamedTensors): NamedTensors {
  const out: NamedTensors = {};
  let off = 0;
  for (const n of names) {
    const t = like[n] as Tensor;
    out[n] = tensor(data.slice(off, off + t.size), t.shape, 'float32');
    off += t.size;
  }
  return out;
}
