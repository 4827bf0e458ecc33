import { ValueError } from '@tessera/core';
import type {
  BatchNormalization,
  Conv1D,
  Conv2D,
  Embedding,
  GlobalPool,
  Layer,
  LayerNormalization,
  MultiHeadAttention,
  Pool,
  Reshape,
} from '@tessera/layers';
import type { Tensor, Variable } from '@tessera/tensor';
import type { OnnxBuilder } from './onnx-builder.js';
import { emitRecurrent } from './recurrent-emitters.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

/**
 * Writes one layer call into an ONNX graph: its input names in, its output names out.
 *
 * @example
 * ```ts
 * const emit: LayerEmitter = (b, layer, [x]) => b.op('Relu', [x as string], {}, layer.name);
 * ```
 */
export type LayerEmitter = (b: OnnxBuilder, layer: AnyLayer, inputs: string[]) => string[];

const cfg = (l: AnyLayer) => l.getConfig().config as Record<string, unknown>;

function weight(l: AnyLayer, short: string): Variable | undefined {
  return l.variables()[`${l.name}/${short}`];
}

function need(l: AnyLayer, short: string): Variable {
  const v = weight(l, short);
  if (!v) throw new ValueError(`ONNX export of ${l.name}`, `a built layer with weight ${short}`, 'none');
  return v;
}

/**
 * Applies a Tessera activation by name (exact gelu through Erf, silu as x·sigmoid(x)); returns
 * the output name (`x` itself for `linear`).
 *
 * @example
 * ```ts
 * const y = emitActivation(builder, 'gelu', 'dense:0', 'dense');
 * ```
 */
export function emitActivation(b: OnnxBuilder, name: string, x: string, where: string): string {
  const one = (op: string, attrs = {}) => b.op(op, [x], attrs, `${where}/${op.toLowerCase()}`)[0] as string;
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return one('Relu');
    case 'sigmoid':
      return one('Sigmoid');
    case 'tanh':
      return one('Tanh');
    case 'softmax':
      return one('Softmax', { axis: { int: -1 } });
    case 'elu':
      return one('Elu', { alpha: { float: 1 } });
    case 'leakyRelu':
      return one('LeakyRelu', { alpha: { float: 0.2 } });
    case 'silu': {
      const s = one('Sigmoid');
      return b.op('Mul', [x, s], {}, `${where}/silu`)[0] as string;
    }
    case 'gelu': {
      const r = b.op('Mul', [x, b.floats(`${where}/gelu_rsqrt2`, [], [Math.SQRT1_2])], {}, `${where}/gelu_scale`)[0] as string;
      const e = b.op('Erf', [r], {}, `${where}/gelu_erf`)[0] as string;
      const p = b.op('Add', [e, b.floats(`${where}/gelu_one`, [], [1])], {}, `${where}/gelu_add`)[0] as string;
      const h = b.op('Mul', [x, b.floats(`${where}/gelu_half`, [], [0.5])], {}, `${where}/gelu_half`)[0] as string;
      return b.op('Mul', [h, p], {}, `${where}/gelu`)[0] as string;
    }
    default:
      throw new ValueError(`ONNX export of ${where}`, 'an activation with an ONNX form', name);
  }
}

/** `x · kernel + bias` on the last axis (MatMul broadcasts over leading axes). */
function affine(b: OnnxBuilder, x: string, kernel: Tensor, bias: Tensor | undefined, where: string): string {
  let y = b.op('MatMul', [x, b.tensor(`${where}/kernel`, kernel)], {}, `${where}/matmul`)[0] as string;
  if (bias) y = b.op('Add', [y, b.tensor(`${where}/bias`, bias)], {}, `${where}/bias_add`)[0] as string;
  return y;
}

/** Channels-last `x` through an ONNX channels-first op: Transpose, op, Transpose back. */
function channelsFirst(b: OnnxBuilder, x: string, rank: number, where: string, body: (nchw: string) => string): string {
  const toFirst = rank === 2 ? [0, 3, 1, 2] : [0, 2, 1];
  const toLast = rank === 2 ? [0, 2, 3, 1] : [0, 2, 1];
  const t = b.op('Transpose', [x], { perm: { ints: toFirst } }, `${where}/to_nchw`)[0] as string;
  return b.op('Transpose', [body(t)], { perm: { ints: toLast } }, `${where}/to_nhwc`)[0] as string;
}

const padAttrs = (padding: unknown) => (padding === 'same' ? { auto_pad: { string: 'SAME_UPPER' } } : { auto_pad: { string: 'VALID' } });

