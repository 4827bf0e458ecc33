import { FormatError, ValueError } from '@tessera/core';
import { byteToUnicode, GPT2_PATTERN, preTokenize } from './byte-level.js';
import { escapeRegExp } from './escape-regexp.js';
import type { TextTokenizer } from './tokenizer.js';

/**
 * Serialized form of a {@link ByteBpeTokenizer}: ids 0-255 are the bytes, id `256 + i` is
 * `merges[i]`, and the special tokens follow the merges.
 *
 * @example
 * ```ts
 * const json: ByteBpeJSON = { type: 'byte-bpe', pattern: GPT2_PATTERN, merges: [[97, 97], [97, 98]], specialTokens: ['<|endoftext|>'] };
 * ByteBpeTokenizer.fromJSON(json).encode('aab'); // [256, 98]
 * ```
 */
export interface ByteBpeJSON {
  /** Always 'byte-bpe'. */
  type: 'byte-bpe';
  /** The pre-tokenization regular expression (source, used with flags `gu`). */
  pattern: string;
  /** The merges in order: `[left id, right id]`; merge `i` makes id `256 + i`. */
  merges: [number, number][];
  /** Special tokens, ids `256 + merges.length + i`; matched whole in the text before pre-tokenization. */
  specialTokens: string[];
}

/** Largest vocabulary a pair key can hold (keys are `left * PAIR_BASE + right`). */
export const PAIR_BASE = 1 << 21;

const encoder = new TextEncoder();

/**
 * A GPT-2-style byte-level BPE tokenizer: text is split into chunks by a regular expression,
 * each chunk's UTF-8 bytes (ids 0-255) are merged pair by pair in the order the merges were
 * learned. Every string round-trips exactly (`decode(encode(s)) === s`), whatever its script,
 * since any byte is a token. Train one with {@link trainBpe}.
 *
 * @example
 * ```ts
 * const tok = trainBpe(text, { vocabSize: 512, specialTokens: ['<|endoftext|>'] });
 * const ids = tok.encode('To be, or not to be<|endoftext|>');
 * tok.decode(ids); // the same string
 * tok.tokenText(ids[0]!); // 'To' (GPT-2's printable form: a space reads 'Ġ')
 * ```
 */
export class ByteBpeTokenizer implements TextTokenizer {
  /** The merges, in order. */
  readonly merges: ReadonlyArray<readonly [number, number]>;
  /** The special tokens, in id order. */
  readonly specialTokens: readonly string[];
  /** The pre-tokenization pattern. */
  readonly pattern: string;
  private readonly ranks = new Map<number, number>();
  private readonly bytes: Uint8Array[] = [];
  private readonly specialIds = new Map<string, number>();
  private readonly specialRe: RegExp | null;
  private readonly chunkRe: RegExp;
  private readonly memo = new Map<string, number[]>();

