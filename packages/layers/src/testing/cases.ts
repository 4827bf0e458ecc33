import type { Tensor } from '@tessera/tensor';
import { input } from '../graph/input-layer.js';
import { model } from '../graph/model.js';
import { sequential } from '../graph/sequential.js';
import type { Layer } from '../layer.js';
import { Activation } from '../layers/activation-layer.js';
import { BatchNormalization } from '../layers/batch-norm.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Conv1D, Conv2D } from '../layers/conv.js';
import { Conv2DTranspose } from '../layers/conv-transpose.js';
import { Dense, dense } from '../layers/dense.js';
import { Dropout } from '../layers/dropout.js';
import { Embedding } from '../layers/embedding.js';
import { GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D } from '../layers/global-pooling.js';
import { Add, addLayer, Concatenate, concatenateLayer } from '../layers/merge.js';
import { GroupNormalization, LayerNormalization, RMSNormalization } from '../layers/norms.js';
import { AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D } from '../layers/pooling.js';
import { GRU, LSTM, lstm, SimpleRNN } from '../layers/recurrent.js';
import { Flatten, Reshape } from '../layers/shape-layers.js';
import { l2 } from '../regularizers.js';
import { MultiHeadAttention } from '../transformer/multi-head-attention.js';
import { PositionalEmbedding } from '../transformer/positional-embedding.js';
import { RotaryEmbedding } from '../transformer/rotary.js';
import { TokenAndPositionEmbedding } from '../transformer/token-and-position-embedding.js';
import { TransformerEncoderBlock } from '../transformer/transformer-block.js';
import { TransformerDecoderBlock } from '../transformer/transformer-decoder-block.js';
import { TransformerLM } from '../transformer/transformer-lm.js';
import type { LayerCase } from './conformance.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

/** Kernels the case needs for its gradient (used to skip on backends that lack them). */
export interface CaseWithNeeds extends LayerCase {
  /** Why the gradient check cannot run on wasm (missing kernel), if it cannot. */
  wasmGradSkip?: string;
}

function functionalCase(): AnyLayer {
  const a = input({ shape: [4] });
  const b = input({ shape: [3] });
  const h = dense(4, { activation: 'tanh', seed: 3 }).call(a);
  const r = addLayer([a, h]);
  const c = concatenateLayer([r, b]);
  return model({ inputs: [a, b], outputs: [dense(2, { seed: 4 }).call(c), r] });
}

/**
 * One small case per layer (and per model kind), shared by the conformance tests.
 *
 * @example
 * ```ts
 * for (const c of layerCases()) checkOutputShape(c);
 * ```
 */
