import { ValueError } from '@tessera/core';

/**
 * Cuts the ids of one sequence or a pair to `budget` tokens in all, the way Hugging Face
 * tokenizers do (`truncate_encodings`). Used by `WordPieceTokenizer.encodeInputs`.
 *
 * @example
 * ```ts
 * truncatePair([1, 2, 3, 4, 5, 6, 7, 8], [9, 10], 7, 'longest_first'); // [[1, 2, 3, 4, 5], [9, 10]]
 * ```
 */
export function truncatePair(
  a: number[],
  b: number[] | null,
  budget: number,
  how: 'longest_first' | 'only_first' | 'only_second',
): [number[], number[] | null] {
  const total = a.length + (b?.length ?? 0);
  if (total <= budget) return [a, b];
  const over = total - budget;
  if (how === 'only_first' || !b) {
    if (how === 'only_second' || over > a.length)
      throw new ValueError('encodeInputs truncation', `a sequence that can lose ${over} tokens`, how);
    return [a.slice(0, a.length - over), b];
  }
  if (how === 'only_second') {
    if (over > b.length) throw new ValueError('encodeInputs truncation', `a second sequence that can lose ${over} tokens`, how);
    return [a, b.slice(0, b.length - over)];
  }
  // Hugging Face tokenizers' longest_first (truncate_encodings): the shorter keeps its length when
  // the longer can take the rest of the room; else both get half, the odd token to the longer
  // (the second on ties)
  const swap = a.length > b.length;
  let n1 = swap ? b.length : a.length;
  let n2 = n1 > budget ? n1 : Math.max(n1, budget - n1);
  if (n1 + n2 > budget) {
    n1 = Math.floor(budget / 2);
    n2 = n1 + (budget % 2);
  }
  const [na, nb] = swap ? [n2, n1] : [n1, n2];
  return [a.slice(0, na), b.slice(0, nb)];
}
