import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError, TesseraError } from '@tessera/core';
import { afterAll, describe, expect, it } from 'vitest';
import { ByteBpeTokenizer } from '../tokenizers/bpe.js';
import { trainBpe } from '../tokenizers/bpe-train.js';
import { CharTokenizer } from '../tokenizers/char.js';
import { WordPieceTokenizer } from '../tokenizers/wordpiece.js';
import { loadTokenizer, loadWordPieceVocab, readTextFile, saveTokenizer } from './files.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const shakespeare = new URL('../../../../../shared/datasets/shakespeare/input.txt', import.meta.url).pathname;

describe('@tessera/text/node file helpers', () => {
  it('reads a corpus, saves and loads every tokenizer type', async () => {
    const text = await readTextFile(shakespeare);
    expect(text.length).toBe(1_115_394);
    const bpe = trainBpe(text.slice(0, 50_000), { vocabSize: 300 });
    await saveTokenizer(join(dir, 'bpe.json'), bpe);
    const back = await loadTokenizer(join(dir, 'bpe.json'));
    expect(back).toBeInstanceOf(ByteBpeTokenizer);
    expect(back.encode('First Citizen')).toEqual(bpe.encode('First Citizen'));
    await saveTokenizer(join(dir, 'char.json'), CharTokenizer.fromText('abc'));
    expect(await loadTokenizer(join(dir, 'char.json'))).toBeInstanceOf(CharTokenizer);
  });

  it('loads a BERT vocab.txt', async () => {
    writeFileSync(join(dir, 'vocab.txt'), '[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nhello\r\n##s\r\n');
    const tok = await loadWordPieceVocab(join(dir, 'vocab.txt'));
    expect(tok).toBeInstanceOf(WordPieceTokenizer);
    expect(tok.vocabSize).toBe(7);
    expect(tok.encodeInputs('Hellos!').inputIds).toEqual([2, 5, 6, 1, 3]);
  });

  it('names the file on I/O and format errors', async () => {
    await expect(readTextFile(join(dir, 'missing.txt'))).rejects.toThrow(TesseraError);
    await expect(readTextFile(join(dir, 'missing.txt'))).rejects.toThrow(/missing\.txt/);
    writeFileSync(join(dir, 'bad.json'), '{ not json');
    await expect(loadTokenizer(join(dir, 'bad.json'))).rejects.toThrow(FormatError);
    await expect(loadTokenizer(join(dir, 'bad.json'))).rejects.toThrow(/bad\.json/);
  });
});
