import { ValueError } from '@tessera/core';

/**
 * `tokens` as an Int32Array (the same array when it already is one), checking every value is an integer.
 *
 * @example
 * ```ts
 * toInt32([1, 2, 3], 'lmBatches tokens'); // Int32Array [1, 2, 3]
 * ```
 */
export function toInt32(tokens: ArrayLike<number>, where: string): Int32Array {
  if (tokens instanceof Int32Array) return tokens;
  if (tokens === null || typeof tokens !== 'object' || typeof tokens.length !== 'number')
    throw new ValueError(where, 'an array of token ids', tokens);
  const out = new Int32Array(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const v = tokens[i] as number;
    if (!Number.isInteger(v)) throw new ValueError(`${where}[${i}]`, 'an integer token id', v);
    out[i] = v;
  }
  return out;
}

/** Throws unless `n` is a positive integer. */
export function positiveInt(where: string, n: unknown): number {
  if (!Number.isInteger(n) || (n as number) < 1) throw new ValueError(where, 'a positive integer', n);
  return n as number;
}
