/**
 * What every tokenizer of this package does: text to ids and back, and a JSON form that
 * {@link tokenizerFromJSON} reads back.
 *
 * @example
 * ```ts
 * const tok: TextTokenizer = CharTokenizer.fromText('hello world');
 * const ids = tok.encode('hello'); // [3, 2, 4, 4, 5]
 * tok.decode(ids); // 'hello'
 * const again = tokenizerFromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
 * ```
 */
export interface TextTokenizer {
  /** Number of ids: every id is in `[0, vocabSize)`. */
  readonly vocabSize: number;
  /** The ids of `text`. */
  encode(text: string): number[];
  /** The text of `ids`. */
  decode(ids: ArrayLike<number>): string;
  /** A JSON-serializable description, with a `type` field naming the tokenizer. */
  toJSON(): { type: string };
}