function emitConv(b: OnnxBuilder, l: AnyLayer, [x]: string[]): string[] {
  const c = l as Conv2D | Conv1D;
  const o = cfg(l);
  const kernel = need(l, 'kernel');
  const rank = c.rank;
  // Tessera [k..., in, out] → ONNX [out, in, k...]
  const perm = rank === 2 ? [3, 2, 0, 1] : [2, 1, 0];
  const wShape = perm.map((p) => kernel.shape[p] as number);
  const src = kernel.dataSync() as Float32Array;
  const w = new Float32Array(src.length);
  const inStrides = kernel.shape.map((_, i) => kernel.shape.slice(i + 1).reduce((a, d) => a * d, 1));
  const idx = new Array(wShape.length).fill(0);
  for (let j = 0; j < w.length; j++) {
    let s = 0;
    for (let a = 0; a < idx.length; a++) s += (idx[a] as number) * (inStrides[perm[a] as number] as number);
    w[j] = src[s] as number;
    for (let a = idx.length - 1; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      if ((idx[a] as number) < (wShape[a] as number)) break;
      idx[a] = 0;
    }
  }
  const bias = weight(l, 'bias');
  const inputs = [b.floats(`${l.name}/kernel`, wShape, w), ...(bias ? [b.tensor(`${l.name}/bias`, bias)] : [])];
  const y = channelsFirst(b, x as string, rank, l.name, (t) => {
    const attrs = {
      kernel_shape: { ints: c.kernelSize },
      strides: { ints: c.strides },
      dilations: { ints: c.dilation },
      ...padAttrs(c.padding),
    };
    return b.op('Conv', [t, ...inputs], attrs, `${l.name}/conv`)[0] as string;
  });
  return [emitActivation(b, String(o.activation ?? 'linear'), y, l.name)];
}

function emitPool(b: OnnxBuilder, l: AnyLayer, [x]: string[]): string[] {
  const p = l as Pool;
  return [
    channelsFirst(b, x as string, p.rank, l.name, (t) => {
      const attrs = { kernel_shape: { ints: p.poolSize }, strides: { ints: p.strides }, ...padAttrs(p.padding) };
      return b.op(p.mode === 'max' ? 'MaxPool' : 'AveragePool', [t], attrs, `${l.name}/pool`)[0] as string;
    }),
  ];
}

function emitAttention(b: OnnxBuilder, l: AnyLayer, inputs: string[]): string[] {
  const m = l as MultiHeadAttention;
  if (m.causal || m.rotary) throw new ValueError(`ONNX export of ${l.name}`, 'attention without causal mask or rotary positions', cfg(l));
  if (m.numKeyValueHeads !== m.numHeads)
    throw new ValueError(`ONNX export of ${l.name}`, 'numKeyValueHeads equal to numHeads', m.numKeyValueHeads);
  const q = inputs[0] as string;
  const v = inputs[1] ?? q;
  const k = inputs[2] ?? v;
  const heads = (name: 'query' | 'key' | 'value', x: string, size: number) => {
    const y = affine(b, x, need(l, `${name}_kernel`), weight(l, `${name}_bias`), `${l.name}/${name}`);
    const r = b.op('Reshape', [y, b.ints(`${l.name}/${name}_shape`, [0, 0, m.numHeads, size])], {}, `${l.name}/${name}_heads`)[0] as string;
    return b.op('Transpose', [r], { perm: { ints: [0, 2, 1, 3] } }, `${l.name}/${name}_t`)[0] as string;
  };
  const qh = heads('query', q, m.keyDim);
  const kh = heads('key', k, m.keyDim);
  const vh = heads('value', v, m.valueDim);
  const kt = b.op('Transpose', [kh], { perm: { ints: [0, 1, 3, 2] } }, `${l.name}/key_tt`)[0] as string;
  const s = b.op('MatMul', [qh, kt], {}, `${l.name}/scores`)[0] as string;
  const scaled = b.op('Mul', [s, b.floats(`${l.name}/scale`, [], [1 / Math.sqrt(m.keyDim)])], {}, `${l.name}/scaled`)[0] as string;
  const p = b.op('Softmax', [scaled], { axis: { int: -1 } }, `${l.name}/softmax`)[0] as string;
  const o = b.op('MatMul', [p, vh], {}, `${l.name}/context`)[0] as string;
  const ot = b.op('Transpose', [o], { perm: { ints: [0, 2, 1, 3] } }, `${l.name}/context_t`)[0] as string;
  const merged = b.op(
    'Reshape',
    [ot, b.ints(`${l.name}/merge_shape`, [0, 0, m.numHeads * m.valueDim])],
    {},
    `${l.name}/merge`,
  )[0] as string;
  return [affine(b, merged, need(l, 'output_kernel'), weight(l, 'output_bias'), `${l.name}/output`)];
}

