import { ValueError } from '@tessera/core';
import type { Layer } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { add, concat, reshape, split, transpose, zeros } from '@tessera/tensor';

type AnyLayer = Layer<Tensor | Tensor[]>;

/**
 * How one Tessera layer's weights map to a PyTorch module's `state_dict` entries: `toTorch` gives
 * the torch tensors by their name inside the module (`weight`, `bias`, ...), `fromTorch` the
 * Tessera values by short weight name (`kernel`, ...) from torch tensors. Both run inside a
 * memory scope owned by the caller.
 *
 * @example
 * ```ts
 * const m: TorchMapping = torchLayerMappings.Dense as TorchMapping;
 * ```
 */
export interface TorchMapping {
  toTorch(layer: AnyLayer, w: (short: string) => Tensor | undefined): Record<string, Tensor>;
  fromTorch(layer: AnyLayer, t: (name: string) => Tensor, has: (name: string) => boolean): Record<string, Tensor>;
}

const T = (x: Tensor) => transpose(x);
const opt = (out: Record<string, Tensor>, k: string, v: Tensor | undefined) => {
  if (v) out[k] = v;
  return out;
};

/** Linear: kernel [in, out] ↔ weight [out, in]. */
const linear: TorchMapping = {
  toTorch: (_, w) => opt({ weight: T(w('kernel') as Tensor) }, 'bias', w('bias')),
  fromTorch: (_, t, has) => opt({ kernel: T(t('weight')) }, 'bias', has('bias') ? t('bias') : undefined),
};

/** Conv: kernel [k..., in, out] ↔ weight [out, in, k...]. */
const conv = (rank: 1 | 2): TorchMapping => {
  const toTorchPerm = rank === 2 ? [3, 2, 0, 1] : [2, 1, 0];
  const fromTorchPerm = rank === 2 ? [2, 3, 1, 0] : [2, 1, 0];
  return {
    toTorch: (_, w) => opt({ weight: transpose(w('kernel') as Tensor, toTorchPerm) }, 'bias', w('bias')),
    fromTorch: (_, t, has) => opt({ kernel: transpose(t('weight'), fromTorchPerm) }, 'bias', has('bias') ? t('bias') : undefined),
  };
};

const affineNorm: TorchMapping = {
  toTorch: (_, w) => opt(opt({}, 'weight', w('gamma')), 'bias', w('beta')),
  fromTorch: (_, t, has) => opt(opt({}, 'gamma', has('weight') ? t('weight') : undefined), 'beta', has('bias') ? t('bias') : undefined),
};

const batchNorm: TorchMapping = {
  toTorch: (l, w) => ({
    ...affineNorm.toTorch(l, w),
    running_mean: w('moving_mean') as Tensor,
    running_var: w('moving_variance') as Tensor,
  }),
  fromTorch: (l, t, has) => ({ ...affineNorm.fromTorch(l, t, has), moving_mean: t('running_mean'), moving_variance: t('running_var') }),
};

/** Gate blocks along `axis`, reordered by `order` (GRU: Keras z, r, h ↔ torch r, z, n). */
const reorder = (x: Tensor, axis: number, order: number[]) => {
  const parts = split(x, order.length, axis);
  return concat(
    order.map((i) => parts[i] as Tensor),
    axis,
  );
};

/**
 * Recurrent layers: kernel [in, g·u] ↔ weight_ih_l0 [g·u, in], recurrent_kernel ↔ weight_hh_l0,
 * bias ↔ bias_ih_l0 with a zero bias_hh_l0 (GRU with resetAfter: the two bias rows). Gate order:
 * LSTM i, f, c, o is torch's i, f, g, o; GRU z, r, h becomes torch's r, z, n.
 */
