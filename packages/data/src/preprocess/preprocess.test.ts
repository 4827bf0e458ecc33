import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import { tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromArray } from '../pipeline/sources.js';
import { fitNormalizer, Normalizer } from './normalizer.js';
import { labelEncoder, oneHot } from './one-hot.js';
import { OOV_ID, PAD_ID, Tokenizer } from './tokenizer.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('Normalizer', () => {
  it('fits mean/std on train, applies to vectors and tensors, serializes', async () => {
    const norm = await fitNormalizer(fromArray([new Float32Array([1, 10]), new Float32Array([3, 30]), new Float32Array([5, 50])]));
    expect(Array.from(norm.offset)).toEqual([3, 30]);
    expect(norm.scale[0]).toBeCloseTo(Math.sqrt(8 / 3), 12);
    expect(Array.from(norm.apply([3, 30]))).toEqual([0, 0]);
    const z = norm.apply([5, 10]);
    expect(z[0]).toBeCloseTo(2 / Math.sqrt(8 / 3), 6);
    expect(z[1]).toBeCloseTo(-20 / Math.sqrt(800 / 3), 6);
    const before = tensorCount();
    const x = tensor([
      [5, 10],
      [3, 30],
    ]);
    const y = norm.apply(x);
    expect(Array.from(y.dataSync())[0]).toBeCloseTo(z[0]!, 5);
    x.dispose();
    y.dispose();
    expect(tensorCount()).toBe(before);
    const again = Normalizer.fromJSON(JSON.parse(JSON.stringify(norm)));
    expect(Array.from(again.apply([5, 10]))).toEqual(Array.from(z));
    expect(Array.from(norm.invert(z))[0]).toBeCloseTo(5, 5);
  });

  it('minmax maps the training range to [0, 1]; constant features do not divide by zero', async () => {
    const norm = await fitNormalizer(
      [
        [0, 7],
        [4, 7],
        [2, 7],
      ],
      { kind: 'minmax' },
    );
    expect(Array.from(norm.apply([4, 7]))).toEqual([1, 0]);
    expect(Array.from(norm.apply([2, 7]))).toEqual([0.5, 0]);
  });

  it('rejects bad input with the expected and received values', async () => {
    await expect(fitNormalizer([[1, 2], [1]])).rejects.toThrow(/fitNormalizer: expected shape \[2\], received \[1\]/);
    expect(() => Normalizer.fromJSON({ kind: 'x' })).toThrow(/Normalizer.fromJSON/);
  });
});

describe('oneHot and labelEncoder', () => {
  it('encodes', () => {
    expect(Array.from(oneHot(2, 4))).toEqual([0, 0, 1, 0]);
    expect(Array.from(oneHot([1, 0], 2))).toEqual([0, 1, 1, 0]);
    expect(() => oneHot(4, 4)).toThrow(/oneHot label: expected an integer in \[0, 4\), received 4/);
    const enc = labelEncoder(['setosa', 'versicolor', 'virginica']);
    expect(enc.encode('virginica')).toBe(2);
    expect(enc.decode(0)).toBe('setosa');
    expect(() => enc.encode('rose')).toThrow(/received "rose"/);
  });
});

describe('Tokenizer', () => {
  const texts = ['Free entry now', 'free free call', 'Call me now'];

  it('word level: frequency-ordered vocabulary, OOV, padding and truncation', () => {
    const tok = new Tokenizer().fit(texts);
    expect(tok.tokens.slice(0, 5)).toEqual(['<pad>', '<oov>', 'free', 'now', 'call']);
    expect(tok.vocabSize).toBe(7);
    const free = tok.tokens.indexOf('free');
    const now = tok.tokens.indexOf('now');
    expect(Array.from(tok.encode('FREE pizza now'))).toEqual([free, OOV_ID, now]);
    expect(Array.from(tok.encode('free now', { maxLength: 4 }))).toEqual([free, now, PAD_ID, PAD_ID]);
    expect(Array.from(tok.encode('free now', { maxLength: 4, padding: 'pre' }))).toEqual([PAD_ID, PAD_ID, free, now]);
    expect(Array.from(tok.encode('free call now', { maxLength: 2 }))).toEqual([free, tok.tokens.indexOf('call')]);
    expect(Array.from(tok.encode('free call now', { maxLength: 2, truncation: 'pre' }))).toEqual([tok.tokens.indexOf('call'), now]);
    expect(tok.decode(tok.encode('free now', { maxLength: 4 }))).toBe('free now');
  });

  it('maxVocab and minFrequency limit the vocabulary', () => {
    expect(new Tokenizer({ maxVocab: 3 }).fit(texts).tokens).toEqual(['<pad>', '<oov>', 'free']);
    expect(new Tokenizer({ minFrequency: 2 }).fit(texts).tokens).toEqual(['<pad>', '<oov>', 'free', 'now', 'call']);
  });

  it('char level and serialization', () => {
    const tok = new Tokenizer({ level: 'char', lowercase: false }).fit(['abba', 'cab']);
    expect(tok.tokens).toEqual(['<pad>', '<oov>', 'a', 'b', 'c']);
    expect(Array.from(tok.encode('abz', { maxLength: 5 }))).toEqual([2, 3, OOV_ID, 0, 0]);
    const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(again.decode(again.encode('cab'))).toBe('cab');
    expect(again.level).toBe('char');
  });
});
