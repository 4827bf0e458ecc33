import { describe, expect, it } from 'vitest';
import { snakeCase, uniqueName } from './names.js';

describe('layer names', () => {
  it('snake_case prefixes follow Keras', () => {
    expect(
      [
        'Dense',
        'Conv2D',
        'Conv2DTranspose',
        'MaxPool2D',
        'GlobalAvgPool1D',
        'BatchNormalization',
        'RMSNormalization',
        'LSTM',
        'SimpleRNN',
      ].map(snakeCase),
    ).toEqual([
      'dense',
      'conv2d',
      'conv2d_transpose',
      'max_pool2d',
      'global_avg_pool1d',
      'batch_normalization',
      'rms_normalization',
      'lstm',
      'simple_rnn',
    ]);
  });
  it('counts per prefix', () => {
    expect(uniqueName('zz_test')).toBe('zz_test');
    expect(uniqueName('zz_test')).toBe('zz_test_1');
    expect(uniqueName('zz_test')).toBe('zz_test_2');
  });
});
