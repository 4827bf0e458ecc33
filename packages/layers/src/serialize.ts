import type { Tensor } from '@tensorflow/tfjs-core';
import type { ModuleConfig } from '@tessera/core';
import { FormatError, ValueError } from '@tessera/core';
import { InputLayer } from './graph/input-layer.js';
import { Model } from './graph/model.js';
import { Sequential } from './graph/sequential.js';
import type { SymbolicTensor } from './graph/symbolic.js';
import type { Layer } from './layer.js';
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
import { isSerialized } from './serializable.js';

/**
 * A layer or model of any input arity: what {@link deserializeModule} and {@link layerFromConfig}
 * return and {@link summary} takes.
 *
 * @example
 * ```ts
 * const restored: AnyLayer = deserializeModule(serializeModule(model));
 * console.log(summary(restored));
 * ```
 */
export type AnyLayer = Layer<Tensor | Tensor[]>;
/**
 * Builds a layer from its saved `config` (the argument of {@link registerLayer}).
 *
 * @example
 * ```ts
 * const makeScale: LayerFactory = (config) => new Scale(config as LayerOptions); // Scale: the Layer example
 * registerLayer('Scale', makeScale);
 * ```
 */
export type LayerFactory = (config: Record<string, unknown>) => AnyLayer;
const custom = new Map<string, LayerFactory>();

// biome-ignore lint/suspicious/noExplicitAny: constructors take their own option types
type Ctor = new (opts: any) => AnyLayer;

function builtins(): Record<string, LayerFactory> {
  const classes: Record<string, Ctor> = {
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
    Bidirectional,
    Add,
    Concatenate,
    InputLayer,
  };
  const out: Record<string, LayerFactory> = {};
  for (const [k, C] of Object.entries(classes)) out[k] = (c) => new C(c);
  out.Sequential = (c) => new Sequential(((c.layers as ModuleConfig[]) ?? []).map(layerFromConfig), withoutKeys(c, ['layers']));
  out.Functional = functionalFromConfig;
  return out;
}

function withoutKeys(c: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k]) => !keys.includes(k)));
}

type Ref = [number, number];
function functionalFromConfig(c: Record<string, unknown>): AnyLayer {
  const layers = new Map<string, AnyLayer>();
  for (const lc of c.layers as ModuleConfig[]) layers.set(lc.config.name as string, layerFromConfig(lc));
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
  return new Model({
    name: c.name as string,
    inputs: c.multiInput ? inputs : (inputs[0] as SymbolicTensor),
    outputs: c.multiOutput ? outputs : (outputs[0] as SymbolicTensor),
  });
}

/**
 * Registers a custom layer class for {@link deserializeModule}.
 *
 * @example
 * ```ts
 * registerLayer('Scale', (config) => new Scale(config));
 * ```
 */
export function registerLayer(className: string, factory: LayerFactory): void {
  custom.set(className, factory);
}

/**
 * Rebuilds a layer (or model) from its `{ className, config }`.
 *
 * @example
 * ```ts
 * const copy = layerFromConfig(layer.getConfig());
 * ```
 */
export function layerFromConfig(cfg: ModuleConfig | unknown): AnyLayer {
  if (!isSerialized(cfg))
    throw new FormatError('layer config', `expected { className, config }, received ${JSON.stringify(cfg)?.slice(0, 80)}`);
  const f = custom.get(cfg.className) ?? builtins()[cfg.className];
  if (!f) throw new ValueError('layer config className', 'a registered layer class', cfg.className);
  return f({ ...cfg.config });
}

const FORMAT = 'tessera-module';

/**
 * Serializes a model's architecture (not its weights) to JSON.
 *
 * @example
 * ```ts
 * const json = serializeModule(model); const copy = deserializeModule(json);
 * ```
 */
export function serializeModule(module: { getConfig(): ModuleConfig }): string {
  return JSON.stringify({ format: FORMAT, version: 1, module: module.getConfig() });
}

/**
 * Rebuilds a model from {@link serializeModule}'s JSON (weights freshly initialized; copy them by name).
 *
 * @example
 * ```ts
 * const copy = deserializeModule(json);
 * for (const [k, v] of Object.entries(copy.variables())) v.assign(model.variables()[k]);
 * ```
 */
export function deserializeModule(json: string | object): AnyLayer {
  let parsed: unknown = json;
  if (typeof json === 'string') {
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new FormatError(FORMAT, 'invalid JSON', { cause: e });
    }
  }
  const p = parsed as { format?: unknown; module?: unknown };
  if (p?.format !== FORMAT) throw new FormatError(FORMAT, `expected format "${FORMAT}", received ${JSON.stringify(p?.format)}`);
  return layerFromConfig(p.module);
}
