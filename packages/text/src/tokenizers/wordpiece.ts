import { FormatError, ValueError } from '@tessera/core';
import { basicTokenize, wordPieces } from './basic-tokenize.js';
import { escapeRegExp } from './escape-regexp.js';
import type { TextTokenizer } from './tokenizer.js';
import { truncatePair } from './truncate-pair.js';

/**
 * Options of {@link WordPieceTokenizer}.
 *
 * @example
 * ```ts
 * const cased = WordPieceTokenizer.fromVocabText(vocabTxt, { lowercase: false }); // bert-base-cased
 * ```
 */
export interface WordPieceOptions {
  /** Lower-case the text (default true: uncased BERT). */
  lowercase?: boolean;
  /** Strip accents; default: the value of `lowercase`. */
  stripAccents?: boolean;
  /** Isolate CJK ideographs (default true). */
  tokenizeChineseChars?: boolean;
  /** Words longer than this many characters become `[UNK]` (default 100). */
  maxInputCharsPerWord?: number;
  /** Default '[UNK]'. */
  unkToken?: string;
  /** Default '[CLS]'. */
  clsToken?: string;
  /** Default '[SEP]'. */
  sepToken?: string;
  /** Default '[PAD]'. */
  padToken?: string;
  /** Default '[MASK]'. */
  maskToken?: string;
}

/**
 * Options of {@link WordPieceTokenizer.encodeInputs}.
 *
 * @example
 * ```ts
 * tok.encodeInputs('a question', 'a passage', { maxLength: 128, padding: 'max_length', truncation: 'only_second' });
 * ```
 */
export interface EncodeInputsOptions {
  /** Add `[CLS] a [SEP]` (and `b [SEP]`) around the tokens (default true). */
  addSpecialTokens?: boolean;
  /** Length of the output, special tokens included (needed by truncation and 'max_length' padding). */
  maxLength?: number;
  /**
   * How to cut to `maxLength` (default 'longest_first' when `maxLength` is set): 'longest_first'
   * cuts the longer sequence down to the room the shorter leaves, or both to half the room when
   * that is not enough, as Hugging Face tokenizers do; 'only_first' / 'only_second' cut that
   * sequence only; false never cuts.
   */
  truncation?: 'longest_first' | 'only_first' | 'only_second' | boolean;
  /** 'max_length' pads with `[PAD]` up to `maxLength`; false (default) does not pad. */
  padding?: 'max_length' | false;
}

/**
 * What {@link WordPieceTokenizer.encodeInputs} returns: a BERT model's three inputs.
 *
 * @example
 * ```ts
 * const { inputIds, tokenTypeIds, attentionMask } = tok.encodeInputs('hello', 'world', { maxLength: 8, padding: 'max_length' });
 * // inputIds      [CLS] hello [SEP] world [SEP] [PAD] [PAD] [PAD]
 * // tokenTypeIds  0     0     0     1     1     0     0     0
 * // attentionMask 1     1     1     1     1     0     0     0
 * ```
 */
export interface BertInputs {
  /** Token ids. */
  inputIds: number[];
  /** 0 for the first sequence (and its `[CLS]`/`[SEP]`), 1 for the second; 0 for padding. */
  tokenTypeIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
}

/**
 * Serialized form of a {@link WordPieceTokenizer}.
 *
 * @example
 * ```ts
 * const json: WordPieceJSON = tok.toJSON(); // { type: 'wordpiece', vocab: ['[PAD]', ...], options: { lowercase: true, ... } }
 * ```
 */
export interface WordPieceJSON {
  /** Always 'wordpiece'. */
  type: 'wordpiece';
  /** Tokens by id (the lines of vocab.txt). */
  vocab: string[];
  /** The options, resolved. */
  options: Required<WordPieceOptions>;
}

/**
 * BERT's tokenizer: {@link basicTokenize} (cleaning, CJK, lower-casing, accent stripping,
 * punctuation split), then greedy longest-match WordPiece with `##` continuations over a
 * vocab.txt vocabulary. Special tokens written in the text (`[SEP]`, `[MASK]`...) stay whole.
 *
 * @example
 * ```ts
 * const tok = WordPieceTokenizer.fromVocabText(await readFile('vocab.txt', 'utf8'));
 * tok.tokenize('UNwant\u00E9d,running'); // ['un', '##want', '##ed', ',', 'runn', '##ing']
 * const { inputIds, tokenTypeIds, attentionMask } = tok.encodeInputs('Who?', 'Me.', { maxLength: 16, padding: 'max_length' });
 * ```
 */
