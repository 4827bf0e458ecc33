import { ValueError } from '@tessera/core';

/** A layer as tfjs-layers (and Keras) serialize it: snake_case config keys. */
export interface TfjsLayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  inbound_nodes?: unknown[];
}

type Cfg = Record<string, unknown>;

/** Tessera activation names and tfjs-layers' (only those tfjs computes the same way). */
const ACT_TO_TFJS: Record<string, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  elu: 'elu',
  silu: 'swish',
  gelu: 'gelu',
};
const ACT_FROM_TFJS: Record<string, string> = Object.fromEntries(Object.entries(ACT_TO_TFJS).map(([k, v]) => [v, k]));

function act(name: unknown, layer: string): string {
  const a = ACT_TO_TFJS[String(name ?? 'linear')];
  if (!a) throw new ValueError(`toTfjsLayers layer "${layer}" activation`, `one of ${Object.keys(ACT_TO_TFJS).join(', ')}`, name);
  return a;
}

function actBack(name: unknown, layer: string): string {
  const a = ACT_FROM_TFJS[String(name ?? 'linear')];
  if (!a) throw new ValueError(`fromTfjsLayers layer "${layer}" activation`, `one of ${Object.keys(ACT_FROM_TFJS).join(', ')}`, name);
  return a;
}

interface Mapping {
  tfjs: string;
  to(c: Cfg, name: string): Cfg;
  from(c: Cfg, name: string): Cfg;
}

const conv = (tfjs: string): Mapping => ({
  tfjs,
  to: (c, n) => ({
    filters: c.filters,
    kernel_size: c.kernelSize,
    strides: c.strides,
    padding: c.padding,
    data_format: 'channels_last',
    dilation_rate: c.dilationRate,
    activation: act(c.activation, n),
    use_bias: c.useBias,
  }),
  from: (c, n) => {
    if ((c.data_format ?? 'channels_last') !== 'channels_last')
      throw new ValueError(`fromTfjsLayers layer "${n}" data_format`, 'channels_last', c.data_format);
    return {
      filters: c.filters,
      kernelSize: c.kernel_size,
      strides: c.strides ?? 1,
      padding: c.padding ?? 'valid',
      dilationRate: c.dilation_rate ?? 1,
      activation: actBack(c.activation, n),
      useBias: c.use_bias ?? true,
    };
  },
});

const pool = (tfjs: string): Mapping => ({
  tfjs,
  to: (c) => ({ pool_size: c.poolSize, strides: c.strides, padding: c.padding, data_format: 'channels_last' }),
  from: (c) => ({ poolSize: c.pool_size ?? 2, strides: c.strides ?? c.pool_size ?? 2, padding: c.padding ?? 'valid' }),
});

const plain = (tfjs: string): Mapping => ({ tfjs, to: () => ({}), from: () => ({}) });

/**
 * The one normalized axis of a tfjs config (tfjs saves it positive once built, e.g. `[1]`); checked
 * against the input rank when the model is rebuilt ({@link checkAxis}).
 */
const lastAxis = (c: Cfg, n: string) => {
  const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
  if (axis.length !== 1 || !Number.isInteger(axis[0]) || (axis[0] as number) < -1 || axis[0] === 0)
    throw new ValueError(`fromTfjsLayers layer "${n}" axis`, 'one axis, the last one (channels_last)', c.axis);
  return axis[0] as number;
};

/** Throws unless `axis` (from a tfjs config) is the last axis of an input of rank `rank`. */
export function checkAxis(layer: TfjsLayerJson, rank: number): void {
  if (!('axis' in layer.config) || !['BatchNormalization', 'LayerNormalization'].includes(layer.class_name)) return;
  const axis = lastAxis(layer.config, String(layer.config.name));
  if (axis !== -1 && axis !== rank - 1)
    throw new ValueError(`fromTfjsLayers layer "${layer.config.name}" axis`, `the last axis (${rank - 1}) of its rank-${rank} input`, axis);
}

/** Tessera class name → how it maps to tfjs-layers and back. */
export const LAYER_MAP: Record<string, Mapping> = {
  Dense: {
    tfjs: 'Dense',
    to: (c, n) => ({ units: c.units, activation: act(c.activation, n), use_bias: c.useBias }),
    from: (c, n) => ({ units: c.units, activation: actBack(c.activation, n), useBias: c.use_bias ?? true }),
  },
  Conv1D: conv('Conv1D'),
  Conv2D: conv('Conv2D'),
  MaxPool1D: pool('MaxPooling1D'),
  MaxPool2D: pool('MaxPooling2D'),
  AvgPool1D: pool('AveragePooling1D'),
  AvgPool2D: pool('AveragePooling2D'),
  GlobalAvgPool1D: plain('GlobalAveragePooling1D'),
  GlobalAvgPool2D: plain('GlobalAveragePooling2D'),
  GlobalMaxPool1D: plain('GlobalMaxPooling1D'),
  GlobalMaxPool2D: plain('GlobalMaxPooling2D'),
  Flatten: plain('Flatten'),
  Add: plain('Add'),
  Reshape: { tfjs: 'Reshape', to: (c) => ({ target_shape: c.targetShape }), from: (c) => ({ targetShape: c.target_shape }) },
  Dropout: { tfjs: 'Dropout', to: (c) => ({ rate: c.rate }), from: (c) => ({ rate: c.rate }) },
  Activation: {
    tfjs: 'Activation',
    to: (c, n) => ({ activation: act(c.activation, n) }),
    from: (c, n) => ({ activation: actBack(c.activation, n) }),
  },
  Concatenate: { tfjs: 'Concatenate', to: (c) => ({ axis: c.axis ?? -1 }), from: (c) => ({ axis: c.axis ?? -1 }) },
  BatchNormalization: {
    tfjs: 'BatchNormalization',
    to: (c) => ({ axis: -1, momentum: c.momentum, epsilon: c.epsilon, center: c.center ?? true, scale: c.scale ?? true }),
    from: (c, n) => {
      lastAxis(c, n);
      return { momentum: c.momentum ?? 0.99, epsilon: c.epsilon ?? 1e-3, center: c.center ?? true, scale: c.scale ?? true };
    },
  },
  LayerNormalization: {
    tfjs: 'LayerNormalization',
    to: (c) => ({ axis: -1, epsilon: c.epsilon, center: c.center ?? true, scale: c.scale ?? true }),
    from: (c, n) => {
      lastAxis(c, n);
      return { epsilon: c.epsilon ?? 1e-3, center: c.center ?? true, scale: c.scale ?? true };
    },
  },
  Embedding: {
    tfjs: 'Embedding',
    to: (c) => ({ input_dim: c.inputDim, output_dim: c.outputDim, mask_zero: c.maskZero ?? false }),
    from: (c) => ({ inputDim: c.input_dim, outputDim: c.output_dim, maskZero: c.mask_zero ?? false }),
  },
};

/** tfjs-layers class name → Tessera class name. */
export const FROM_TFJS: Record<string, string> = Object.fromEntries(Object.entries(LAYER_MAP).map(([k, m]) => [m.tfjs, k]));
