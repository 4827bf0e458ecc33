import { Prng, ValueError } from '@tessera/core';
import { toInt32 } from './tokens.js';

/**
 * Options of {@link maskTokens}.
 *
 * @example
 * ```ts
 * const options: MaskTokensOptions = { maskTokenId: tok.maskId, vocabSize: tok.vocabSize, specialIds: tok.specialIds(), seed: 1 };
 * ```
 */
export interface MaskTokensOptions {
  /** Id of `[MASK]`. */
  maskTokenId: number;
  /** Number of ids: random replacements are drawn uniformly from `[0, vocabSize)`. */
  vocabSize: number;
  /** Chance that a (non-special) position is selected for prediction (default 0.15). */
  probability?: number;
  /** Ids never selected (`[CLS]`, `[SEP]`, `[PAD]`...). */
  specialIds?: Iterable<number>;
  /** Of the selected positions, the share replaced by `[MASK]` (default 0.8). */
  maskFraction?: number;
  /** Of the selected positions, the share replaced by a random id (default 0.1); the rest keep their id. */
  randomFraction?: number;
  /** Label of positions not selected (default -100, PyTorch's `ignore_index`). */
  ignoreIndex?: number;
  /** Seed (default 0); ignored when `rng` is given. */
  seed?: number;
  /** A generator to draw from instead of `Prng(seed)` (advanced by the call). */
  rng?: Prng;
}

/**
 * What {@link maskTokens} returns.
 *
 * @example
 * ```ts
 * const { inputs, labels, selected, count } = maskTokens(ids, { maskTokenId: 4, vocabSize: 100 });
 * ```
 */
export interface MaskedTokens {
  /** The ids with the selected positions replaced (80% `[MASK]`, 10% random, 10% unchanged). */
  inputs: Int32Array;
  /** The original id at selected positions, `ignoreIndex` elsewhere. */
  labels: Int32Array;
  /** 1 at selected positions, 0 elsewhere. */
  selected: Uint8Array;
  /** Number of selected positions. */
  count: number;
}

/**
 * BERT's masked-LM corruption: every position whose id is not special is selected with
 * `probability` (default 15%); a selected position becomes `[MASK]` with chance 0.8, a random id
 * with chance 0.1, and keeps its id otherwise. Labels hold the original ids at selected
 * positions and -100 elsewhere. Deterministic for a seed.
 *
 * @example
 * ```ts
 * const ids = Int32Array.from(tok.encodeInputs('the cat sat', null, { maxLength: 16, padding: 'max_length' }).inputIds);
 * const { inputs, labels } = maskTokens(ids, { maskTokenId: tok.maskId, vocabSize: tok.vocabSize, specialIds: tok.specialIds(), seed: 1 });
 * ```
 */
export function maskTokens(ids: ArrayLike<number>, options: MaskTokensOptions): MaskedTokens {
  const src = toInt32(ids, 'maskTokens ids');
  const { maskTokenId, vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 1) throw new ValueError('maskTokens vocabSize', 'a positive integer', vocabSize);
  if (!Number.isInteger(maskTokenId) || maskTokenId < 0 || maskTokenId >= vocabSize)
    throw new ValueError('maskTokens maskTokenId', `an id in [0, ${vocabSize})`, maskTokenId);
  const p = options.probability ?? 0.15;
  const pm = options.maskFraction ?? 0.8;
  const pr = options.randomFraction ?? 0.1;
  for (const [name, v] of [
    ['probability', p],
    ['maskFraction', pm],
    ['randomFraction', pr],
  ] as const)
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new ValueError(`maskTokens ${name}`, 'a number in [0, 1]', v);
  if (pm + pr > 1) throw new ValueError('maskTokens maskFraction + randomFraction', 'at most 1', pm + pr);
  const ignore = options.ignoreIndex ?? -100;
  const special = new Set(options.specialIds ?? []);
  const rng = options.rng ?? new Prng(options.seed ?? 0);
  const inputs = Int32Array.from(src);
  const labels = new Int32Array(src.length).fill(ignore);
  const selected = new Uint8Array(src.length);
  let count = 0;
  for (let i = 0; i < src.length; i++) {
    const id = src[i] as number;
    if (special.has(id) || rng.next() >= p) continue;
    selected[i] = 1;
    labels[i] = id;
    count++;
    const u = rng.next();
    if (u < pm) inputs[i] = maskTokenId;
    else if (u < pm + pr) inputs[i] = rng.int(vocabSize);
  }
  return { inputs, labels, selected, count };
}