export class WordPieceTokenizer implements TextTokenizer {
  /** Tokens by id. */
  readonly vocab: readonly string[];
  /** The resolved options. */
  readonly options: Readonly<Required<WordPieceOptions>>;
  private readonly ids = new Map<string, number>();
  private readonly specialRe: RegExp;

  constructor(vocab: readonly string[], options: WordPieceOptions = {}) {
    const lowercase = options.lowercase ?? true;
    this.options = {
      lowercase,
      stripAccents: options.stripAccents ?? lowercase,
      tokenizeChineseChars: options.tokenizeChineseChars ?? true,
      maxInputCharsPerWord: options.maxInputCharsPerWord ?? 100,
      unkToken: options.unkToken ?? '[UNK]',
      clsToken: options.clsToken ?? '[CLS]',
      sepToken: options.sepToken ?? '[SEP]',
      padToken: options.padToken ?? '[PAD]',
      maskToken: options.maskToken ?? '[MASK]',
    };
    vocab.forEach((t, i) => {
      if (typeof t !== 'string' || t.length === 0) throw new ValueError(`WordPieceTokenizer vocab[${i}]`, 'a non-empty token', t);
      if (!this.ids.has(t)) this.ids.set(t, i);
    });
    this.vocab = [...vocab];
    const m = this.options.maxInputCharsPerWord;
    if (!Number.isInteger(m) || m < 1) throw new ValueError('WordPieceTokenizer maxInputCharsPerWord', 'a positive integer', m);
    if (!this.ids.has(this.options.unkToken))
      throw new ValueError(
        'WordPieceTokenizer vocab',
        `a vocabulary holding the unknown token ${this.options.unkToken}`,
        `${vocab.length} tokens`,
      );
    const specials = this.specialTokens().filter((s) => this.ids.has(s));
    this.specialRe = new RegExp(specials.map(escapeRegExp).join('|'), 'gu');
  }

  /**
   * A tokenizer from the text of a BERT `vocab.txt` (one token per line, the line number is the id).
   *
   * @example
   * ```ts
   * const tok = WordPieceTokenizer.fromVocabText('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nhello\n##s\n');
   * tok.encode('hellos'); // [5, 6]
   * ```
   */
  static fromVocabText(text: string, options: WordPieceOptions = {}): WordPieceTokenizer {
    const lines = text.split(/\r?\n/);
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return new WordPieceTokenizer(lines, options);
  }

  /** Reads the form `toJSON()` writes; malformed input throws a FormatError. */
  static fromJSON(json: unknown): WordPieceTokenizer {
    const j = json as WordPieceJSON;
    if (typeof j !== 'object' || j === null || j.type !== 'wordpiece' || !Array.isArray(j.vocab) || typeof j.options !== 'object')
      throw new FormatError('wordpiece JSON', "expected { type: 'wordpiece', vocab: string[], options }");
    try {
      return new WordPieceTokenizer(j.vocab, j.options ?? {});
    } catch (e) {
      throw new FormatError('wordpiece JSON', (e as Error).message);
    }
  }

  /** Number of tokens in the vocabulary. */
  get vocabSize(): number {
    return this.vocab.length;
  }
  /** Id of `[UNK]`. */
  get unkId(): number {
    return this.ids.get(this.options.unkToken) as number;
  }
  /** Id of `[CLS]` (throws when the vocabulary lacks it). */
  get clsId(): number {
    return this.requireId(this.options.clsToken);
  }
  /** Id of `[SEP]` (throws when the vocabulary lacks it). */
  get sepId(): number {
    return this.requireId(this.options.sepToken);
  }
  /** Id of `[PAD]` (throws when the vocabulary lacks it). */
  get padId(): number {
    return this.requireId(this.options.padToken);
  }
  /** Id of `[MASK]` (throws when the vocabulary lacks it). */
  get maskId(): number {
    return this.requireId(this.options.maskToken);
  }

  /** The id of `token`, or undefined. */
  tokenToId(token: string): number | undefined {
    return this.ids.get(token);
  }

