import { readFileSync } from 'node:fs';
import { FormatError, ValueError } from '@tessera/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteBpeTokenizer } from './bpe.js';
import { trainBpe } from './bpe-train.js';
import { byteToUnicode, GPT2_PATTERN, preTokenize } from './byte-level.js';
import { tokenizerFromJSON } from './from-json.js';

const shakespeare = readFileSync(new URL('../../../../../shared/datasets/shakespeare/input.txt', import.meta.url), 'utf8');

// String.prototype.toWellFormed (ES2024): lone surrogates, which UTF-8 cannot hold, become U+FFFD
const wellFormed = (s: string) => s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');

describe('byte-level pre-tokenization', () => {
  it("splits like GPT-2's pattern and keeps every character", () => {
    expect(preTokenize("Hello world's 123!!", GPT2_PATTERN)).toEqual(['Hello', ' world', "'s", ' 123', '!!']);
    expect(preTokenize('  hi there\n\n', GPT2_PATTERN)).toEqual([' ', ' hi', ' there', '\n\n']);
    // a pattern that leaves gaps: the gaps become chunks of their own
    expect(preTokenize('ab12cd', '[a-z]+')).toEqual(['ab', '12', 'cd']);
  });

  it("maps bytes to GPT-2's printable characters", () => {
    const m = byteToUnicode();
    expect(m[32]).toBe('Ġ');
    expect(m[10]).toBe('Ċ');
    expect(m[33]).toBe('!');
    expect(m[0]).toBe('Ā');
    expect(new Set(m).size).toBe(256);
  });
});

describe('trainBpe', () => {
  it('learns the merges of the Wikipedia example "aaabdaaabac" (aa, ab, then aa+ab) and encodes with them', () => {
    const tok = trainBpe('aaabdaaabac', { vocabSize: 259 });
    // counts: aa 4, ab 2 ...; after aa -> 256: (256, a) 2 and (a, b) 2 tie, the smaller ids (97, 98) win; then (256, 257) 2
    expect(tok.merges).toEqual([
      [97, 97],
      [97, 98],
      [256, 257],
    ]);
    expect(tok.vocabSize).toBe(259);
    expect(tok.encode('aaabdaaabac')).toEqual([258, 100, 258, 97, 99]);
    expect(tok.tokenText(258)).toBe('aaab');
    expect(tok.decode([258, 100, 258, 97, 99])).toBe('aaabdaaabac');
  });

  it('never merges across pre-tokenization chunks; stops below minFrequency', () => {
    // chunks 'hug', ' hug', ' hugs': hu 3 = ug 3 (hu has the smaller ids), then hu+g 3, then ' '+hug 2; 'hug'+s occurs once
    const tok = trainBpe('hug hug hugs', { vocabSize: 300 });
    expect(tok.merges).toEqual([
      [104, 117],
      [256, 103],
      [32, 257],
    ]);
    expect(tok.encode('hugs hug')).toEqual([257, 115, 258]);
    expect(tok.tokenText(258)).toBe('Ġhug');
    expect(trainBpe('hug hug hugs', { vocabSize: 300, minFrequency: 1 }).merges).toHaveLength(4);
  });

  it('keeps special tokens out of training, gives them the last ids and matches them whole when encoding', () => {
    const tok = trainBpe('aaaa<|endoftext|>aaaa', { vocabSize: 259, specialTokens: ['<|endoftext|>'] });
    expect(tok.merges).toEqual([
      [97, 97],
      [256, 256],
    ]);
    expect(tok.specialId('<|endoftext|>')).toBe(258);
    expect(tok.encode('aaaa<|endoftext|>a')).toEqual([257, 258, 97]);
    expect(tok.encode('<|endoftext|>', { allowSpecial: false })).toHaveLength(13);
    expect(tok.decode([257, 258])).toBe('aaaa<|endoftext|>');
  });

  it('on Tiny Shakespeare: compresses, round-trips every string exactly and survives JSON', () => {
    const t0 = performance.now();
    const tok = trainBpe(shakespeare, { vocabSize: 512, specialTokens: ['<|endoftext|>'] });
    const ms = performance.now() - t0;
    expect(tok.vocabSize).toBe(512);
    expect(ms).toBeLessThan(20_000);
    const sample = shakespeare.slice(0, 20_000);
    const ids = tok.encode(sample);
    expect(ids.length).toBeLessThan(sample.length * 0.55); // 10,405 tokens for 20,000 characters;
    expect(tok.decode(ids)).toBe(sample);
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(tok))) as ByteBpeTokenizer;
    expect(again.encode(sample)).toEqual(ids);
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), (a, b) => {
        const s = wellFormed(`${a}<|endoftext|>${b}`);
        const enc = tok.encode(s);
        expect(enc.every((i) => Number.isInteger(i) && i >= 0 && i < tok.vocabSize)).toBe(true);
        expect(tok.decode(enc)).toBe(s);
      }),
      { numRuns: 300 },
    );
    expect(tok.decode(tok.encode('naïve 日本語 🤖 \u0000\t\r\n'))).toBe('naïve 日本語 🤖 \u0000\t\r\n');
    expect(tok.decode(tok.encode('a\uD800b'))).toBe('a\uFFFDb'); // a lone surrogate is not UTF-8
  });

  it('names bad options, ids and JSON', () => {
    expect(() => trainBpe('abc', { vocabSize: 100 })).toThrow(ValueError);
    expect(() => trainBpe('abc', { vocabSize: 256, specialTokens: ['<s>'] })).toThrow(/vocabSize.*257/);
    const tok = trainBpe('abab', { vocabSize: 257 });
    expect(() => tok.decode([300])).toThrow(/ids\[0\].*\[0, 257\).*300/);
    expect(() => ByteBpeTokenizer.fromJSON({ type: 'byte-bpe', pattern: GPT2_PATTERN, merges: [[300, 1]], specialTokens: [] })).toThrow(
      FormatError,
    );
    expect(() => ByteBpeTokenizer.fromJSON({ type: 'byte-bpe', merges: [] })).toThrow(FormatError);
    expect(() => new ByteBpeTokenizer([], { pattern: '(' })).toThrow(/pattern/);
  });
});
