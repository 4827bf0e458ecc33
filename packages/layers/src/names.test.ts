import { describe, expect, it } from 'vitest';
import { assignScopeNames, type Nameable, snakeCase } from './names.js';

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
  it('names automatic layers per scope in construction order, skipping taken names', () => {
    const mk = (prefix: string, i: number, fixed?: string): Nameable & { set?: string } => {
      const l = {
        namePrefix: prefix,
        className: prefix,
        creationIndex: i,
        set: undefined as string | undefined,
        get name() {
          return fixed ?? l.set ?? prefix;
        },
        get nameKind() {
          return fixed || l.set ? ('fixed' as const) : ('auto' as const);
        },
      };
      return l;
    };
    const a = mk('dense', 2);
    const b = mk('dense', 1);
    const c = mk('dense', 3, 'dense_1');
    const nested = mk('dense', 0, 'dense_2');
    assignScopeNames('m', [a, b, c], [a, b, c, nested], (l, n) => {
      (l as { set?: string }).set = n;
    });
    expect([b.name, a.name, c.name]).toEqual(['dense', 'dense_3', 'dense_1']);
    expect(() =>
      assignScopeNames('m', [mk('x', 0, 'same'), mk('y', 1, 'same')], [mk('x', 0, 'same'), mk('y', 1, 'same')], () => {}),
    ).toThrow('m layer names: expected unique layer names within one model');
  });
});
