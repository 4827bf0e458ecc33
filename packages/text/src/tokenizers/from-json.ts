import { FormatError } from '@tessera/core';
import { ByteBpeTokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import { WordPieceTokenizer } from './wordpiece.js';

/**
 * Rebuilds any tokenizer of this package from its `toJSON()` form, dispatching on `type`
 * ('char', 'byte-bpe', 'wordpiece'). Malformed input throws a FormatError.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(trainBpe(text, { vocabSize: 512 }));
 * const tok = tokenizerFromJSON(JSON.parse(saved)); // a ByteBpeTokenizer
 * ```
 */
export function tokenizerFromJSON(json: unknown): CharTokenizer | ByteBpeTokenizer | WordPieceTokenizer {
  const type = typeof json === 'object' && json !== null ? (json as { type?: unknown }).type : undefined;
  switch (type) {
    case 'char':
      return CharTokenizer.fromJSON(json);
    case 'byte-bpe':
      return ByteBpeTokenizer.fromJSON(json);
    case 'wordpiece':
      return WordPieceTokenizer.fromJSON(json);
    default:
      throw new FormatError('tokenizer JSON', `expected a type of 'char', 'byte-bpe' or 'wordpiece', received ${JSON.stringify(type)}`);
  }
}
