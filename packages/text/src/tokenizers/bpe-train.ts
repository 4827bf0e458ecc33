import { ValueError } from '@tessera/core';
import { ByteBpeTokenizer, mergePair, PAIR_BASE } from './bpe.js';
import { GPT2_PATTERN, preTokenize } from './byte-level.js';

/**
 * Options of {@link trainBpe}.
 *
 * @example
 * ```ts
 * const options: TrainBpeOptions = { vocabSize: 1024, specialTokens: ['<|endoftext|>'], minFrequency: 2 };
 * ```
 */
export interface TrainBpeOptions {
  /** Size of the vocabulary: 256 bytes + the merges learned + the special tokens. At least 256 + specials. */
  vocabSize: number;
  /** Special tokens, given the last ids (default none). */
  specialTokens?: string[];
  /** Pre-tokenization pattern (default GPT-2's, {@link GPT2_PATTERN}). */
  pattern?: string;
  /** Stop when the most frequent pair occurs fewer times than this (default 2: a pair seen once is not merged). */
  minFrequency?: number;
}

/**
 * Learns a byte-level BPE tokenizer from `text` (GPT-2 style): the text is split into chunks by
 * the pre-tokenization pattern (special tokens are removed first), and the most frequent
 * adjacent pair of ids over all chunks is merged into a new id, again and again until the
 * vocabulary has `vocabSize` ids or no pair occurs `minFrequency` times. Ties between equally
 * frequent pairs go to the smallest `(left, right)` ids, so training is deterministic.
 *
 * @example
 * ```ts
 * const tok = trainBpe('aaabdaaabac', { vocabSize: 259 });
 * tok.merges; // [[97, 97], [97, 98], [256, 257]]: 'aa', 'ab', then 'aa' + 'ab'
 * tok.encode('aaabdaaabac'); // [258, 100, 258, 97, 99]
 * ```
 */
export function trainBpe(text: string, options: TrainBpeOptions): ByteBpeTokenizer {
  if (typeof text !== 'string') throw new ValueError('trainBpe text', 'a string', text);
  const specials = options.specialTokens ?? [];
  const { vocabSize } = options;
  if (!Number.isInteger(vocabSize) || vocabSize < 256 + specials.length || vocabSize > PAIR_BASE)
    throw new ValueError('trainBpe vocabSize', `an integer in [${256 + specials.length}, ${PAIR_BASE}]`, vocabSize);
  const minFrequency = options.minFrequency ?? 2;
  if (!Number.isInteger(minFrequency) || minFrequency < 1)
    throw new ValueError('trainBpe minFrequency', 'a positive integer', minFrequency);
  const pattern = options.pattern ?? GPT2_PATTERN;
  // validates pattern and specials, and strips the specials from the training text
  const empty = new ByteBpeTokenizer([], { specialTokens: specials, pattern });
  let plain = [text];
  for (const s of specials) plain = plain.flatMap((p) => p.split(s));

  const freq = new Map<string, number>();
  const re = new RegExp(pattern, 'gu');
  for (const part of plain) for (const chunk of preTokenize(part, re)) freq.set(chunk, (freq.get(chunk) ?? 0) + 1);
  const encoder = new TextEncoder();
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [chunk, n] of freq) {
    words.push(Array.from(encoder.encode(chunk)));
    counts.push(n);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1) => {
    const ids = words[w] as number[];
    const n = counts[w] as number;
    for (let i = 0; i + 1 < ids.length; i++) {
      const key = (ids[i] as number) * PAIR_BASE + (ids[i + 1] as number);
      const c = (pairCount.get(key) ?? 0) + sign * n;
      if (c > 0) pairCount.set(key, c);
      else pairCount.delete(key);
      if (sign > 0) {
        const set = pairWords.get(key);
        if (set) set.add(w);
        else pairWords.set(key, new Set([w]));
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: [number, number][] = [];
  const wanted = vocabSize - 256 - specials.length;
  while (merges.length < wanted) {
    let best = -1;
    let bestCount = 0;
    for (const [key, c] of pairCount) {
      if (c > bestCount || (c === bestCount && key < best)) {
        best = key;
        bestCount = c;
      }
    }
    if (best < 0 || bestCount < minFrequency) break;
    const a = Math.floor(best / PAIR_BASE);
    const b = best % PAIR_BASE;
    const id = 256 + merges.length;
    merges.push([a, b]);
    for (const w of pairWords.get(best) ?? []) {
      const ids = words[w] as number[];
      let has = false;
      for (let i = 0; i + 1 < ids.length && !has; i++) has = ids[i] === a && ids[i + 1] === b;
      if (!has) continue;
      addPairs(w, -1);
      words[w] = mergePair(ids, a, b, id);
      addPairs(w, 1);
    }
    pairWords.delete(best);
  }
  return merges.length === 0 ? empty : new ByteBpeTokenizer(merges, { specialTokens: specials, pattern });
}
