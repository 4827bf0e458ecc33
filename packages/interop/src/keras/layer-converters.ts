import { ValueError } from '@tessera/core';
import type { ActivationName, Layer } from '@tessera/layers';
import {
  Activation,
  Add,
  AvgPool1D,
  AvgPool2D,
  BatchNormalization,
  Concatenate,
  Conv1D,
  Conv2D,
  Dense,
  Dropout,
  Embedding,
  Flatten,
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  GRU,
  LayerNormalization,
  LSTM,
  MaxPool1D,
  MaxPool2D,
  MultiHeadAttention,
  Reshape,
  SimpleRNN,
} from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import type { KerasArray } from './h5-weights.js';

type AnyLayer = Layer<Tensor | Tensor[]>;
type Cfg = Record<string, unknown>;

/**
 * A Keras layer turned into a Tessera layer: the layer, and how the arrays Keras saved for it map
 * to the layer's weights (short name → array).
 *
 * @example
 * ```ts
 * const c: ConvertedLayer = kerasLayerConverters.Dense({ name: 'd', units: 2 });
 * ```
 */
export interface ConvertedLayer {
  layer: AnyLayer;
  /** `read(sub)` returns the arrays of the sub-group `sub` (`''`: the layer's own `vars`). */
  weights(read: (sub: string) => KerasArray[]): Record<string, KerasArray>;
}

const KERAS_ACTIVATIONS: Record<string, ActivationName> = {
  linear: 'linear',
  relu: 'relu',
  gelu: 'gelu',
  silu: 'silu',
  swish: 'silu',
  tanh: 'tanh',
  sigmoid: 'sigmoid',
  softmax: 'softmax',
  elu: 'elu',
  leaky_relu: 'leakyRelu',
};

function activationOf(c: Cfg, key = 'activation'): ActivationName {
  const a = c[key] ?? 'linear';
  const name =
    typeof a === 'string' ? a : (a as Cfg)?.config && typeof (a as Cfg).class_name === 'string' ? String((a as Cfg).class_name) : a;
  const mapped = typeof name === 'string' ? KERAS_ACTIVATIONS[name] : undefined;
  if (!mapped) throw new ValueError(`Keras layer ${String(c.name)} ${key}`, `one of ${Object.keys(KERAS_ACTIVATIONS).join(', ')}`, a);
  return mapped;
}

/** Fails naming the option when a Keras config value differs from what Tessera implements. */
function expect(c: Cfg, key: string, ok: (v: unknown) => boolean, what: string): void {
  if (key in c && !ok(c[key])) throw new ValueError(`Keras layer ${String(c.name)} ${key}`, what, c[key]);
}

const lastAxis = (v: unknown) => v === -1 || (Array.isArray(v) && v.length === 1 && v[0] === -1);
const channelsLast = (c: Cfg) => expect(c, 'data_format', (v) => v == null || v === 'channels_last', '"channels_last"');
const falsy = (v: unknown) => !v;
const base = (c: Cfg) => ({ name: String(c.name), trainable: c.trainable !== false });

/** Keras arrays in order → the named weights that exist (`use_bias: false` drops a name). */
function ordered(names: Array<string | false>): ConvertedLayer['weights'] {
  return (read) => {
    const arrays = read('');
    const present = names.filter((n): n is string => n !== false);
    const out: Record<string, KerasArray> = {};
    present.forEach((n, i) => {
      const a = arrays[i];
      if (a) out[n] = a;
    });
    return out;
  };
}

const noWeights: ConvertedLayer['weights'] = () => ({});

function pool(Cls: typeof MaxPool2D | typeof AvgPool2D | typeof MaxPool1D | typeof AvgPool1D) {
  return (c: Cfg): ConvertedLayer => {
    channelsLast(c);
    const poolSize = c.pool_size as number | number[];
    const strides = (c.strides ?? poolSize) as number | number[];
    return { layer: new Cls({ ...base(c), poolSize, strides, padding: c.padding as 'valid' | 'same' }), weights: noWeights };
  };
}

function globalPool(Cls: typeof GlobalAvgPool2D) {
  return (c: Cfg): ConvertedLayer => {
    channelsLast(c);
    expect(c, 'keepdims', falsy, 'false');
    return { layer: new Cls(base(c)), weights: noWeights };
  };
}

function conv(Cls: typeof Conv2D | typeof Conv1D) {
  return (c: Cfg): ConvertedLayer => {
    channelsLast(c);
    expect(c, 'groups', (v) => v === 1, '1');
    const useBias = c.use_bias !== false;
    const layer = new Cls({
      ...base(c),
      filters: c.filters as number,
      kernelSize: c.kernel_size as number[],
      strides: c.strides as number[],
      padding: c.padding as 'valid' | 'same',
      dilationRate: c.dilation_rate as number[],
      activation: activationOf(c),
      useBias,
    });
    return { layer, weights: ordered(['kernel', useBias && 'bias']) };
  };
}

function recurrent(kind: 'SimpleRNN' | 'LSTM' | 'GRU') {
  return (c: Cfg): ConvertedLayer => {
    expect(c, 'return_state', falsy, 'false');
    expect(c, 'stateful', falsy, 'false');
    const useBias = c.use_bias !== false;
    const opts = {
      ...base(c),
      units: c.units as number,
      activation: activationOf(c),
      useBias,
      returnSequences: c.return_sequences === true,
      goBackwards: c.go_backwards === true,
    };
    const gated = kind === 'SimpleRNN' ? {} : { recurrentActivation: activationOf(c, 'recurrent_activation') };
    const layer =
      kind === 'LSTM'
        ? new LSTM({ ...opts, ...gated })
        : kind === 'GRU'
          ? new GRU({ ...opts, ...gated, resetAfter: c.reset_after !== false })
          : new SimpleRNN(opts);
    const names = ['kernel', 'recurrent_kernel', useBias && 'bias'] as const;
    return {
      layer,
      weights: (read) => {
        const arrays = read('cell');
        const out: Record<string, KerasArray> = {};
        names
          .filter((n): n is 'kernel' | 'recurrent_kernel' | 'bias' => n !== false)
          .forEach((n, i) => {
            const a = arrays[i];
            if (a) out[n] = a;
          });
        return out;
      },
    };
  };
}

