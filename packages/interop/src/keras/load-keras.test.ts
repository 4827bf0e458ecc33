import { readFileSync } from 'node:fs';
import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { tensor, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadKerasModel } from './load-keras.js';
import { kerasLayerPaths, kerasSnakeCase } from './snake-case.js';

// Fixtures: written by scripts/gen-keras-fixtures.py with Keras 3 (tensorflow-cpu 2.21); each
// `<name>.json` holds the inputs and Keras' own predictions for `<name>.keras`.
const dir = new URL('../../fixtures/keras/', import.meta.url);
interface Record_ {
  inputs: Array<{ dtype: string; shape: number[]; data: number[] }>;
  output: { shape: number[]; data: number[] };
}
const fixture = (name: string) => ({
  bytes: new Uint8Array(readFileSync(new URL(`${name}.keras`, dir))),
  record: JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Record_,
});

beforeAll(async () => {
  await useBackend(cpu());
});

describe('loadKerasModel matches Keras 3 predictions', () => {
  for (const name of ['mlp', 'cnn', 'functional', 'rnn', 'attention', 'seq1d', 'image2']) {
    it(name, () => {
      const { bytes, record } = fixture(name);
      const m = loadKerasModel(bytes);
      const xs = record.inputs.map((x) => tensor(x.data, x.shape, x.dtype === 'int32' ? 'int32' : 'float32'));
      const before = tensorCount();
      const y = m.call(xs.length === 1 ? (xs[0] as Tensor) : xs, { training: false }) as Tensor;
      expect(y.shape).toEqual(record.output.shape);
      const got = y.dataSync();
      let worst = 0;
      record.output.data.forEach((v, i) => {
        worst = Math.max(worst, Math.abs((got[i] as number) - v));
      });
      expect(worst).toBeLessThanOrEqual(1e-5);
      y.dispose();
      expect(tensorCount()).toBe(before);
      for (const x of xs) x.dispose();
      m.dispose();
    });
  }
});

describe('loadKerasModel errors', () => {
  it('names an unsupported layer class', () => {
    expect(() => loadKerasModel(fixture('unsupported').bytes)).toThrow(/Cropping2D/);
  });
  it('rejects bytes that are no .keras archive', () => {
    expect(() => loadKerasModel(new Uint8Array([1, 2, 3]))).toThrow(/zip/);
  });
});

describe('Keras weight paths', () => {
  it('snake-cases class names as Keras does', () => {
    expect(kerasSnakeCase('MaxPooling2D')).toBe('max_pooling2d');
    expect(kerasSnakeCase('GlobalAveragePooling1D')).toBe('global_average_pooling1d');
    expect(kerasSnakeCase('LSTM')).toBe('lstm');
    expect(kerasSnakeCase('MultiHeadAttention')).toBe('multi_head_attention');
  });
  it('numbers repeated classes', () => {
    expect(kerasLayerPaths(['Dense', 'Dropout', 'Dense', 'Dense'])).toEqual([
      'layers/dense',
      'layers/dropout',
      'layers/dense_1',
      'layers/dense_2',
    ]);
  });
});
