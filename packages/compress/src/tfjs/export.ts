import { ValueError } from '@tessera/core';
import { type AnyLayer, InputLayer, Model, Sequential } from '@tessera/layers';
import { type QuantizedTensor, quantizeValues } from '../quantize/schemes.js';
import { LAYER_MAP, type TfjsLayerJson } from './layer-map.js';

/**
 * One entry of a tfjs weights manifest (`io.WeightsManifestEntry`).
 *
 * @example
 * ```ts
 * const spec: TfjsWeightSpec = { name: 'dense/kernel', shape: [784, 10], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.01, min: -1.2 } };
 * ```
 */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  /** How the stored values decode: `v = q · scale + min` (uint8/uint16) or half floats (float16). */
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; scale?: number; min?: number };
}

/**
 * A model in tfjs-layers' format: `modelJson` is the content of `model.json` (topology and
 * weights manifest), `shards` the binary files its manifest names, in order. `weightSpecs` and
 * `weightData` are the same thing as tfjs `ModelArtifacts` (for `tf.io.fromMemory`).
 *
 * @example
 * ```ts
 * const { modelJson, shards } = toTfjsLayers(model);
 * await writeFile('out/model.json', JSON.stringify(modelJson));
 * for (const [i, path] of modelJson.weightsManifest[0].paths.entries()) await writeFile(`out/${path}`, shards[i]);
 * ```
 */
export interface TfjsLayersModel {
  modelJson: {
    format: 'layers-model';
    generatedBy: string;
    convertedBy: null;
    modelTopology: Record<string, unknown>;
    weightsManifest: Array<{ paths: string[]; weights: TfjsWeightSpec[] }>;
  };
  shards: Uint8Array[];
  weightSpecs: TfjsWeightSpec[];
  weightData: Uint8Array;
}

/**
 * Options of {@link toTfjsLayers}.
 *
 * @example
 * ```ts
 * const opts: TfjsExportOptions = { inputShape: [784], quantize: 'uint8', shardBytes: 4 * 1024 * 1024 };
 * ```
 */
export interface TfjsExportOptions {
  /** Input shape without the batch axis, for a Sequential whose first layer has no `inputShape`. */
  inputShape?: number[];
  /** Quantize float weights with tfjs-converter's schemes (`uint8`/`uint16` affine, `float16`). */
  quantize?: 'uint8' | 'uint16' | 'float16';
  /** Which weights are quantized (default: all float weights, as tfjs-converter). */
  quantizeFilter?: (name: string) => boolean;
  /** Largest shard in bytes (default 4 MiB, tfjs' default). */
  shardBytes?: number;
}

function layerJson(layer: AnyLayer): TfjsLayerJson {
  const { className, config } = layer.getConfig();
  const m = LAYER_MAP[className] as (typeof LAYER_MAP)[string];
  return {
    class_name: m.tfjs,
    config: { name: layer.name, trainable: layer.trainable !== false, dtype: 'float32', ...m.to(config, layer.name) },
  };
}

function checkSupported(layers: AnyLayer[]): void {
  const bad = layers.filter((l) => !(l instanceof InputLayer) && !LAYER_MAP[l.className]);
  if (bad.length)
    throw new ValueError(
      'toTfjsLayers layers',
      `layers tfjs-layers can load (${Object.keys(LAYER_MAP).join(', ')})`,
      `unsupported: ${bad.map((l) => `${l.name} (${l.className})`).join(', ')}`,
    );
}

function sequentialTopology(model: Sequential, options: TfjsExportOptions): Record<string, unknown> {
  checkSupported(model.layers);
  const first = model.layers[0];
  if (!first) throw new ValueError('toTfjsLayers model', 'a Sequential with at least one layer', 'none');
  const declared = (first.getConfig().config.inputShape as number[] | undefined) ?? options.inputShape;
  if (!declared)
    throw new ValueError('toTfjsLayers inputShape', "the input shape (options.inputShape or the first layer's inputShape)", declared);
  const layers = model.layers.map(layerJson);
  (layers[0] as TfjsLayerJson).config.batch_input_shape = [null, ...declared];
  return { class_name: 'Sequential', config: { name: model.name, layers } };
}

