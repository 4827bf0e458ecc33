import { readFileSync } from 'node:fs';
import { FormatError, ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { CharTokenizer } from './char.js';
import { tokenizerFromJSON } from './from-json.js';

const shakespeare = new URL('../../../../../shared/datasets/shakespeare/input.txt', import.meta.url);

describe('CharTokenizer', () => {
  it("on Tiny Shakespeare matches nanoGPT's prepare.py: 65 characters, 'hii there' -> known ids", () => {
    const text = readFileSync(shakespeare, 'utf8');
    const tok = CharTokenizer.fromText(text);
    expect(tok.vocabSize).toBe(65);
    expect(tok.chars.slice(0, 14).join('')).toBe("\n !$&',-.3:;?A");
    // the ids Karpathy's "Let's build GPT" shows for encode("hii there")
    expect(tok.encode('hii there')).toEqual([46, 47, 47, 1, 58, 46, 43, 56, 43]);
    expect(tok.decode(tok.encode(text.slice(0, 1000)))).toBe(text.slice(0, 1000));
  });

  it('uses code points (one id per emoji), sorts by code point, and round-trips through JSON', () => {
    const tok = CharTokenizer.fromText('b😀a😀');
    expect(tok.chars).toEqual(['a', 'b', '😀']);
    expect(tok.encode('😀ab')).toEqual([2, 0, 1]);
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(tok)));
    expect(again).toBeInstanceOf(CharTokenizer);
    expect(again.decode([2, 0, 1])).toBe('😀ab');
  });

  it('names the unknown character and the bad id; bad JSON is a FormatError', () => {
    const tok = CharTokenizer.fromText('ab');
    expect(() => tok.encode('abc')).toThrow(ValueError);
    expect(() => tok.encode('abc')).toThrow(/"c"/);
    expect(() => tok.decode([0, 5])).toThrow(/ids\[1\].*\[0, 2\).*5/);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['a', 'a'] })).toThrow(FormatError);
    expect(() => CharTokenizer.fromJSON({ type: 'char', chars: ['ab'] })).toThrow(FormatError);
    expect(() => tokenizerFromJSON({ type: 'sentencepiece' })).toThrow(/"sentencepiece"/);
  });
});
