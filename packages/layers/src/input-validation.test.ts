import { cpu } from '@tessera/backend-cpu';
import { useBackend, ValueError } from '@tessera/core';
import { tensor4d, zeros } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { avgPool1d, conv1d, conv2d, conv2dTranspose, dense, embedding, input, lstm, maxPool2d, model, sequential } from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

describe('layer options checked at construction', () => {
  it('a bad inputShape names the layer option', () => {
    expect(() => dense(4, { inputShape: [-1] })).toThrow(
      new ValueError('dense inputShape', 'an array of positive integers (or null), without the batch dimension', [-1]),
    );
    expect(() => dense(4, { inputShape: '3' as never })).toThrow('dense inputShape: expected an array of positive integers');
    expect(dense(4, { inputShape: [null, 3] }).built).toBe(true);
  });
  it('unknown initializer and regularizer names fail before the first call', () => {
    expect(() => dense(4, { kernelInitializer: 'glorotUniformm' as never })).toThrow(
      /^dense kernelInitializer: expected one of .*GlorotUniform.*received "glorotUniformm"$/,
    );
    expect(() => conv2d(2, 3, { biasInitializer: 'zeroes' as never })).toThrow('conv2d biasInitializer: expected one of');
    expect(() => embedding(10, 4, { embeddingsRegularizer: { className: 'L3', config: {} } })).toThrow('embedding embeddingsRegularizer');
    expect(() => lstm(2, { recurrentInitializer: 'orthogonall' as never })).toThrow('lstm recurrentInitializer');
  });
});

describe('layer calls with wrong input', () => {
  it('a model called with another number of tensors', () => {
    const a = input({ shape: [2] });
    const b = input({ shape: [2] });
    const m = model({ inputs: [a, b], outputs: dense(1).call(a), name: 'two' });
    expect(() => m.call([zeros([1, 2])])).toThrow(new ValueError('two inputs', '2 tensor(s)', '1 tensor(s)'));
    expect(() => dense(1, { name: 'one', inputShape: [2] }).call([zeros([1, 2]), zeros([1, 2])])).toThrow(
      new ValueError('one inputs', '1 tensor', '2 tensor(s)'),
    );
    expect(() => sequential([dense(1, { name: 'd', inputShape: [2] })]).call([zeros([1, 2]), zeros([1, 2])])).toThrow(
      'inputs: expected 1 tensor',
    );
  });
  it('conv input smaller than a "valid" kernel, or not float32', () => {
    expect(() => conv2d(2, 3, { name: 'c' }).call(zeros([1, 2, 5, 1]))).toThrow(
      new ValueError('c input shape', 'spatial dimensions of at least 3 x 3 (kernelSize 3 x 3, padding "valid")', [1, 2, 5, 1]),
    );
    expect(() => conv1d(2, 3, { dilationRate: 2, name: 'c1' }).call(zeros([1, 4, 1]))).toThrow(
      'c1 input shape: expected spatial dimensions of at least 5',
    );
    expect(() => conv2d(2, 1, { name: 'c2' }).call(zeros([1, 2, 2, 1], 'int32'))).toThrow(
      'c2 input dtype: expected float32, received "int32"',
    );
    // padding "same" and transposed convolutions take any size
    const same = conv2d(2, 3, { padding: 'same' }).call(zeros([1, 2, 2, 1]));
    expect(same.shape).toEqual([1, 2, 2, 2]);
    const up = conv2dTranspose(1, 3, { kernelInitializer: 'ones', useBias: false }).call(tensor4d([1], [1, 1, 1, 1]));
    expect(up.shape).toEqual([1, 3, 3, 1]);
    expect(Array.from(up.dataSync())).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
  it('pooling input smaller than a "valid" window', () => {
    expect(() => maxPool2d(3, { name: 'p' }).call(zeros([1, 2, 4, 1]))).toThrow(
      new ValueError('p input shape', 'spatial dimensions of at least 3 x 3 (poolSize 3 x 3, padding "valid")', [1, 2, 4, 1]),
    );
    expect(maxPool2d(3, { padding: 'same' }).call(zeros([1, 2, 2, 1])).shape).toEqual([1, 1, 1, 1]);
    expect(avgPool1d(2).call(zeros([1, 2, 1])).shape).toEqual([1, 1, 1]);
  });
  it('a symbolic call on a too small input fails when the graph is built', () => {
    const x = input({ shape: [2, 2, 1] });
    expect(() => conv2d(2, 3, { name: 'sym' }).call(x)).toThrow('sym input shape: expected spatial dimensions of at least 3 x 3');
  });
});
