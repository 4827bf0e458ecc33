import { ValueError } from '@tessera/core';

/**
 * One-hot encodes a class index (or a list of them) as a Float32Array of `numClasses` per label.
 *
 * @example
 * ```ts
 * oneHot(2, 4); // Float32Array [0, 0, 1, 0]
 * ```
 */
export function oneHot(label: number | ArrayLike<number>, numClasses: number): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new ValueError('oneHot numClasses', 'a positive integer', numClasses);
  const labels = typeof label === 'number' ? [label] : label;
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) throw new ValueError('oneHot label', `an integer in [0, ${numClasses})`, l);
    out[i * numClasses + l] = 1;
  }
  return out;
}

/**
 * Maps string class names to indices (sorted, or in the given order), and back.
 *
 * @example
 * ```ts
 * const enc = labelEncoder(['setosa', 'versicolor', 'virginica']); enc.encode('virginica'); // 2
 * ```
 */
export function labelEncoder(classes: readonly string[]): { classes: string[]; encode(name: string): number; decode(i: number): string } {
  const list = [...classes];
  const index = new Map(list.map((c, i) => [c, i]));
  return {
    classes: list,
    encode(name) {
      const i = index.get(name);
      if (i === undefined) throw new ValueError('labelEncoder.encode', `one of ${JSON.stringify(list)}`, name);
      return i;
    },
    decode(i) {
      const c = list[i];
      if (c === undefined) throw new ValueError('labelEncoder.decode', `an index in [0, ${list.length})`, i);
      return c;
    },
  };
}
