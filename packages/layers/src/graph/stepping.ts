import type { Cache, CallOptions, InitCacheOptions, Stepper } from '@tessera/core';
import { ValueError } from '@tessera/core';
import type { Tensor, TensorContainer } from '@tessera/tensor';
import { clone, scope } from '@tessera/tensor';
import type { Layer } from '../layer.js';

/**
 * True for modules that run incrementally with an explicit cache (`initCache` and `step`).
 *
 * @example
 * ```ts
 * isStepper(lstm(8)); // true
 * isStepper(dense(8)); // false
 * ```
 */
export function isStepper(x: unknown): x is Stepper {
  return typeof x === 'object' && x !== null && typeof (x as Stepper).step === 'function' && typeof (x as Stepper).initCache === 'function';
}

type AnyLayer = Layer<Tensor | Tensor[]>;

const notSteppable = (owner: string, l: AnyLayer) =>
  new ValueError(`${owner} step`, 'layers that step (recurrent layers) or work position by position (supportsMasking, Embedding)', l.name);

/**
 * The cache of a stack of layers: one entry per layer, the layer's own cache for a
 * {@link Stepper}, null for a position-wise layer.
 *
 * @example
 * ```ts
 * stackInitCache('lm', [embedding(100, 8), lstm(16), dense(100)], 2); // [null, [h, c], null]
 * ```
 */
export function stackInitCache(owner: string, layers: AnyLayer[], batchSize: number, options?: InitCacheOptions): Cache[] {
  return layers.map((l) => {
    if (isStepper(l)) return l.initCache(batchSize, options);
    if (l.supportsMasking) return null;
    throw notSteppable(owner, l);
  });
}

/**
 * One step of a stack of layers: steppers run with their cache entry, position-wise layers with
 * `callWithMask` (a mask a layer makes, e.g. Embedding `maskZero`, goes to the next ones).
 * Returns the per-position output and the new cache; never disposes `cache`.
 *
 * @example
 * ```ts
 * const [y, next] = stackStep('lm', layers, ids, cache, {});
 * ```
 */
export function stackStep(owner: string, layers: AnyLayer[], x: Tensor, cache: Cache[], options: CallOptions): [Tensor, Cache[]] {
  if (!Array.isArray(cache) || cache.length !== layers.length) {
    throw new ValueError(`${owner} cache`, `${layers.length} entries, one per layer (from initCache)`, cache);
  }
  return scope(() => {
    let h: Tensor = x;
    let mask = options.mask;
    const next: Cache[] = [];
    layers.forEach((l, i) => {
      const o = mask === options.mask ? options : { ...options, mask };
      if (isStepper(l)) {
        // a stepper's output is per position, so the mask of its input still applies
        const [y, c] = l.step(h, cache[i] as Cache, o);
        next.push(c);
        h = y;
      } else {
        if (!l.supportsMasking) throw notSteppable(owner, l);
        const [y, m] = l.callWithMask(h, o);
        next.push(null);
        h = y as Tensor;
        mask = m;
      }
    });
    // null entries are fine at run time (the scope skips them) but not in TensorContainer's type
    return [h === x ? clone(h) : h, next] as unknown as TensorContainer;
  }) as unknown as [Tensor, Cache[]];
}