function functionalTopology(model: Model): Record<string, unknown> {
  checkSupported(model.layers);
  const nodeIndex = new Map<unknown, number>();
  const seen = new Map<AnyLayer, number>();
  for (const n of model.nodes) {
    const layer = n.layer as AnyLayer;
    const i = seen.get(layer) ?? 0;
    nodeIndex.set(n, i);
    seen.set(layer, i + 1);
  }
  const ref = (t: (typeof model.outputs)[number]) => [t.node.layer.name, nodeIndex.get(t.node) ?? 0, t.node.outputs.indexOf(t)];
  const byLayer = new Map<AnyLayer, TfjsLayerJson>();
  for (const n of model.nodes) {
    const layer = n.layer as AnyLayer;
    let entry = byLayer.get(layer);
    if (!entry) {
      if (layer instanceof InputLayer) {
        entry = {
          class_name: 'InputLayer',
          config: { name: layer.name, batch_input_shape: [null, ...layer.shape], dtype: 'float32', sparse: false },
        };
      } else entry = layerJson(layer);
      entry.name = layer.name;
      entry.inbound_nodes = [];
      byLayer.set(layer, entry);
    }
    if (n.inputs.length) entry.inbound_nodes?.push(n.inputs.map((t) => [...ref(t), {}]));
  }
  return {
    class_name: 'Model',
    config: {
      name: model.name,
      layers: [...byLayer.values()],
      input_layers: model.inputs.map(ref),
      output_layers: model.outputs.map(ref),
    },
  };
}

/**
 * Exports a Tessera Sequential or functional model to tfjs-layers' format (`model.json` + weight
 * shards), loadable with `tf.loadLayersModel` from `@tensorflow/tfjs`. Supported layers: Dense,
 * Conv1D/2D, max/average pooling (1D/2D, global), Flatten, Reshape, Dropout, Activation,
 * BatchNormalization, LayerNormalization, Embedding, Add, Concatenate, with the activations tfjs
 * computes identically; any other layer fails the export with a ValueError naming it. With
 * `quantize`, weights are stored as tfjs-converter does (`quantization: { dtype, scale, min }` in
 * the manifest) and tfjs dequantizes them at load.
 *
 * @example
 * ```ts
 * const { modelJson, weightSpecs, weightData } = toTfjsLayers(model, { inputShape: [784], quantize: 'uint8' });
 * const tfModel = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weightData.buffer }));
 * ```
 */
export function toTfjsLayers(model: Sequential | Model, options: TfjsExportOptions = {}): TfjsLayersModel {
  let topology: Record<string, unknown>;
  if (model instanceof Sequential) topology = sequentialTopology(model, options);
  else if (model instanceof Model) topology = functionalTopology(model);
  else throw new ValueError('toTfjsLayers model', 'a Sequential or functional model', (model as AnyLayer)?.className);
  const variables = { ...model.parameters(), ...model.state() };
  if (!model.built) throw new ValueError('toTfjsLayers model', 'a built model (call it once)', 'an unbuilt model');
  const specs: TfjsWeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const pick = options.quantizeFilter ?? (() => true);
  for (const [name, v] of Object.entries(variables)) {
    const dtype = v.dtype === 'int32' ? 'int32' : 'float32';
    const values = v.dataSync();
    const spec: TfjsWeightSpec = { name, shape: [...v.shape], dtype };
    if (options.quantize && dtype === 'float32' && pick(name)) {
      const q: QuantizedTensor = quantizeValues(values, [...v.shape], options.quantize);
      spec.quantization =
        q.dtype === 'float16' ? { dtype: 'float16' } : { dtype: q.dtype as 'uint8' | 'uint16', scale: q.scale[0] as number, min: q.min };
      chunks.push(new Uint8Array(q.data.buffer, q.data.byteOffset, q.data.byteLength));
    } else {
      const typed = dtype === 'int32' ? Int32Array.from(values as Int32Array) : Float32Array.from(values as Float32Array);
      chunks.push(new Uint8Array(typed.buffer));
    }
    specs.push(spec);
  }
  const total = chunks.reduce((a, c) => a + c.byteLength, 0);
  const weightData = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    weightData.set(c, pos);
    pos += c.byteLength;
  }
  const shardBytes = options.shardBytes ?? 4 * 1024 * 1024;
  if (!Number.isInteger(shardBytes) || shardBytes < 1) throw new ValueError('toTfjsLayers shardBytes', 'a positive integer', shardBytes);
  const shards: Uint8Array[] = [];
  for (let i = 0; i < total || (i === 0 && shards.length === 0); i += shardBytes) shards.push(weightData.slice(i, i + shardBytes));
  const paths = shards.map((_, i) => `group1-shard${i + 1}of${shards.length}.bin`);
  const modelTopology = { ...topology, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' };
  return {
    modelJson: {
      format: 'layers-model',
      generatedBy: 'Tessera',
      convertedBy: null,
      modelTopology,
      weightsManifest: [{ paths, weights: specs }],
    },
    shards,
    weightSpecs: specs,
    weightData,
  };
}
