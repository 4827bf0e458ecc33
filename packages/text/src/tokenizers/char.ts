import { FormatError, ValueError } from '@tessera/core';
import type { TextTokenizer } from './tokenizer.js';

/**
 * Serialized form of a {@link CharTokenizer}.
 *
 * @example
 * ```ts
 * const json: CharTokenizerJSON = { type: 'char', chars: ['\n', ' ', 'a', 'b'] };
 * CharTokenizer.fromJSON(json).encode('ab'); // [2, 3]
 * ```
 */
export interface CharTokenizerJSON {
  /** Always 'char'. */
  type: 'char';
  /** The characters (Unicode code points) by id. */
  chars: string[];
}

/**
 * A character-level tokenizer, as in char-rnn and nanoGPT's Shakespeare example: one id per
 * Unicode code point, the vocabulary being the sorted set of the characters of a text.
 * There is no unknown token: encoding a character not in the vocabulary throws.
 *
 * @example
 * ```ts
 * const tok = CharTokenizer.fromText(shakespeare); // 65 characters
 * const ids = tok.encode('hii there'); // [46, 47, 47, 1, 58, 46, 43, 56, 43]
 * tok.decode(ids); // 'hii there'
 * ```
 */
export class CharTokenizer implements TextTokenizer {
  /** The characters by id. */
  readonly chars: readonly string[];
  private readonly index: Map<string, number>;

  constructor(chars: readonly string[]) {
    const index = new Map<string, number>();
    chars.forEach((c, i) => {
      if (typeof c !== 'string' || [...c].length !== 1) throw new ValueError(`CharTokenizer chars[${i}]`, 'one character', c);
      if (index.has(c)) throw new ValueError(`CharTokenizer chars[${i}]`, 'characters that appear once', c);
      index.set(c, i);
    });
    this.chars = [...chars];
    this.index = index;
  }

  /**
   * The tokenizer of the characters of `text`, sorted by code point (nanoGPT's `sorted(set(text))`).
   *
   * @example
   * ```ts
   * CharTokenizer.fromText('hello').chars; // ['e', 'h', 'l', 'o']
   * ```
   */
  static fromText(text: string): CharTokenizer {
    const set = new Set<string>();
    for (const c of text) set.add(c);
    return new CharTokenizer([...set].sort((a, b) => (a.codePointAt(0) as number) - (b.codePointAt(0) as number)));
  }

  /** Reads the form `toJSON()` writes. */
  static fromJSON(json: unknown): CharTokenizer {
    const j = json as CharTokenizerJSON;
    if (typeof j !== 'object' || j === null || j.type !== 'char' || !Array.isArray(j.chars)) {
      throw new FormatError('char tokenizer JSON', `expected { type: 'char', chars: string[] }`);
    }
    try {
      return new CharTokenizer(j.chars);
    } catch (e) {
      throw new FormatError('char tokenizer JSON', (e as Error).message);
    }
  }

  /** Number of characters. */
  get vocabSize(): number {
    return this.chars.length;
  }

  /** One id per code point of `text`; throws on a character outside the vocabulary. */
  encode(text: string): number[] {
    const out: number[] = [];
    for (const c of text) {
      const id = this.index.get(c);
      if (id === undefined) throw new ValueError('CharTokenizer.encode text', `characters of the vocabulary (${this.chars.length})`, c);
      out.push(id);
    }
    return out;
  }

  /** The characters of `ids` joined; throws on an id outside `[0, vocabSize)`. */
  decode(ids: ArrayLike<number>): string {
    let s = '';
    for (let i = 0; i < ids.length; i++) {
      const c = this.chars[ids[i] as number];
      if (c === undefined) throw new ValueError(`CharTokenizer.decode ids[${i}]`, `an id in [0, ${this.chars.length})`, ids[i]);
      s += c;
    }
    return s;
  }

  /** `{ type: 'char', chars }`. */
  toJSON(): CharTokenizerJSON {
    return { type: 'char', chars: [...this.chars] };
  }
}