const recurrent = (order: number[] | undefined): TorchMapping => ({
  toTorch: (_, w) => {
    const g = (x: Tensor) => (order ? reorder(x, 0, order) : x);
    const out: Record<string, Tensor> = {
      weight_ih_l0: g(T(w('kernel') as Tensor)),
      weight_hh_l0: g(T(w('recurrent_kernel') as Tensor)),
    };
    const b = w('bias');
    if (b && b.rank === 2) {
      const [bi, bh] = split(b, 2, 0).map((x) => g(reshape(x, [-1])));
      Object.assign(out, { bias_ih_l0: bi, bias_hh_l0: bh });
    } else if (b) Object.assign(out, { bias_ih_l0: g(b), bias_hh_l0: zeros(b.shape) });
    return out;
  },
  fromTorch: (l, t, has) => {
    const inverse = order?.map((_, i) => order.indexOf(i));
    const g = (x: Tensor) => (inverse ? reorder(x, 0, inverse) : x);
    const out: Record<string, Tensor> = { kernel: T(g(t('weight_ih_l0'))), recurrent_kernel: T(g(t('weight_hh_l0'))) };
    if (has('bias_ih_l0')) {
      const bi = g(t('bias_ih_l0'));
      const bh = g(t('bias_hh_l0'));
      const resetAfter = l.className === 'GRU' && (l.getConfig().config as { resetAfter?: boolean }).resetAfter !== false;
      if (resetAfter) out.bias = concat([reshape(bi, [1, -1]), reshape(bh, [1, -1])], 0);
      else if (l.className === 'GRU')
        throw new ValueError(`torch state dict of ${l.name}`, 'a GRU with resetAfter (torch computes r·(W h + b))', false);
      else out.bias = add(bi, bh);
    }
    return out;
  },
});

/**
 * MultiHeadAttention ↔ torch.nn.MultiheadAttention when query, key and value projections are all
 * square (`numHeads · keyDim` = input size, valueDim = keyDim, output size unchanged):
 * in_proj_weight = [Wqᵀ; Wkᵀ; Wvᵀ], in_proj_bias, out_proj.weight, out_proj.bias.
 */
const attention: TorchMapping = {
  toTorch: (l, w) => {
    const k = ['query', 'key', 'value'].map((n) => w(`${n}_kernel`) as Tensor);
    const e = (k[0] as Tensor).shape[1] as number;
    if (k.some((x) => x.shape[0] !== e || x.shape[1] !== e) || (w('output_kernel') as Tensor).shape[1] !== e) {
      throw new ValueError(
        `torch state dict of ${l.name}`,
        'square projections (numHeads · keyDim = valueDim · numHeads = input size), as nn.MultiheadAttention',
        k.map((x) => x.shape),
      );
    }
    const out: Record<string, Tensor> = {
      in_proj_weight: concat(k.map(T), 0),
      'out_proj.weight': T(w('output_kernel') as Tensor),
    };
    const b = ['query', 'key', 'value'].map((n) => w(`${n}_bias`));
    if (b.every(Boolean)) out.in_proj_bias = concat(b as Tensor[], 0);
    return opt(out, 'out_proj.bias', w('output_bias'));
  },
  fromTorch: (_, t, has) => {
    const [q, k, v] = split(t('in_proj_weight'), 3, 0).map(T);
    const out: Record<string, Tensor> = {
      query_kernel: q as Tensor,
      key_kernel: k as Tensor,
      value_kernel: v as Tensor,
      output_kernel: T(t('out_proj.weight')),
    };
    if (has('in_proj_bias')) {
      const [bq, bk, bv] = split(t('in_proj_bias'), 3, 0);
      Object.assign(out, { query_bias: bq, key_bias: bk, value_bias: bv });
    }
    return opt(out, 'output_bias', has('out_proj.bias') ? t('out_proj.bias') : undefined);
  },
};

/**
 * The Tessera layer classes with weights that map to PyTorch modules, by class name: Dense →
 * nn.Linear, Conv1D/Conv2D → nn.Conv1d/nn.Conv2d, BatchNormalization → nn.BatchNorm (running
 * statistics), LayerNormalization → nn.LayerNorm, Embedding → nn.Embedding, SimpleRNN/LSTM/GRU →
 * nn.RNN/nn.LSTM/nn.GRU (one layer, batch_first), MultiHeadAttention → nn.MultiheadAttention.
 * Weightless layers map to nothing; another layer class with weights is a ValueError naming it.
 *
 * @example
 * ```ts
 * Object.keys(torchLayerMappings); // ['Dense', 'Conv1D', ...]
 * ```
 */
export const torchLayerMappings: Record<string, TorchMapping> = {
  Dense: linear,
  Conv1D: conv(1),
  Conv2D: conv(2),
  BatchNormalization: batchNorm,
  LayerNormalization: affineNorm,
  Embedding: {
    toTorch: (_, w) => ({ weight: w('embeddings') as Tensor }),
    fromTorch: (_, t) => ({ embeddings: t('weight') }),
  },
  SimpleRNN: recurrent(undefined),
  LSTM: recurrent(undefined),
  GRU: recurrent([1, 0, 2]),
  MultiHeadAttention: attention,
};
