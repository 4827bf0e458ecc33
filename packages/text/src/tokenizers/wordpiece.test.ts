import { FormatError, ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { basicTokenize, isControl, isPunctuation, isWhitespace, wordPieces } from './basic-tokenize.js';
import { tokenizerFromJSON } from './from-json.js';
import { WordPieceTokenizer } from './wordpiece.js';

// The cases of google-research/bert tokenization_test.py (and Hugging Face's test_tokenization_bert.py
// for the accent options), with their expected outputs.
const BERT_TEST_VOCAB = ['[UNK]', '[CLS]', '[SEP]', 'want', '##want', '##ed', 'wa', 'un', 'runn', '##ing', ','];

describe('BERT basic tokenizer', () => {
  it('lower-cases, strips accents, splits punctuation and whitespace', () => {
    expect(basicTokenize(' \tHeLLo!how  \n Are yoU?  ')).toEqual(['hello', '!', 'how', 'are', 'you', '?']);
    expect(basicTokenize('H\u00E9llo')).toEqual(['hello']);
    expect(basicTokenize(' \tHeLLo!how  \n Are yoU?  ', { lowercase: false })).toEqual(['HeLLo', '!', 'how', 'Are', 'yoU', '?']);
    expect(basicTokenize(' \tHäLLo!how  \n Are yoU?  ', { lowercase: true, stripAccents: false })).toEqual([
      'hällo',
      '!',
      'how',
      'are',
      'you',
      '?',
    ]);
    expect(basicTokenize(' \tHäLLo!how  \n Are yoU?  ', { lowercase: false, stripAccents: true })).toEqual([
      'HaLLo',
      '!',
      'how',
      'Are',
      'yoU',
      '?',
    ]);
  });

  it('isolates CJK ideographs (not kana), drops control characters', () => {
    expect(basicTokenize('ah\u535A\u63A8zz')).toEqual(['ah', '\u535A', '\u63A8', 'zz']);
    expect(basicTokenize('ひらがな漢字')).toEqual(['ひらかな', '漢', '字']); // NFD + mark removal turns が into か
    expect(basicTokenize('ひらがな漢字', { lowercase: false })).toEqual(['ひらがな', '漢', '字']);
    expect(basicTokenize('a\u0005b\u0000c\uFFFDd')).toEqual(['abcd']);
    expect(basicTokenize('do\u00A0it')).toEqual(['do', 'it']);
  });

  it('classifies characters as BERT does', () => {
    for (const c of [' ', '\t', '\r', '\n', '\u00A0']) expect(isWhitespace(c)).toBe(true);
    for (const c of ['A', '-']) expect(isWhitespace(c)).toBe(false);
    expect(isControl('\u0005')).toBe(true);
    for (const c of ['A', ' ', '\t', '\r', '\u{1F4A9}']) expect(isControl(c)).toBe(false);
    for (const c of ['-', '$', '`', '.', '¿', '「']) expect(isPunctuation(c)).toBe(true);
    for (const c of ['A', ' ']) expect(isPunctuation(c)).toBe(false);
  });
});

describe('WordPiece', () => {
  it('greedy longest match with ##, a whole word [UNK] when it cannot be covered or is too long', () => {
    const vocab = new Set(BERT_TEST_VOCAB);
    const tok = (s: string) =>
      s
        .split(' ')
        .filter(Boolean)
        .flatMap((w) => wordPieces(w, vocab, '[UNK]'));
    expect(tok('')).toEqual([]);
    expect(tok('unwanted running')).toEqual(['un', '##want', '##ed', 'runn', '##ing']);
    expect(tok('unwantedX running')).toEqual(['[UNK]', 'runn', '##ing']);
    expect(wordPieces('running', vocab, '[UNK]', 6)).toEqual(['[UNK]']);
    expect(wordPieces('running', vocab, '[UNK]', 7)).toEqual(['runn', '##ing']);
  });

  it('the full tokenizer: "UNwant\\u00E9d,running" -> un ##want ##ed , runn ##ing, ids [7, 4, 5, 10, 8, 9]', () => {
    const tok = new WordPieceTokenizer(BERT_TEST_VOCAB);
    expect(tok.tokenize('UNwant\u00E9d,running')).toEqual(['un', '##want', '##ed', ',', 'runn', '##ing']);
    expect(tok.encode('UNwant\u00E9d,running')).toEqual([7, 4, 5, 10, 8, 9]);
    expect(tok.decode([1, 7, 4, 5, 10, 8, 9, 2])).toBe('unwanted , running');
    expect(tok.decode([1, 7, 2], { skipSpecialTokens: false })).toBe('[CLS] un [SEP]');
    // special tokens written in the text stay whole (not split at '[' and ']', not lower-cased)
    expect(tok.tokenize('want[SEP]Want')).toEqual(['want', '[SEP]', 'want']);
  });

  const vocabTxt = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'cat', 'sat', 'on', 'mat', '##s', '.', 'a', 'dog'].join('\n');

  it('encodes a pair with token types, truncates longest first and pads with an attention mask', () => {
    const tok = WordPieceTokenizer.fromVocabText(`${vocabTxt}\n`);
    expect([tok.padId, tok.unkId, tok.clsId, tok.sepId, tok.maskId]).toEqual([0, 1, 2, 3, 4]);
    expect(tok.specialIds().sort()).toEqual([0, 1, 2, 3, 4]);
    const one = tok.encodeInputs('The cats sat.', null, { maxLength: 10, padding: 'max_length' });
    expect(one).toEqual({
      inputIds: [2, 5, 6, 10, 7, 11, 3, 0, 0, 0],
      tokenTypeIds: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      attentionMask: [1, 1, 1, 1, 1, 1, 1, 0, 0, 0],
    });
    const pair = tok.encodeInputs('the cat sat on the mat', 'a dog', { maxLength: 9 });
    // 6 + 2 tokens, room for 6 (9 - 3 specials): the longer first loses two
    expect(pair).toEqual({
      inputIds: [2, 5, 6, 7, 8, 3, 12, 13, 3],
      tokenTypeIds: [0, 0, 0, 0, 0, 0, 1, 1, 1],
      attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 1],
    });
    // both too long for half the room: halves, the odd token to the longer (the second on ties)
    // Hugging Face tokenizers' own cases (truncation.rs): room 7, lengths 4+4 -> 3+4, 8+4 -> 4+3, 8+2 -> 5+2
    const words = (n: number) => Array(n).fill('the').join(' ');
    const kept = (x: number, y: number) => {
      const t = tok.encodeInputs(words(x), words(y), { maxLength: 10 }).tokenTypeIds;
      return [t.filter((v) => v === 0).length - 2, t.filter((v) => v === 1).length - 1];
    };
    expect([kept(4, 4), kept(4, 8), kept(8, 4), kept(8, 8), kept(8, 2), kept(2, 8), kept(0, 8)]).toEqual([
      [3, 4],
      [3, 4],
      [4, 3],
      [3, 4],
      [5, 2],
      [2, 5],
      [0, 7],
    ]);
    expect(tok.encodeInputs('the cat', 'a dog', { maxLength: 6 }).inputIds).toEqual([2, 5, 3, 12, 13, 3]);
    expect(tok.encodeInputs('the cat sat', 'a dog the cat', { maxLength: 8 }).inputIds).toEqual([2, 5, 6, 3, 12, 13, 5, 3]);
    expect(tok.encodeInputs('the cat sat', 'a dog', { maxLength: 7, truncation: 'only_second' }).inputIds).toEqual([2, 5, 6, 7, 3, 12, 3]);
    expect(tok.encodeInputs('the cat sat', null, { addSpecialTokens: false }).inputIds).toEqual([5, 6, 7]);
    expect(() => tok.encodeInputs('the cat sat', 'a', { maxLength: 4, truncation: 'only_second' })).toThrow(ValueError);
    expect(() => tok.encodeInputs('x', null, { padding: 'max_length' })).toThrow(/maxLength/);
  });

  it('round-trips through JSON; a vocabulary without [UNK] or bad JSON is refused', () => {
    const tok = WordPieceTokenizer.fromVocabText(vocabTxt, { lowercase: false });
    const again = tokenizerFromJSON(JSON.parse(JSON.stringify(tok))) as WordPieceTokenizer;
    expect(again).toBeInstanceOf(WordPieceTokenizer);
    expect(again.options.lowercase).toBe(false);
    expect(again.encode('The cat')).toEqual([1, 6]);
    expect(() => new WordPieceTokenizer(['a', 'b'])).toThrow(/\[UNK\]/);
    expect(() => WordPieceTokenizer.fromJSON({ type: 'wordpiece', vocab: ['a'], options: {} })).toThrow(FormatError);
    expect(() => tok.decode([99])).toThrow(/ids\[0\]/);
  });
});
