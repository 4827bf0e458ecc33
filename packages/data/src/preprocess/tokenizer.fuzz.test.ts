// Fuzzed Tokenizer.fromJSON: saved tokenizers with values of the wrong type, removed keys and
// random JSON. Every case either gives a working tokenizer or throws a TesseraError naming
// Tokenizer, within 200 ms (see test-support/fuzz.ts).
// Cases per run: 600 mutated + 300 random JSON = 900.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkParse, fuzzParams, jsonMutations, Tally } from '../../../../test-support/fuzz.js';
import { Tokenizer } from './tokenizer.js';

const seeds = [
  new Tokenizer().fit(['the cat sat on the mat', 'a dog']).toJSON(),
  new Tokenizer({ level: 'char', lowercase: false }).fit(['abc', 'aab']).toJSON(),
];

function useTokenizer(json: unknown): string {
  const tok = Tokenizer.fromJSON(json);
  // A tokenizer that loads is a valid one: string tokens, a boolean lowercase flag.
  expect(tok.tokens.every((t) => typeof t === 'string')).toBe(true);
  expect(typeof tok.lowercase).toBe('boolean');
  const ids = tok.encode('The cat and the dog', { maxLength: 8 });
  return tok.decode(ids);
}

describe('fuzzed Tokenizer.fromJSON builds a working tokenizer or throws a ValueError', () => {
  it('mutated saved tokenizers: 600 cases', () => {
    const tally = new Tally();
    fc.assert(
      fc.property(jsonMutations(seeds), (m) => {
        tally.add(checkParse(() => useTokenizer(m.value), 1024, { names: /Tokenizer/ }));
      }),
      fuzzParams(600, 70),
    );
    expect(tally.counts.parsed).toBeGreaterThan(20);
    expect(tally.counts.rejected).toBeGreaterThan(100);
  });

  it('random JSON: 300 cases', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (v) => {
        checkParse(() => useTokenizer(v), 1024, { names: /Tokenizer/ });
      }),
      fuzzParams(300, 71),
    );
  });
});
