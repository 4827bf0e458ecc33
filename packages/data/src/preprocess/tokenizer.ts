import { ValueError } from '@tessera/core';

/**
 * Options of {@link Tokenizer}.
 *
 * @example
 * ```ts
 * const tok = new Tokenizer({ level: 'char', lowercase: false, maxVocab: 128, minFrequency: 2 }).fit(texts);
 * ```
 */
export interface TokenizerOptions {
  /** 'word' (default) splits on non-letter/digit characters; 'char' uses Unicode code points. */
  level?: 'word' | 'char';
  /** Lower-case the text first (default true). */
  lowercase?: boolean;
  /** Largest vocabulary, special tokens included (default: no limit). */
  maxVocab?: number;
  /** Keep only tokens seen at least this often when fitting (default 1). */
  minFrequency?: number;
}

/**
 * Options of {@link Tokenizer.encode}.
 *
 * @example
 * ```ts
 * // Keep the last 50 tokens, pad at the front (common for RNNs that read to the end).
 * const ids = tok.encode(message, { maxLength: 50, padding: 'pre', truncation: 'pre' });
 * ```
 */
export interface EncodeOptions {
  /** Output length: shorter sequences are padded, longer ones truncated. */
  maxLength?: number;
  /** Where padding goes (default 'post'). */
  padding?: 'pre' | 'post';
  /** Which end is cut when too long (default 'post': keep the beginning). */
  truncation?: 'pre' | 'post';
}

/**
 * Serialized form of a {@link Tokenizer} (what `toJSON()` returns and `Tokenizer.fromJSON` reads).
 *
 * @example
 * ```ts
 * const json: TokenizerJSON = tok.toJSON(); // { level: 'word', lowercase: true, vocab: ['<pad>', '<oov>', 'to', ...] }
 * const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(json)));
 * ```
 */
export interface TokenizerJSON {
  /** 'word' or 'char'. */
  level: 'word' | 'char';
  /** Whether text is lower-cased before lookup. */
  lowercase: boolean;
  /** Tokens by id, starting with `<pad>` and `<oov>`. */
  vocab: string[];
}

/**
 * Index of the padding token.
 *
 * @example
 * ```ts
 * const mask = Array.from(ids, (id) => id !== PAD_ID);
 * ```
 */
export const PAD_ID = 0;
/**
 * Index of the out-of-vocabulary token.
 *
 * @example
 * ```ts
 * const unknown = Array.from(ids).filter((id) => id === OOV_ID).length;
 * ```
 */
export const OOV_ID = 1;

/**
 * Text → integer ids with a fitted vocabulary (word or character level). Id 0 is `<pad>`, id 1
 * `<oov>` (tokens not in the vocabulary); the rest are ordered by frequency (ties: first seen).
 *
 * @example
 * ```ts
 * const tok = new Tokenizer({ level: 'word', maxVocab: 1000 }).fit(texts);
 * const ids = tok.encode('free entry now', { maxLength: 20 }); // Int32Array(20)
 * ```
 */
export class Tokenizer {
  readonly level: 'word' | 'char';
  readonly lowercase: boolean;
  private readonly options: TokenizerOptions;
  private vocab: string[] = ['<pad>', '<oov>'];
  private index = new Map<string, number>();

  constructor(options: TokenizerOptions = {}) {
    this.options = options;
    this.level = options.level ?? 'word';
    this.lowercase = options.lowercase ?? true;
    if (this.level !== 'word' && this.level !== 'char') throw new ValueError('Tokenizer level', "'word' or 'char'", this.level);
    if (options.maxVocab !== undefined && (!Number.isInteger(options.maxVocab) || options.maxVocab < 2)) {
      throw new ValueError('Tokenizer maxVocab', 'an integer ≥ 2 (room for <pad> and <oov>)', options.maxVocab);
    }
  }

  /** Vocabulary size, special tokens included. */
  get vocabSize(): number {
    return this.vocab.length;
  }

  /** The vocabulary, by id. */
  get tokens(): readonly string[] {
    return this.vocab;
  }

  /** Splits text into tokens (after lower-casing when enabled). */
  tokenize(text: string): string[] {
    const t = this.lowercase ? text.toLowerCase() : text;
    if (this.level === 'char') return Array.from(t);
    return t.match(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu) ?? [];
  }

  /** Builds the vocabulary from texts (replaces any previous one). */
  fit(texts: Iterable<string>): this {
    const counts = new Map<string, number>();
    for (const text of texts) for (const tok of this.tokenize(text)) counts.set(tok, (counts.get(tok) ?? 0) + 1);
    const minF = this.options.minFrequency ?? 1;
    const sorted = [...counts.entries()].filter(([, c]) => c >= minF).sort((a, b) => b[1] - a[1]);
    const limit = (this.options.maxVocab ?? Number.POSITIVE_INFINITY) - 2;
    this.vocab = ['<pad>', '<oov>', ...sorted.slice(0, Math.max(0, limit)).map(([t]) => t)];
    this.index = new Map(this.vocab.map((t, i) => [t, i]));
    return this;
  }

  /** Token ids of `text`, padded/truncated to `maxLength` when given. */
  encode(text: string, options: EncodeOptions = {}): Int32Array {
    const ids = this.tokenize(text).map((t) => this.index.get(t) ?? OOV_ID);
    const n = options.maxLength;
    if (n === undefined) return Int32Array.from(ids);
    if (!Number.isInteger(n) || n < 1) throw new ValueError('Tokenizer.encode maxLength', 'a positive integer', n);
    const cut = ids.length <= n ? ids : options.truncation === 'pre' ? ids.slice(ids.length - n) : ids.slice(0, n);
    const out = new Int32Array(n).fill(PAD_ID);
    out.set(cut, options.padding === 'pre' ? n - cut.length : 0);
    return out;
  }

  /** Tokens of the ids (padding skipped), joined by spaces (word level) or nothing (char level). */
  decode(ids: ArrayLike<number>): string {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (id !== PAD_ID) out.push(this.vocab[id] ?? '<oov>');
    }
    return out.join(this.level === 'word' ? ' ' : '');
  }

  toJSON(): TokenizerJSON {
    return { level: this.level, lowercase: this.lowercase, vocab: [...this.vocab] };
  }

  /** Rebuilds a tokenizer saved with `toJSON()`. */
  static fromJSON(json: unknown): Tokenizer {
    const j = json as Partial<TokenizerJSON>;
    if (!j || !Array.isArray(j.vocab) || j.vocab[0] !== '<pad>' || j.vocab[1] !== '<oov>') {
      throw new ValueError('Tokenizer.fromJSON', "{ level, lowercase, vocab: ['<pad>', '<oov>', ...] }", json);
    }
    const bad = j.vocab.findIndex((t) => typeof t !== 'string');
    if (bad >= 0) throw new ValueError(`Tokenizer.fromJSON vocab[${bad}]`, 'a string', j.vocab[bad]);
    if (j.lowercase !== undefined && typeof j.lowercase !== 'boolean') {
      throw new ValueError('Tokenizer.fromJSON lowercase', 'a boolean', j.lowercase);
    }
    const tok = new Tokenizer({ level: j.level ?? 'word', lowercase: j.lowercase ?? true });
    tok.vocab = [...j.vocab];
    tok.index = new Map(tok.vocab.map((t, i) => [t, i]));
    return tok;
  }
}