/** `[d, heads, size]` → `[d, heads * size]` (same row-major data). */
const flat2 = (a: KerasArray | undefined, rows: number): KerasArray | undefined =>
  a && { shape: [rows, a.data.length / rows], data: a.data };

function attention(c: Cfg): ConvertedLayer {
  expect(c, 'attention_axes', (v) => v == null || lastAxis(v) || (Array.isArray(v) && v.length === 1 && v[0] === 1), '[1] (the time axis)');
  expect(c, 'output_shape', (v) => v == null, 'null');
  expect(c, 'use_gate', falsy, 'false');
  expect(c, 'sliding_window', (v) => v == null, 'null');
  const useBias = c.use_bias !== false;
  const numHeads = c.num_heads as number;
  const keyDim = c.key_dim as number;
  const valueDim = (c.value_dim ?? keyDim) as number;
  const layer = new MultiHeadAttention({ ...base(c), numHeads, keyDim, valueDim, useBias, dropout: (c.dropout as number) ?? 0 });
  return {
    layer,
    weights: (read) => {
      const out: Record<string, KerasArray> = {};
      for (const [sub, name] of [
        ['query_dense', 'query'],
        ['key_dense', 'key'],
        ['value_dense', 'value'],
        ['output_dense', 'output'],
      ] as const) {
        const [k, b] = read(sub);
        if (!k) continue;
        const rows = name === 'output' ? numHeads * valueDim : (k.shape[0] as number);
        out[`${name}_kernel`] = flat2(k, rows) as KerasArray;
        if (b) out[`${name}_bias`] = { shape: [b.data.length], data: b.data };
      }
      return out;
    },
  };
}

/**
 * Keras 3 layer classes Tessera imports, by Keras class name: each turns a Keras layer config into
 * the Tessera layer and maps the saved arrays to its weights. Options Tessera lacks (a
 * `channels_first` data format, grouped convolutions, stateful RNNs...) fail with a ValueError that
 * names the layer and the option.
 *
 * @example
 * ```ts
 * Object.keys(kerasLayerConverters); // ['Dense', 'Conv2D', ...]
 * ```
 */
export const kerasLayerConverters: Record<string, (config: Cfg) => ConvertedLayer> = {
  Dense: (c) => {
    const useBias = c.use_bias !== false;
    return {
      layer: new Dense({ ...base(c), units: c.units as number, activation: activationOf(c), useBias }),
      weights: ordered(['kernel', useBias && 'bias']),
    };
  },
  Conv1D: conv(Conv1D),
  Conv2D: conv(Conv2D),
  MaxPooling1D: pool(MaxPool1D),
  MaxPooling2D: pool(MaxPool2D),
  AveragePooling1D: pool(AvgPool1D),
  AveragePooling2D: pool(AvgPool2D),
  GlobalAveragePooling1D: globalPool(GlobalAvgPool1D),
  GlobalAveragePooling2D: globalPool(GlobalAvgPool2D),
  GlobalMaxPooling1D: globalPool(GlobalMaxPool1D),
  GlobalMaxPooling2D: globalPool(GlobalMaxPool2D),
  BatchNormalization: (c) => {
    expect(c, 'axis', lastAxis, '-1 (channels last)');
    expect(c, 'renorm', falsy, 'false');
    const center = c.center !== false;
    const scale = c.scale !== false;
    return {
      layer: new BatchNormalization({ ...base(c), epsilon: c.epsilon as number, momentum: c.momentum as number, center, scale }),
      weights: ordered([scale && 'gamma', center && 'beta', 'moving_mean', 'moving_variance']),
    };
  },
  LayerNormalization: (c) => {
    expect(c, 'axis', lastAxis, '-1');
    expect(c, 'rms_scaling', falsy, 'false');
    const center = c.center !== false;
    const scale = c.scale !== false;
    return {
      layer: new LayerNormalization({ ...base(c), epsilon: c.epsilon as number, center, scale }),
      weights: ordered([scale && 'gamma', center && 'beta']),
    };
  },
  Dropout: (c) => {
    expect(c, 'noise_shape', (v) => v == null, 'null');
    return { layer: new Dropout({ ...base(c), rate: c.rate as number }), weights: noWeights };
  },
  Flatten: (c) => {
    channelsLast(c);
    return { layer: new Flatten(base(c)), weights: noWeights };
  },
  Reshape: (c) => ({ layer: new Reshape({ ...base(c), targetShape: c.target_shape as number[] }), weights: noWeights }),
  Activation: (c) => ({ layer: new Activation({ ...base(c), activation: activationOf(c) }), weights: noWeights }),
  Add: (c) => ({ layer: new Add(base(c)), weights: noWeights }),
  Concatenate: (c) => ({ layer: new Concatenate({ ...base(c), axis: (c.axis as number) ?? -1 }), weights: noWeights }),
  Embedding: (c) => ({
    layer: new Embedding({
      ...base(c),
      inputDim: c.input_dim as number,
      outputDim: c.output_dim as number,
      maskZero: c.mask_zero === true,
    }),
    weights: ordered(['embeddings']),
  }),
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  MultiHeadAttention: attention,
};