/**
 * The layer classes the ONNX exporter writes, by Tessera class name. Models (Sequential and
 * functional, nested too) are walked by `exportOnnx` itself; any other class fails the export with
 * a ValueError naming it.
 *
 * @example
 * ```ts
 * Object.keys(onnxLayerEmitters); // ['Dense', 'Conv2D', ...]
 * ```
 */
export const onnxLayerEmitters: Record<string, LayerEmitter> = {
  Dense: (b, l, [x]) => [
    emitActivation(b, String(cfg(l).activation ?? 'linear'), affine(b, x as string, need(l, 'kernel'), weight(l, 'bias'), l.name), l.name),
  ],
  Conv1D: emitConv,
  Conv2D: emitConv,
  MaxPool1D: emitPool,
  MaxPool2D: emitPool,
  AvgPool1D: emitPool,
  AvgPool2D: emitPool,
  GlobalAvgPool1D: globalPool,
  GlobalAvgPool2D: globalPool,
  GlobalMaxPool1D: globalPool,
  GlobalMaxPool2D: globalPool,
  BatchNormalization: (b, l, [x]) => {
    // inference form folded into one scale and shift per channel (in float64, then float32)
    const bn = l as BatchNormalization;
    const mean = need(l, 'moving_mean').dataSync();
    const variance = need(l, 'moving_variance').dataSync();
    const gamma = weight(l, 'gamma')?.dataSync();
    const beta = weight(l, 'beta')?.dataSync();
    const n = mean.length;
    const scale = new Float32Array(n);
    const shift = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const s = (gamma ? (gamma[i] as number) : 1) / Math.sqrt((variance[i] as number) + bn.epsilon);
      scale[i] = s;
      shift[i] = (beta ? (beta[i] as number) : 0) - (mean[i] as number) * s;
    }
    const y = b.op('Mul', [x as string, b.floats(`${l.name}/scale`, [n], scale)], {}, `${l.name}/scale`)[0] as string;
    return b.op('Add', [y, b.floats(`${l.name}/shift`, [n], shift)], {}, `${l.name}/shift`);
  },
  LayerNormalization: (b, l, [x]) => {
    const ln = l as LayerNormalization;
    const gamma = weight(l, 'gamma');
    const beta = weight(l, 'beta');
    const n = (gamma ?? beta)?.size;
    if (n === undefined) throw new ValueError(`ONNX export of ${l.name}`, 'a layer normalization with scale or center', cfg(l));
    const scale = gamma ? b.tensor(`${l.name}/gamma`, gamma) : b.floats(`${l.name}/gamma`, [n], new Float32Array(n).fill(1));
    const inputs = [x as string, scale, ...(beta ? [b.tensor(`${l.name}/beta`, beta)] : [])];
    return b.op('LayerNormalization', inputs, { axis: { int: -1 }, epsilon: { float: ln.epsilon } }, `${l.name}/layer_norm`);
  },
  Dropout: (b, l, [x]) => b.op('Identity', [x as string], {}, `${l.name}/identity`),
  Flatten: (b, l, [x]) => b.op('Flatten', [x as string], { axis: { int: 1 } }, `${l.name}/flatten`),
  Reshape: (b, l, [x]) => {
    const target = (l as Reshape).getConfig().config.targetShape as number[];
    return b.op('Reshape', [x as string, b.ints(`${l.name}/shape`, [0, ...target])], {}, `${l.name}/reshape`);
  },
  Activation: (b, l, [x]) => [emitActivation(b, String(cfg(l).activation), x as string, l.name)],
  Add: (b, l, xs) => {
    let y = xs[0] as string;
    for (const x of xs.slice(1)) y = b.op('Add', [y, x], {}, `${l.name}/add`)[0] as string;
    return [y];
  },
  Concatenate: (b, l, xs) => b.op('Concat', xs, { axis: { int: (cfg(l).axis as number) ?? -1 } }, `${l.name}/concat`),
  Embedding: (b, l, [x]) => {
    const e = l as Embedding;
    if (e.maskZero)
      throw new ValueError(`ONNX export of ${l.name}`, 'an embedding without maskZero (padding masks are not exported)', true);
    return b.op('Gather', [b.tensor(`${l.name}/embeddings`, need(l, 'embeddings')), x as string], { axis: { int: 0 } }, `${l.name}/gather`);
  },
  MultiHeadAttention: emitAttention,
  SimpleRNN: emitRecurrent,
  LSTM: emitRecurrent,
  GRU: emitRecurrent,
};

function globalPool(b: OnnxBuilder, l: AnyLayer, [x]: string[]): string[] {
  const g = l as GlobalPool;
  const axes = g.rank === 2 ? [1, 2] : [1];
  return b.op(
    g.mode === 'max' ? 'ReduceMax' : 'ReduceMean',
    [x as string],
    { axes: { ints: axes }, keepdims: { int: 0 } },
    `${l.name}/reduce`,
  );
}
