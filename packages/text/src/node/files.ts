import { readFile, writeFile } from 'node:fs/promises';
import { FormatError, TesseraError } from '@tessera/core';
import type { ByteBpeTokenizer } from '../tokenizers/bpe.js';
import type { CharTokenizer } from '../tokenizers/char.js';
import { tokenizerFromJSON } from '../tokenizers/from-json.js';
import type { TextTokenizer } from '../tokenizers/tokenizer.js';
import { type WordPieceOptions, WordPieceTokenizer } from '../tokenizers/wordpiece.js';

async function read(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new TesseraError('IO', `cannot read ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a UTF-8 text file (a training corpus).
 *
 * @example
 * ```ts
 * const text = await readTextFile('data/shakespeare/input.txt');
 * const tok = trainBpe(text, { vocabSize: 512 });
 * ```
 */
export function readTextFile(path: string): Promise<string> {
  return read(path);
}

/**
 * Writes a tokenizer's `toJSON()` form to `path`.
 *
 * @example
 * ```ts
 * await saveTokenizer('tokenizer.json', trainBpe(text, { vocabSize: 512 }));
 * ```
 */
export async function saveTokenizer(path: string, tokenizer: TextTokenizer): Promise<void> {
  try {
    await writeFile(path, `${JSON.stringify(tokenizer.toJSON())}\n`, 'utf8');
  } catch (e) {
    throw new TesseraError('IO', `cannot write ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * Reads a tokenizer saved by {@link saveTokenizer} (any type of this package).
 *
 * @example
 * ```ts
 * const tok = await loadTokenizer('tokenizer.json');
 * tok.decode(tok.encode('hello'));
 * ```
 */
export async function loadTokenizer(path: string): Promise<CharTokenizer | ByteBpeTokenizer | WordPieceTokenizer> {
  const text = await read(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new FormatError(`tokenizer JSON ${path}`, (e as Error).message, { cause: e });
  }
  return tokenizerFromJSON(json);
}

/**
 * Reads a BERT `vocab.txt` (one token per line) into a {@link WordPieceTokenizer}.
 *
 * @example
 * ```ts
 * const tok = await loadWordPieceVocab('bert-base-uncased/vocab.txt');
 * const cased = await loadWordPieceVocab('bert-base-cased/vocab.txt', { lowercase: false });
 * ```
 */
export async function loadWordPieceVocab(path: string, options: WordPieceOptions = {}): Promise<WordPieceTokenizer> {
  return WordPieceTokenizer.fromVocabText(await read(path), options);
}
