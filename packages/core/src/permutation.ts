import { ValueError } from './errors.js';
import { Prng } from './rng.js';

/**
 * A seeded Fisher-Yates permutation of `0..n-1`, a pure function of `(n, seed, stream)`: the same
 * arguments always give the same order, and each `stream` (e.g. the pass or epoch number) gives
 * an independent one. The one permutation of Tessera: dataset shuffles, splits and k-fold use it.
 *
 * @example
 * ```ts
 * permutation(10, 1); // Uint32Array [7, 2, 3, 6, 8, 5, 9, 1, 0, 4]
 * const epoch3 = permutation(60_000, 1, 3); // the order of pass 3
 * ```
 */
export function permutation(n: number, seed: number, stream = 0): Uint32Array {
  if (!Number.isSafeInteger(n) || n < 0) throw new ValueError('permutation n', 'a non-negative integer', n);
  if (!Number.isSafeInteger(stream) || stream < 0) throw new ValueError('permutation stream', 'a non-negative integer', stream);
  const p = new Uint32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  const r = new Prng(seed, stream);
  for (let i = n - 1; i > 0; i--) {
    const j = r.int(i + 1);
    const t = p[i] as number;
    p[i] = p[j] as number;
    p[j] = t;
  }
  return p;
}
