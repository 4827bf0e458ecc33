// Oracle test: Hugging Face tokenizers 0.23.2's output on 223 lines of the SMS Spam Collection
// (every 25th), made by test/fixtures/hf-oracle.py.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ByteBpeTokenizer, trainBpe, WordPieceTokenizer } from '../src/index.js';

interface Oracle {
  lines: number[];
  wordpiece: { vocab: string[]; uncased: number[][]; cased: number[][] };
  bpe: { tokenizer: unknown; ids: number[][]; trainedMerges: [string, string][] };
}

const oracle = JSON.parse(readFileSync(new URL('./fixtures/hf-oracle.json', import.meta.url), 'utf8')) as Oracle;
const corpus = readFileSync(new URL('../../../../shared/datasets/text/SMSSpamCollection.tsv', import.meta.url), 'utf8')
  .split('\n')
  .filter((l) => l.includes('\t'))
  .map((l) => l.slice(l.indexOf('\t') + 1));
const lines = oracle.lines.map((i) => corpus[i] as string);

describe('against Hugging Face tokenizers', () => {
  it('WordPiece: the same ids as BertWordPieceTokenizer, uncased and cased, on 223 SMS messages', () => {
    const uncased = new WordPieceTokenizer(oracle.wordpiece.vocab);
    const cased = new WordPieceTokenizer(oracle.wordpiece.vocab, { lowercase: false, stripAccents: false });
    expect(lines.map((l) => uncased.encode(l))).toEqual(oracle.wordpiece.uncased);
    expect(lines.map((l) => cased.encode(l))).toEqual(oracle.wordpiece.cased);
  });

  it('byte-level BPE: the same ids as tokenizers with the same merges and ByteLevel pre-tokenization', () => {
    const tok = ByteBpeTokenizer.fromJSON(oracle.bpe.tokenizer);
    expect(lines.map((l) => tok.encode(l))).toEqual(oracle.bpe.ids);
    expect(lines.map((l) => tok.decode(tok.encode(l)))).toEqual(lines);
  });

  it("trainBpe learns the same 744 merges as tokenizers' BpeTrainer (the order of equally frequent pairs differs)", () => {
    const tok = trainBpe(corpus.join('\n'), { vocabSize: 1000 });
    const mine = tok.merges.map(([a, b]) => `${tok.tokenText(a)} ${tok.tokenText(b)}`);
    const theirs = oracle.bpe.trainedMerges.map(([a, b]) => `${a} ${b}`);
    expect(mine).toHaveLength(744);
    expect(new Set(mine)).toEqual(new Set(theirs));
    expect(mine.slice(0, 172)).toEqual(theirs.slice(0, 172));
  });
});