  /** The ids of the special tokens present in the vocabulary (for `maskTokens`' `specialIds`). */
  specialIds(): number[] {
    return this.specialTokens()
      .map((t) => this.ids.get(t))
      .filter((x): x is number => x !== undefined);
  }

  /** The word pieces of `text` (no special tokens added). */
  tokenize(text: string): string[] {
    const out: string[] = [];
    const plain = (s: string) => {
      for (const word of basicTokenize(s, this.options))
        out.push(...wordPieces(word, this.ids, this.options.unkToken, this.options.maxInputCharsPerWord));
    };
    let last = 0;
    if (this.specialRe.source !== '(?:)') {
      for (const m of text.matchAll(this.specialRe)) {
        const at = m.index ?? 0;
        if (at > last) plain(text.slice(last, at));
        out.push(m[0]);
        last = at + m[0].length;
      }
    }
    if (last < text.length) plain(text.slice(last));
    return out;
  }

  /** The ids of `text`'s word pieces (no special tokens added). */
  encode(text: string): number[] {
    return this.tokenize(text).map((t) => this.ids.get(t) ?? this.unkId);
  }

  /**
   * BERT model inputs for one sequence or a pair: `[CLS] a [SEP]` or `[CLS] a [SEP] b [SEP]`,
   * token type ids, attention mask, truncated and padded per `options`.
   */
  encodeInputs(text: string, pair?: string | null, options: EncodeInputsOptions = {}): BertInputs {
    let a = this.encode(text);
    let b = pair == null ? null : this.encode(pair);
    const add = options.addSpecialTokens ?? true;
    const { maxLength } = options;
    if (maxLength !== undefined && (!Number.isInteger(maxLength) || maxLength < 0))
      throw new ValueError('encodeInputs maxLength', 'a non-negative integer', maxLength);
    const truncation = options.truncation ?? true;
    if (maxLength !== undefined && truncation !== false) {
      const budget = maxLength - (add ? (b ? 3 : 2) : 0);
      if (budget < 0) throw new ValueError('encodeInputs maxLength', `at least ${maxLength - budget} (the special tokens)`, maxLength);
      [a, b] = truncatePair(a, b, budget, truncation === true ? 'longest_first' : truncation);
    }
    const inputIds = add ? [this.clsId, ...a, this.sepId] : [...a];
    const tokenTypeIds = inputIds.map(() => 0);
    if (b) {
      const second = add ? [...b, this.sepId] : b;
      inputIds.push(...second);
      tokenTypeIds.push(...second.map(() => 1));
    }
    const attentionMask = inputIds.map(() => 1);
    if (options.padding === 'max_length') {
      if (maxLength === undefined) throw new ValueError('encodeInputs padding', "a maxLength with padding 'max_length'", undefined);
      while (inputIds.length < maxLength) {
        inputIds.push(this.padId);
        tokenTypeIds.push(0);
        attentionMask.push(0);
      }
    }
    return { inputIds, tokenTypeIds, attentionMask };
  }

  /**
   * The text of `ids`: tokens joined by spaces, `##` continuations glued to the previous
   * piece; special tokens left out unless `skipSpecialTokens` is false.
   */
  decode(ids: ArrayLike<number>, options: { skipSpecialTokens?: boolean } = {}): string {
    const skip = options.skipSpecialTokens ?? true;
    const specials = new Set(this.specialTokens());
    const tokens: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.vocab[ids[i] as number];
      if (t === undefined) throw new ValueError(`WordPieceTokenizer.decode ids[${i}]`, `an id in [0, ${this.vocab.length})`, ids[i]);
      if (skip && specials.has(t)) continue;
      tokens.push(t);
    }
    return tokens.join(' ').replace(/ ##/g, '');
  }

  /** `{ type: 'wordpiece', vocab, options }`. */
  toJSON(): WordPieceJSON {
    return { type: 'wordpiece', vocab: [...this.vocab], options: { ...this.options } };
  }

  private specialTokens(): string[] {
    const o = this.options;
    return [o.unkToken, o.clsToken, o.sepToken, o.padToken, o.maskToken];
  }

  private requireId(token: string): number {
    const id = this.ids.get(token);
    if (id === undefined) throw new ValueError('WordPieceTokenizer vocab', `a vocabulary holding ${token}`, `${this.vocab.length} tokens`);
    return id;
  }
}
