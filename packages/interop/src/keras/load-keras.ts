import { ValueError } from '@tessera/core';
import type { Layer, Model, Sequential, SymbolicTensor } from '@tessera/layers';
import { input, model, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { scope, tensor } from '@tessera/tensor';
import { unzipSync } from 'fflate';
import { KerasWeights } from './h5-weights.js';
import { type ConvertedLayer, kerasLayerConverters } from './layer-converters.js';
import { kerasLayerPaths } from './snake-case.js';

type AnyLayer = Layer<Tensor | Tensor[]>;
type Cfg = Record<string, unknown>;
interface LayerEntry {
  class_name: string;
  config: Cfg;
  name?: string;
  inbound_nodes?: Array<{ args: unknown[]; kwargs?: Cfg }>;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function converter(entry: LayerEntry): ConvertedLayer {
  const make = kerasLayerConverters[entry.class_name];
  if (!make) {
    throw new ValueError(
      `Keras layer ${String(entry.config?.name ?? entry.name)}`,
      `a layer class Tessera imports (${Object.keys(kerasLayerConverters).join(', ')})`,
      `unsupported layer class ${entry.class_name}`,
    );
  }
  return make(entry.config);
}

/** Copies the saved arrays into the layer's variables, checking each shape. */
function assignWeights(c: ConvertedLayer, weights: KerasWeights, path: string): void {
  const arrays = c.weights((sub) => weights.vars(sub ? `${path}/${sub}` : path));
  const vars = c.layer.variables();
  const prefix = `${c.layer.name}/`;
  const own = Object.keys(vars).filter((k) => k.startsWith(prefix));
  for (const key of own) {
    const short = key.slice(prefix.length);
    const a = arrays[short];
    const v = vars[key];
    if (!v) continue;
    if (!a) throw new ValueError(`Keras weights of ${c.layer.name}`, `an array for ${short} under ${path}`, 'none');
    if (a.data.length !== v.size) {
      throw new ValueError(
        `Keras weight ${path} (${short})`,
        `${v.size} values for shape [${v.shape.join(', ')}]`,
        `shape [${a.shape.join(', ')}]`,
      );
    }
    scope(() => v.assign(tensor(a.data, v.shape, 'float32')));
  }
}

function batchShape(entry: LayerEntry): Array<number | null> {
  const s = (entry.config.batch_shape ?? entry.config.batch_input_shape) as Array<number | null> | undefined;
  if (!Array.isArray(s)) throw new ValueError(`Keras InputLayer ${String(entry.config.name)}`, 'a batch_shape', s);
  return s;
}

function loadSequential(cfg: Cfg, weights: KerasWeights): Sequential {
  const entries = cfg.layers as LayerEntry[];
  const inputEntry = entries.find((e) => e.class_name === 'InputLayer');
  const rest = entries.filter((e) => e.class_name !== 'InputLayer');
  const converted = rest.map(converter);
  const m = sequential(
    converted.map((c) => c.layer),
    { name: String(cfg.name ?? 'sequential') },
  );
  const shape = inputEntry
    ? batchShape(inputEntry)
    : ((rest[0]?.config.batch_input_shape ?? (rest[0] as Cfg | undefined)?.build_config) as unknown);
  if (!Array.isArray(shape)) throw new ValueError('Keras Sequential', 'an InputLayer giving the input shape', 'none');
  m.build(shape as Array<number | null>);
  const paths = kerasLayerPaths(rest.map((e) => e.class_name));
  converted.forEach((c, i) => {
    assignWeights(c, weights, paths[i] as string);
  });
  return m;
}

/** A `__keras_tensor__` reference → `layer:node:index`. */
function ref(t: unknown, where: string): string {
  const h = (t as { config?: { keras_history?: [string, number, number] } })?.config?.keras_history;
  if (!Array.isArray(h)) throw new ValueError(where, 'a Keras tensor reference', t);
  return `${h[0]}:${h[1]}:${h[2]}`;
}

function refList(v: unknown): Array<[string, number, number]> {
  const list = v as unknown[];
  return (Array.isArray(list[0]) ? list : [list]) as Array<[string, number, number]>;
}

function loadFunctional(cfg: Cfg, weights: KerasWeights): Model {
  const entries = cfg.layers as LayerEntry[];
  const tensors = new Map<string, SymbolicTensor>();
  const converted: Array<[ConvertedLayer, number]> = [];
  entries.forEach((e, i) => {
    const name = String(e.config.name ?? e.name);
    if (e.class_name === 'InputLayer') {
      tensors.set(`${name}:0:0`, input({ shape: batchShape(e).slice(1), name }));
      return;
    }
    const c = converter(e);
    const nodes = e.inbound_nodes ?? [];
    if (nodes.length !== 1)
      throw new ValueError(`Keras layer ${name}`, 'a layer called once (shared layers are not imported)', `${nodes.length} calls`);
    const node = nodes[0] as { args: unknown[]; kwargs?: Cfg };
    const get = (t: unknown) => {
      const k = ref(t, `Keras layer ${name} input`);
      const s = tensors.get(k);
      if (!s) throw new ValueError(`Keras layer ${name} input`, 'a tensor made by an earlier layer', k);
      return s;
    };
    const kwargs = node.kwargs ?? {};
    for (const [k, v] of Object.entries(kwargs)) {
      if (v == null || k === 'training' || k === 'mask') continue;
      if (k === 'key' && e.class_name === 'MultiHeadAttention') continue;
      throw new ValueError(`Keras layer ${name} call argument ${k}`, 'no such argument (Tessera imports plain calls)', v);
    }
    let args: SymbolicTensor | SymbolicTensor[];
    if (node.args.length === 1 && Array.isArray(node.args[0])) args = (node.args[0] as unknown[]).map(get);
    else if (node.args.length === 1) args = get(node.args[0]);
    else args = node.args.map(get);
    if (e.class_name === 'MultiHeadAttention' && kwargs.key != null) args = [...(args as SymbolicTensor[]), get(kwargs.key)];
    const out = (c.layer as AnyLayer).call(args as SymbolicTensor);
    (Array.isArray(out) ? out : [out]).forEach((s, j) => {
      tensors.set(`${name}:0:${j}`, s as SymbolicTensor);
    });
    converted.push([c, i]);
  });
  const pick = (v: unknown) =>
    refList(v).map(([l, n, t]) => {
      const s = tensors.get(`${l}:${n}:${t}`);
      if (!s) throw new ValueError('Keras model inputs/outputs', 'tensors of the model', `${l}:${n}:${t}`);
      return s;
    });
  const inputs = pick(cfg.input_layers);
  const outputs = pick(cfg.output_layers);
  const m = model({
    inputs: inputs.length === 1 ? (inputs[0] as SymbolicTensor) : inputs,
    outputs: outputs.length === 1 ? (outputs[0] as SymbolicTensor) : outputs,
    name: String(cfg.name ?? 'model'),
  });
  const paths = kerasLayerPaths(entries.map((e) => e.class_name));
  for (const [c, i] of converted) assignWeights(c, weights, paths[i] as string);
  return m;
}

/**
 * Loads a Keras 3 `.keras` file (a zip of `config.json` and `model.weights.h5`) as a Tessera
 * `Sequential` or functional `Model` with Keras' weights. Supported: Sequential and functional
 * models of Dense, Conv1D/2D, Max/AveragePooling1D/2D, Global pooling, BatchNormalization,
 * LayerNormalization, Dropout, Flatten, Reshape, Activation, Add, Concatenate, Embedding,
 * SimpleRNN/LSTM/GRU and MultiHeadAttention (see `kerasLayerConverters`). Any other layer class
 * (or a nested model) is a ValueError naming the class.
 *
 * @example
 * ```ts
 * const m = loadKerasModel(new Uint8Array(await (await fetch('model.keras')).arrayBuffer()));
 * const y = m.call(x) as Tensor;
 * ```
 */
export function loadKerasModel(bytes: Uint8Array): Sequential | Model {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes);
  } catch (e) {
    throw new ValueError('loadKerasModel bytes', 'a .keras zip archive', `bytes that are no zip (${(e as Error).message})`);
  }
  const config = files['config.json'];
  const h5 = files['model.weights.h5'];
  if (!config || !h5) throw new ValueError('loadKerasModel archive', 'config.json and model.weights.h5', Object.keys(files));
  const top = JSON.parse(text(config)) as { class_name: string; config: Cfg };
  const weights = new KerasWeights(h5);
  if (top.class_name === 'Sequential') return loadSequential(top.config, weights);
  if (top.class_name === 'Functional' || top.class_name === 'Model') return loadFunctional(top.config, weights);
  throw new ValueError('loadKerasModel model class', 'Sequential or Functional', `unsupported model class ${top.class_name}`);
}
