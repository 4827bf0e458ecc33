import { Prng, permutation, ValueError } from '@tessera/core';
import { disposeElement } from '../util/tree.js';
import { Dataset } from './dataset.js';
import { remapRows, rowBatcher, setRowBatcher } from './row-batches.js';

/** Keeps the elements whose index `i` has `member(i)` (others are disposed); keeps random access. */
function selectByIndex<T>(parent: Dataset<T>, member: (i: number) => boolean, size?: number): Dataset<T> {
  const at = parent.elementAt;
  let indices: Uint32Array | undefined;
  if (at && parent.size !== undefined) {
    const list: number[] = [];
    for (let i = 0; i < parent.size; i++) if (member(i)) list.push(i);
    indices = Uint32Array.from(list);
  }
  const sel = indices;
  if (sel && at) {
    const selected = new Dataset(
      async function* (p) {
        for (let k = 0; k < sel.length; k++) yield at(sel[k]!, p);
      },
      sel.length,
      (k, p) => at(sel[k]!, p),
      parent.spec,
    );
    return setRowBatcher(
      selected,
      remapRows(rowBatcher(parent), (k) => sel[k]!),
    );
  }
  return new Dataset(
    async function* (p) {
      let i = 0;
      for await (const x of parent.pass(p)) {
        if (member(i++)) yield x;
        else disposeElement(x);
      }
    },
    size,
    undefined,
    parent.spec,
  );
}

/**
 * Splits a dataset into named parts by fraction, e.g. `{ train: 0.8, validation: 0.1, test: 0.1 }`.
 * The partition is fixed by `seed` (it does not change between passes). With a known size the
 * counts are exact (largest remainder); otherwise each element index is assigned by a seeded hash.
 * Split before shuffling: the parts select element positions of the parent's order.
 *
 * @example
 * ```ts
 * const { train, test } = split(iris, { train: 0.8, test: 0.2 }, { seed: 1 });
 * ```
 */
export function split<T, K extends string>(
  dataset: Dataset<T>,
  fractions: Record<K, number>,
  options: { seed?: number } = {},
): Record<K, Dataset<T>> {
  const names = Object.keys(fractions) as K[];
  const fr = names.map((k) => fractions[k]);
  const total = fr.reduce((a, b) => a + b, 0);
  if (names.length === 0 || fr.some((f) => !(f >= 0)) || total > 1 + 1e-9) {
    throw new ValueError('split fractions', 'non-negative fractions summing to at most 1', fractions);
  }
  const seed = options.seed ?? 0;
  const out = {} as Record<K, Dataset<T>>;
  const n = dataset.size;
  if (n !== undefined) {
    const exact = fr.map((f) => f * n);
    const counts = exact.map(Math.floor);
    const target = Math.round(total * n);
    const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0]);
    for (let k = 0; counts.reduce((a, b) => a + b, 0) < target && k < order.length; k++) counts[order[k]![1]]!++;
    const perm = permutation(n, seed, 0x5eed);
    const part = new Int16Array(n).fill(-1);
    let o = 0;
    counts.forEach((c, k) => {
      for (let j = 0; j < c; j++) part[perm[o++]!] = k;
    });
    names.forEach((name, k) => {
      out[name] = selectByIndex(dataset, (i) => part[i] === k, counts[k]);
    });
    return out;
  }
  const bounds = fr.map((_, k) => fr.slice(0, k + 1).reduce((a, b) => a + b, 0));
  const bucket = (i: number) => {
    const u = new Prng(seed, i).next();
    const k = bounds.findIndex((b) => u < b);
    return k;
  };
  names.forEach((name, k) => {
    out[name] = selectByIndex(dataset, (i) => bucket(i) === k);
  });
  return out;
}

/**
 * K-fold cross-validation: `k` pairs `{ train, validation }`, each element in exactly one
 * validation fold. Folds are contiguous slices of a permutation fixed by `seed` (or of the
 * original order with `shuffle: false`). Needs a known size.
 *
 * @example
 * ```ts
 * for (const { train, validation } of kFold(iris, 5, { seed: 0 })) { ... }
 * ```
 */
export function kFold<T>(
  dataset: Dataset<T>,
  k: number,
  options: { seed?: number; shuffle?: boolean } = {},
): { train: Dataset<T>; validation: Dataset<T> }[] {
  const n = dataset.size;
  if (n === undefined) throw new ValueError('kFold dataset.size', 'a dataset of known size', undefined);
  if (!Number.isInteger(k) || k < 2 || k > n) throw new ValueError('kFold k', `an integer in [2, ${n}]`, k);
  const perm = options.shuffle === false ? Uint32Array.from({ length: n }, (_, i) => i) : permutation(n, options.seed ?? 0, 0xf01d);
  const fold = new Int32Array(n);
  for (let f = 0; f < k; f++) {
    const lo = Math.floor((f * n) / k);
    const hi = Math.floor(((f + 1) * n) / k);
    for (let j = lo; j < hi; j++) fold[perm[j]!] = f;
  }
  return Array.from({ length: k }, (_, f) => {
    const vs = Math.floor(((f + 1) * n) / k) - Math.floor((f * n) / k);
    return {
      train: selectByIndex(dataset, (i) => fold[i] !== f, n - vs),
      validation: selectByIndex(dataset, (i) => fold[i] === f, vs),
    };
  });
}