export function layerCases(): CaseWithNeeds[] {
  const s = { seed: 1 };
  return [
    { name: 'Dense', make: () => new Dense({ units: 3, activation: 'tanh', kernelRegularizer: l2(0.01), ...s }), inputShape: [2, 4] },
    { name: 'Dense rank 3', make: () => new Dense({ units: 3, activation: 'gelu', ...s }), inputShape: [2, 3, 4] },
    {
      name: 'Conv1D',
      make: () => new Conv1D({ filters: 2, kernelSize: 3, padding: 'same', activation: 'silu', ...s }),
      inputShape: [2, 5, 3],
    },
    {
      name: 'Conv2D',
      make: () => new Conv2D({ filters: 2, kernelSize: 2, strides: 2, ...s }),
      inputShape: [2, 4, 4, 2],
    },
    {
      name: 'Conv2DTranspose',
      make: () => new Conv2DTranspose({ filters: 2, kernelSize: 3, strides: 2, padding: 'same', ...s }),
      inputShape: [1, 3, 3, 2],
    },
    { name: 'MaxPool1D', make: () => new MaxPool1D({ poolSize: 2 }), inputShape: [2, 6, 2] },
    { name: 'MaxPool2D', make: () => new MaxPool2D({ poolSize: 2 }), inputShape: [2, 4, 4, 2] },
    { name: 'AvgPool1D', make: () => new AvgPool1D({ poolSize: 2, padding: 'same' }), inputShape: [2, 5, 2] },
    { name: 'AvgPool2D', make: () => new AvgPool2D({ poolSize: 2 }), inputShape: [2, 4, 4, 2] },
    { name: 'GlobalMaxPool1D', make: () => new GlobalMaxPool1D(), inputShape: [2, 5, 3] },
    { name: 'GlobalAvgPool1D', make: () => new GlobalAvgPool1D(), inputShape: [2, 5, 3] },
    { name: 'GlobalMaxPool2D', make: () => new GlobalMaxPool2D(), inputShape: [2, 3, 3, 2] },
    { name: 'GlobalAvgPool2D', make: () => new GlobalAvgPool2D(), inputShape: [2, 3, 3, 2] },
    { name: 'BatchNormalization', make: () => new BatchNormalization({ momentum: 0.9 }), inputShape: [4, 3] },
    { name: 'LayerNormalization', make: () => new LayerNormalization(), inputShape: [2, 5] },
    { name: 'GroupNormalization', make: () => new GroupNormalization({ groups: 2 }), inputShape: [2, 3, 4] },
    { name: 'RMSNormalization', make: () => new RMSNormalization(), inputShape: [2, 5] },
    { name: 'Dropout', make: () => new Dropout({ rate: 0.3 }), inputShape: [3, 4] },
    {
      name: 'Embedding',
      make: () => new Embedding({ inputDim: 7, outputDim: 3, ...s }),
      inputShape: [2, 4],
      intInput: 7,
    },
    { name: 'Flatten', make: () => new Flatten(), inputShape: [2, 2, 3] },
    { name: 'Reshape', make: () => new Reshape({ targetShape: [3, -1] }), inputShape: [2, 6] },
    ...(['relu', 'gelu', 'silu', 'tanh', 'sigmoid', 'softmax', 'leakyRelu', 'elu', 'linear'] as const).map((a) => ({
      name: `Activation ${a}`,
      make: () => new Activation({ activation: a }),
      inputShape: [2, 5],
    })),
    { name: 'SimpleRNN', make: () => new SimpleRNN({ units: 3, ...s }), inputShape: [2, 3, 2] },
    { name: 'LSTM', make: () => new LSTM({ units: 3, returnSequences: true, ...s }), inputShape: [2, 3, 2] },
    { name: 'GRU', make: () => new GRU({ units: 3, ...s }), inputShape: [2, 3, 2] },
    { name: 'GRU resetAfter=false', make: () => new GRU({ units: 3, resetAfter: false, ...s }), inputShape: [2, 3, 2] },
    { name: 'Bidirectional', make: () => new Bidirectional({ layer: lstm(2, { returnSequences: true, ...s }) }), inputShape: [2, 3, 2] },
    {
      name: 'Add',
      make: () => new Add(),
      inputShape: [
        [2, 3],
        [2, 3],
      ],
    },
    {
      name: 'Concatenate',
      make: () => new Concatenate({ axis: -1 }),
      inputShape: [
        [2, 3],
        [2, 2],
      ],
    },
    { name: 'MultiHeadAttention self', make: () => new MultiHeadAttention({ numHeads: 2, keyDim: 3, ...s }), inputShape: [2, 4, 5] },
    {
      name: 'MultiHeadAttention causal, grouped-query, rotary, dropout',
      make: () => new MultiHeadAttention({ numHeads: 4, keyDim: 2, numKeyValueHeads: 2, causal: true, rotary: true, dropout: 0.2, ...s }),
      inputShape: [2, 3, 4],
    },
    {
      name: 'MultiHeadAttention cross (query, value, key)',
      make: () => new MultiHeadAttention({ numHeads: 2, keyDim: 2, valueDim: 3, outputDim: 4, ...s }),
      inputShape: [
        [2, 3, 4],
        [2, 5, 3],
        [2, 5, 2],
      ],
    },
    { name: 'PositionalEmbedding learned', make: () => new PositionalEmbedding({ maxLength: 6, ...s }), inputShape: [2, 4, 3] },
    {
      name: 'PositionalEmbedding sinusoidal',
      make: () => new PositionalEmbedding({ maxLength: 6, kind: 'sinusoidal' }),
      inputShape: [2, 4, 4],
    },
    { name: 'RotaryEmbedding', make: () => new RotaryEmbedding(), inputShape: [2, 3, 2, 4] },
    {
      name: 'TokenAndPositionEmbedding',
      make: () => new TokenAndPositionEmbedding({ vocabSize: 7, maxLength: 5, dim: 4, ...s }),
      inputShape: [2, 4],
      intInput: 7,
      wasmGradSkip: undefined,
    },
    {
      name: 'TransformerEncoderBlock post-norm relu',
      make: () => new TransformerEncoderBlock({ numHeads: 2, intermediateDim: 6, norm: 'post', activation: 'relu', dropout: 0.1, ...s }),
      inputShape: [2, 3, 4],
    },
    {
      name: 'TransformerDecoderBlock pre-norm gelu',
      make: () => new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 6, dropout: 0.1, attentionDropout: 0.1, ...s }),
      inputShape: [2, 3, 4],
    },
    {
      name: 'TransformerDecoderBlock with cross-attention (encoder width 3)',
      make: () => new TransformerDecoderBlock({ numHeads: 2, intermediateDim: 6, dropout: 0.1, attentionDropout: 0.1, ...s }),
      inputShape: [
        [2, 3, 4],
        [2, 5, 3],
      ],
    },
    {
      name: 'TransformerLM tied',
      make: () =>
        new TransformerLM({
          vocabSize: 7,
          blockSize: 5,
          layers: 2,
          heads: 2,
          width: 4,
          dropout: 0.1,
          embeddingsInitializer: { className: 'RandomNormal', config: { stddev: 1 } },
          ...s,
        }),
      inputShape: [2, 4],
      intInput: 7,
    },
    {
      name: 'TransformerLM untied, post-norm, rotary, grouped-query',
      make: () =>
        new TransformerLM({
          vocabSize: 6,
          blockSize: 4,
          layers: 1,
          heads: 2,
          numKeyValueHeads: 1,
          width: 4,
          tieEmbeddings: false,
          norm: 'post',
          positions: 'rotary',
          embeddingsInitializer: { className: 'RandomNormal', config: { stddev: 1 } },
          ...s,
        }),
      inputShape: [2, 3],
      intInput: 6,
    },
    {
      name: 'TransformerLM GPT-2 initialization, no biases',
      make: () =>
        new TransformerLM({
          vocabSize: 6,
          blockSize: 4,
          layers: 2,
          heads: 2,
          width: 4,
          useBias: false,
          kernelInitializer: { className: 'RandomNormal', config: { stddev: 0.5 } },
          outputKernelInitializer: { className: 'RandomNormal', config: { stddev: 0.25 } },
          embeddingsInitializer: { className: 'RandomNormal', config: { stddev: 1 } },
          ...s,
        }),
      inputShape: [2, 3],
      intInput: 6,
    },
    {
      name: 'Sequential',
      make: () => sequential([dense(4, { activation: 'relu', ...s }), new Dropout({ rate: 0.2 }), dense(2, s)]),
      inputShape: [2, 3],
    },
    {
      name: 'Functional',
      make: functionalCase,
      inputShape: [
        [2, 4],
        [2, 3],
      ],
    },
  ];
}
