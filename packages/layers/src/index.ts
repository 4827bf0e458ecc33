export type { ActivationName } from './activations.js';
export { activationNames, getActivation } from './activations.js';
export type { InputOptions } from './graph/input-layer.js';
export { InputLayer, input } from './graph/input-layer.js';
export type { ModelOptions } from './graph/model.js';
export { Model, model } from './graph/model.js';
export { Sequential, sequential } from './graph/sequential.js';
export { isStepper, stackInitCache, stackStep } from './graph/stepping.js';
export type { GraphNode, NodeLayer } from './graph/symbolic.js';
export { isSymbolic, SymbolicTensor } from './graph/symbolic.js';
export type { Initializer, InitializerLike, InitializerName, SeedOptions, VarianceScalingOptions } from './initializers.js';
export {
  computeFans,
  constant,
  getInitializer,
  glorotNormal,
  glorotUniform,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  onesInit as ones,
  orthogonal,
  randomNormalInit as randomNormal,
  randomUniformInit as randomUniform,
  truncatedNormalInit as truncatedNormal,
  varianceScaling,
  zerosInit as zeros,
} from './initializers.js';
export type { LayerInput, LayerOptions, SymbolicOf, WeightOptions } from './layer.js';
export { Layer } from './layer.js';
export { Activation, activation } from './layers/activation-layer.js';
export type { BatchNormOptions } from './layers/batch-norm.js';
export { BatchNormalization, batchNormalization } from './layers/batch-norm.js';
export type { BidirectionalOptions, MergeMode } from './layers/bidirectional.js';
export { Bidirectional, bidirectional } from './layers/bidirectional.js';
export type { ConvArgs, ConvOptions } from './layers/conv.js';
export { Conv, Conv1D, Conv2D, conv1dLayer as conv1d, conv2dLayer as conv2d } from './layers/conv.js';
export { Conv2DTranspose, conv2dTransposeLayer as conv2dTranspose } from './layers/conv-transpose.js';
export type { DenseOptions } from './layers/dense.js';
export { Dense, dense } from './layers/dense.js';
export type { DropoutOptions } from './layers/dropout.js';
export { Dropout, dropoutLayer as dropout } from './layers/dropout.js';
export type { EmbeddingOptions } from './layers/embedding.js';
export { Embedding, embedding } from './layers/embedding.js';
export type { GlobalPoolClass } from './layers/global-pooling.js';
export {
  GlobalAvgPool1D,
  GlobalAvgPool2D,
  GlobalMaxPool1D,
  GlobalMaxPool2D,
  GlobalPool,
  globalAvgPool1d,
  globalAvgPool2d,
  globalMaxPool1d,
  globalMaxPool2d,
} from './layers/global-pooling.js';
export { Add, addLayer as add, Concatenate, concatenateLayer as concatenate } from './layers/merge.js';
export type { NormOptions } from './layers/norms.js';
export {
  GroupNormalization,
  groupNormalization,
  LayerNormalization,
  layerNormalization,
  RMSNormalization,
  rmsNormalization,
} from './layers/norms.js';
export type { PoolArgs, PoolClass, PoolOptions } from './layers/pooling.js';
export { AvgPool1D, AvgPool2D, avgPool1d, avgPool2d, MaxPool1D, MaxPool2D, maxPool1d, maxPool2d, Pool } from './layers/pooling.js';
export type { RecurrentArgs } from './layers/recurrent.js';
export { GRU, gru, LSTM, lstm, SimpleRNN, simpleRnn } from './layers/recurrent.js';
export type { RNNOptions } from './layers/rnn.js';
export { RNN } from './layers/rnn.js';
export type { ReshapeOptions } from './layers/shape-layers.js';
export { Flatten, flatten, Reshape, reshapeLayer as reshape } from './layers/shape-layers.js';
export { causalMask, mergeMasks, paddingAttentionMask, sequenceMask } from './masks.js';
export type { AnyLayer, LayerClass, LayerFactory } from './registry.js';
export { registeredLayer, registerLayer } from './registry.js';
export type { Regularizer } from './regularizers.js';
export { getRegularizer, l1, l1l2, l2 } from './regularizers.js';
export type { Serialized } from './serializable.js';
export { deserializeModule, layerFromConfig, serializeModule } from './serialize.js';
export type { Shape } from './shape.js';
export { summary } from './summary.js';
export type { DotProductAttentionOptions } from './transformer/dot-product-attention.js';
export { dotProductAttention } from './transformer/dot-product-attention.js';
export type { AttentionCache, MultiHeadAttentionOptions } from './transformer/multi-head-attention.js';
export { MultiHeadAttention, multiHeadAttention } from './transformer/multi-head-attention.js';
export type { PositionalEmbeddingOptions } from './transformer/positional-embedding.js';
export { PositionalEmbedding, positionalEmbedding, sinusoidalPositions } from './transformer/positional-embedding.js';
export type { RotaryEmbeddingOptions } from './transformer/rotary.js';
export { applyRotary, RotaryEmbedding, rotaryEmbedding } from './transformer/rotary.js';
export type { TokenAndPositionEmbeddingOptions } from './transformer/token-and-position-embedding.js';
export { TokenAndPositionEmbedding, tokenAndPositionEmbedding } from './transformer/token-and-position-embedding.js';
export type { TransformerBlockOptions } from './transformer/transformer-block.js';
export { TransformerBlock, TransformerEncoderBlock, transformerEncoderBlock } from './transformer/transformer-block.js';
export { TransformerDecoderBlock, transformerDecoderBlock } from './transformer/transformer-decoder-block.js';
export type { TransformerLMCache, TransformerLMOptions } from './transformer/transformer-lm.js';
export { TransformerLM, transformerLM } from './transformer/transformer-lm.js';
