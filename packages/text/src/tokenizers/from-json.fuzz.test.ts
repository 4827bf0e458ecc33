// Fuzzed tokenizerFromJSON: saved char, byte-BPE and WordPiece tokenizers with values of the wrong
// type, removed keys, and random JSON. Every case either gives a working tokenizer or throws a
// TesseraError naming the tokenizer JSON, within 200 ms (see test-support/fuzz.ts).
// Cases per run: 600 mutated + 300 random JSON = 900.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParse, fuzzParams, jsonMutations, Tally } from '../../../../test-support/fuzz.js';
import { trainBpe } from './bpe-train.js';
import { CharTokenizer } from './char.js';
import { tokenizerFromJSON } from './from-json.js';
import { WordPieceTokenizer } from './wordpiece.js';

const seeds = [
  CharTokenizer.fromText('the cat sat').toJSON(),
  trainBpe('the cat sat on the mat with the hat', { vocabSize: 262, specialTokens: ['<|endoftext|>'] }).toJSON(),
  new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', '##s']).toJSON(),
];

function useTokenizer(json: unknown): string {
  const tok = tokenizerFromJSON(json);
  expect(tok.vocabSize).toBeGreaterThan(0);
  let ids: number[];
  try {
    ids = tok.encode('the cats sat');
  } catch (e) {
    // a char vocabulary without these characters refuses them, naming the tokenizer
    if (tok instanceof CharTokenizer && /CharTokenizer\.encode/.test((e as Error).message)) return '';
    throw e;
  }
  expect(ids.every((i) => Number.isInteger(i) && i >= 0 && i < tok.vocabSize)).toBe(true);
  return tok.decode(ids);
}

describe('fuzzed tokenizerFromJSON builds a working tokenizer or throws a FormatError', () => {
  it('mutated saved tokenizers: 600 cases', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(jsonMutations(seeds), (m) => {
        tally.add(checkParse(() => useTokenizer(m.value), 4096, { names: /tokenizer|JSON/i }));
      }),
      fuzzParams(600, 90),
    );
    expect(tally.counts.parsed).toBeGreaterThan(20);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('random JSON: 300 cases', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        checkParse(() => useTokenizer(v), 1024, { names: /tokenizer|JSON/i });
      }),
      fuzzParams(300, 91),
    );
  });
});
