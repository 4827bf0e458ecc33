import type { ModuleConfig } from '@tessera/core';
import { FormatError } from '@tessera/core';
import { InputLayer } from './graph/input-layer.js';
import { Model } from './graph/model.js';
import { Sequential } from './graph/sequential.js';
import type { SymbolicTensor } from './graph/symbolic.js';
import { Activation } from './layers/activation-layer.js';
import { BatchNormalization } from './layers/batch-norm.js';
import { Bidirectional } from './layers/bidirectional.js';
import { Conv1D, Conv2D } from './layers/conv.js';
import { Conv2DTranspose } from './layers/conv-transpose.js';
import { Dense } from './layers/dense.js';
import { Dropout } from './layers/dropout.js';
import { Embedding } from './layers/embedding.js';
import { GlobalAvgPool1D, GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D } from './layers/global-pooling.js';
import { Add, Concatenate } from './layers/merge.js';
import { GroupNormalization, LayerNormalization, RMSNormalization } from './layers/norms.js';
import { AvgPool1D, AvgPool2D, MaxPool1D, MaxPool2D } from './layers/pooling.js';
import { GRU, LSTM, SimpleRNN } from './layers/recurrent.js';
import { Flatten, Reshape } from './layers/shape-layers.js';
import type { AnyLayer, LayerClass, LayerFactory } from './registry.js';
import { isSerialized } from './serializable.js';
import { MultiHeadAttention } from './transformer/multi-head-attention.js';
import { PositionalEmbedding } from './transformer/positional-embedding.js';
import { RotaryEmbedding } from './transformer/rotary.js';
import { TokenAndPositionEmbedding } from './transformer/token-and-position-embedding.js';
import { TransformerEncoderBlock } from './transformer/transformer-block.js';
import { TransformerDecoderBlock } from './transformer/transformer-decoder-block.js';
import { TransformerLM } from './transformer/transformer-lm.js';

/**
 * The factory of every built-in layer and model by class name: the one module that imports them
 * all (only deserialization needs it). `fromConfig` rebuilds nested configs.
 *
 * @example
 * ```ts
 * const dense = builtinLayers(layerFromConfig).Dense?.({ units: 3 });
 * ```
 */
export function builtinLayers(fromConfig: (cfg: unknown) => AnyLayer): Record<string, LayerFactory> {
  const classes: Record<string, LayerClass> = {
    Dense,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    MaxPool1D,
    MaxPool2D,
    AvgPool1D,
    AvgPool2D,
    GlobalMaxPool1D,
    GlobalMaxPool2D,
    GlobalAvgPool1D,
    GlobalAvgPool2D,
    BatchNormalization,
    LayerNormalization,
    GroupNormalization,
    RMSNormalization,
    Dropout,
    Embedding,
    Flatten,
    Reshape,
    Activation,
    SimpleRNN,
    LSTM,
    GRU,
    Add,
    Concatenate,
    InputLayer,
    MultiHeadAttention,
    PositionalEmbedding,
    RotaryEmbedding,
    TokenAndPositionEmbedding,
    TransformerEncoderBlock,
    TransformerDecoderBlock,
    TransformerLM,
  };
  const out: Record<string, LayerFactory> = {};
  for (const [k, C] of Object.entries(classes)) out[k] = (c) => new C(c);
  out.Bidirectional = (c) => new Bidirectional({ ...c, layer: (isSerialized(c.layer) ? fromConfig(c.layer) : c.layer) as never });
  out.Sequential = (c) => new Sequential(((c.layers as ModuleConfig[]) ?? []).map(fromConfig), withoutKeys(c, ['layers']));
  out.Functional = (c) => functionalFromConfig(c, fromConfig);
  return out;
}

function withoutKeys(c: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k]) => !keys.includes(k)));
}

type Ref = [number, number];
function functionalFromConfig(c: Record<string, unknown>, fromConfig: (cfg: unknown) => AnyLayer): AnyLayer {
  const layers = new Map<string, AnyLayer>();
  for (const lc of c.layers as ModuleConfig[]) layers.set(lc.config.name as string, fromConfig(lc));
  const nodes = c.nodes as Array<{ layer: string; inbound: Ref[]; multi: boolean }>;
  const produced: SymbolicTensor[][] = [];
  for (const n of nodes) {
    const layer = layers.get(n.layer);
    if (!layer) throw new FormatError('layer config', `node refers to unknown layer "${n.layer}"`);
    if (layer instanceof InputLayer) {
      produced.push([layer.output]);
      continue;
    }
    const args = n.inbound.map(([ni, ti]) => produced[ni]?.[ti] as SymbolicTensor);
    const out = n.multi ? layer.call(args) : layer.call(args[0] as SymbolicTensor);
    produced.push(Array.isArray(out) ? out : [out]);
  }
  const inputs = (c.inputs as number[]).map((i) => produced[i]?.[0] as SymbolicTensor);
  const outputs = (c.outputs as Ref[]).map(([ni, ti]) => produced[ni]?.[ti] as SymbolicTensor);
  const m = new Model({
    name: c.name as string,
    inputs: c.multiInput ? inputs : (inputs[0] as SymbolicTensor),
    outputs: c.multiOutput ? outputs : (outputs[0] as SymbolicTensor),
  });
  // Layers the config lists but no output depends on were built and are not part of the model.
  for (const layer of layers.values()) if (!m.layers.includes(layer)) layer.dispose();
  return m;
}
