import { webgl } from '@tessera/backend-webgl';
import { tensorCount } from '@tessera/tensor';
import { CharTokenizer, generate, tokenizerFromJSON, trainBpe, WordPieceTokenizer } from '@tessera/text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the small causal attention model with a KV cache from @tessera/text's generation tests
import { TinyAttentionLM } from '../../text/src/generate/tiny-attention.test-model.js';
import { activate } from './suite.js';

describe('@tessera/text in the browser (webgl)', () => {
  let model: TinyAttentionLM;
  beforeAll(async () => {
    await activate(webgl());
    model = new TinyAttentionLM(11, 6);
  });
  afterAll(() => model.dispose());

  it('tokenizers: byte-level BPE round trip, char and WordPiece through JSON', () => {
    const text = 'the cat sat on the mat; the cat ate the rat. ';
    const bpe = trainBpe(text.repeat(4), { vocabSize: 280, specialTokens: ['<|endoftext|>'] });
    const s = 'the mat 🐈 naïve<|endoftext|>日本';
    expect(bpe.decode(bpe.encode(s))).toBe(s);
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(bpe)));
    expect(again.encode(s)).toEqual(bpe.encode(s));
    expect(CharTokenizer.fromText('hello').encode('hole')).toEqual([1, 3, 2, 0]);
    const wp = new WordPieceTokenizer(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'un', '##want', '##ed']);
    expect(wp.encodeInputs('UNwant\u00E9d', null, { maxLength: 6, padding: 'max_length' }).inputIds).toEqual([2, 5, 6, 7, 3, 0]);
  });

  it('generation with the KV cache equals full recomputation, token for token, past the block size; no leak', async () => {
    const before = tensorCount();
    for (const options of [{ temperature: 0 }, { temperature: 1, topK: 5, seed: 3 }]) {
      const cached = await generate(model, [1, 2, 3], { ...options, maxNewTokens: 12 });
      const full = await generate(model, [1, 2, 3], { ...options, maxNewTokens: 12, useCache: false });
      expect(cached).toHaveLength(12);
      expect(cached).toEqual(full);
    }
    expect(tensorCount()).toBe(before);
  });
});