  constructor(merges: ReadonlyArray<readonly [number, number]>, options: { specialTokens?: readonly string[]; pattern?: string } = {}) {
    this.pattern = options.pattern ?? GPT2_PATTERN;
    try {
      this.chunkRe = new RegExp(this.pattern, 'gu');
    } catch {
      throw new ValueError('ByteBpeTokenizer pattern', 'a valid regular expression', this.pattern);
    }
    for (let b = 0; b < 256; b++) this.bytes.push(Uint8Array.of(b));
    merges.forEach(([a, b], i) => {
      const id = 256 + i;
      if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b < 0 || a >= id || b >= id)
        throw new ValueError(`ByteBpeTokenizer merges[${i}]`, `two ids below ${id}`, [a, b]);
      const key = a * PAIR_BASE + b;
      if (this.ranks.has(key)) throw new ValueError(`ByteBpeTokenizer merges[${i}]`, 'a pair not merged before', [a, b]);
      this.ranks.set(key, i);
      const l = this.bytes[a] as Uint8Array;
      const r = this.bytes[b] as Uint8Array;
      const m = new Uint8Array(l.length + r.length);
      m.set(l);
      m.set(r, l.length);
      this.bytes.push(m);
    });
    this.merges = merges.map(([a, b]) => [a, b] as const);
    const specials = [...(options.specialTokens ?? [])];
    specials.forEach((s, i) => {
      if (typeof s !== 'string' || s.length === 0 || this.specialIds.has(s))
        throw new ValueError(`ByteBpeTokenizer specialTokens[${i}]`, 'distinct non-empty strings', s);
      this.specialIds.set(s, 256 + merges.length + i);
      this.bytes.push(encoder.encode(s));
    });
    this.specialTokens = specials;
    this.specialRe = specials.length
      ? new RegExp(
          [...specials]
            .sort((x, y) => y.length - x.length)
            .map(escapeRegExp)
            .join('|'),
          'gu',
        )
      : null;
    if (this.bytes.length > PAIR_BASE) throw new ValueError('ByteBpeTokenizer vocabulary', `at most ${PAIR_BASE} ids`, this.bytes.length);
  }

  /** Reads the form `toJSON()` writes; malformed input throws a FormatError. */
  static fromJSON(json: unknown): ByteBpeTokenizer {
    const j = json as ByteBpeJSON;
    const ok =
      typeof j === 'object' &&
      j !== null &&
      j.type === 'byte-bpe' &&
      typeof j.pattern === 'string' &&
      Array.isArray(j.merges) &&
      j.merges.every((m) => Array.isArray(m) && m.length === 2) &&
      Array.isArray(j.specialTokens);
    if (!ok) throw new FormatError('byte-bpe JSON', "expected { type: 'byte-bpe', pattern, merges: [a, b][], specialTokens: string[] }");
    try {
      return new ByteBpeTokenizer(j.merges, { specialTokens: j.specialTokens, pattern: j.pattern });
    } catch (e) {
      throw new FormatError('byte-bpe JSON', (e as Error).message);
    }
  }

  /** 256 bytes + merges + special tokens. */
  get vocabSize(): number {
    return this.bytes.length;
  }

  /** The id of a special token, or undefined. */
  specialId(token: string): number | undefined {
    return this.specialIds.get(token);
  }

  /**
   * The ids of `text`. Special tokens in the text become their ids unless `allowSpecial` is
   * false (then they are encoded as plain text).
   */
  encode(text: string, options: { allowSpecial?: boolean } = {}): number[] {
    const out: number[] = [];
    const plain = (s: string) => {
      for (const chunk of preTokenize(s, this.chunkRe)) for (const id of this.encodeChunk(chunk)) out.push(id);
    };
    if (!this.specialRe || options.allowSpecial === false) {
      plain(text);
      return out;
    }
    let last = 0;
    for (const m of text.matchAll(this.specialRe)) {
      const at = m.index ?? 0;
      if (at > last) plain(text.slice(last, at));
      out.push(this.specialIds.get(m[0]) as number);
      last = at + m[0].length;
    }
    if (last < text.length) plain(text.slice(last));
    return out;
  }

  /** The UTF-8 bytes of `ids` (a cut through a multi-byte character stays cut). */
  decodeBytes(ids: ArrayLike<number>): Uint8Array {
    let n = 0;
    for (let i = 0; i < ids.length; i++) n += this.tokenBytes(ids[i] as number, i).length;
    const out = new Uint8Array(n);
    let at = 0;
    for (let i = 0; i < ids.length; i++) {
      const b = this.tokenBytes(ids[i] as number, i);
      out.set(b, at);
      at += b.length;
    }
    return out;
  }

  /** The text of `ids`; invalid UTF-8 (e.g. half of a character) becomes U+FFFD. */
  decode(ids: ArrayLike<number>): string {
    return new TextDecoder('utf-8').decode(this.decodeBytes(ids));
  }

  /** A token in GPT-2's printable byte form ('Ġ' for a space); special tokens as they are. */
  tokenText(id: number): string {
    const b = this.tokenBytes(id, 0);
    if (id >= 256 + this.merges.length) return new TextDecoder('utf-8').decode(b);
    const map = byteToUnicode();
    let s = '';
    for (const x of b) s += map[x];
    return s;
  }

  /** `{ type: 'byte-bpe', pattern, merges, specialTokens }`. */
  toJSON(): ByteBpeJSON {
    return {
      type: 'byte-bpe',
      pattern: this.pattern,
      merges: this.merges.map(([a, b]) => [a, b]),
      specialTokens: [...this.specialTokens],
    };
  }

  private tokenBytes(id: number, i: number): Uint8Array {
    const b = this.bytes[id];
    if (b === undefined || !Number.isInteger(id))
      throw new ValueError(`ByteBpeTokenizer.decode ids[${i}]`, `an id in [0, ${this.bytes.length})`, id);
    return b;
  }

  private encodeChunk(chunk: string): number[] {
    const hit = this.memo.get(chunk);
    if (hit) return hit;
    const ids = applyMerges(Array.from(encoder.encode(chunk)), this.ranks);
    if (this.memo.size >= 50_000) this.memo.clear();
    this.memo.set(chunk, ids);
    return ids;
  }
}

/**
 * Applies BPE merges to `ids`: repeatedly merges every occurrence of the adjacent pair with the
 * lowest rank (earliest learned) until no pair of `ranks` is left. Pair keys are
 * `left * PAIR_BASE + right`; the merged id is `256 + rank`.
 *
 * @example
 * ```ts
 * applyMerges([97, 97, 97, 98], new Map([[97 * PAIR_BASE + 97, 0]])); // [256, 97, 98]
 * ```
 */
export function applyMerges(ids: number[], ranks: ReadonlyMap<number, number>): number[] {
  let seq = ids;
  while (seq.length > 1) {
    let best = -1;
    let bestRank = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < seq.length; i++) {
      const r = ranks.get((seq[i] as number) * PAIR_BASE + (seq[i + 1] as number));
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = (seq[i] as number) * PAIR_BASE + (seq[i + 1] as number);
      }
    }
    if (best < 0) break;
    seq = mergePair(seq, Math.floor(best / PAIR_BASE), best % PAIR_BASE, 256 + bestRank);
  }
  return seq;
}

/**
 * Replaces every occurrence of the pair `(a, b)` in `ids`, left to right, by `id`.
 *
 * @example
 * ```ts
 * mergePair([97, 97, 97], 97, 97, 256); // [256, 97]
 * ```
 */
export function mergePair(ids: readonly number[], a: number, b: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === a && ids[i + 1] === b && i + 1 < ids.length) {
      out.push(id);
      i++;
    } else out.push(ids[i] as number);
  }
  return out;
}
