import { FormatError, ValueError } from '@tessera/core';
import { type AnyLayer, input, layerFromConfig, Model, Sequential, type SymbolicTensor } from '@tessera/layers';
import { tensor, tidy } from '@tessera/tensor';
import { fromFloat16Bits } from '../quantize/float16.js';
import type { TfjsWeightSpec } from './export.js';
import { checkAxis, FROM_TFJS, LAYER_MAP, type TfjsLayerJson } from './layer-map.js';

/**
 * What {@link fromTfjsLayers} reads: the content of a tfjs-layers `model.json` (`modelTopology` +
 * `weightsManifest`), or tfjs `ModelArtifacts` (`modelTopology` + `weightSpecs`, e.g. from
 * `model.save(tf.io.withSaveHandler(...))`).
 *
 * @example
 * ```ts
 * const json: TfjsModelJson = JSON.parse(await readFile('model.json', 'utf8'));
 * ```
 */
export interface TfjsModelJson {
  modelTopology: Record<string, unknown>;
  weightsManifest?: Array<{ paths: string[]; weights: TfjsWeightSpec[] }>;
  weightSpecs?: TfjsWeightSpec[];
}

const fmt = 'tfjs-layers';

function toLayer(l: TfjsLayerJson): AnyLayer {
  const name = String(l.config?.name ?? l.name);
  const tessera = FROM_TFJS[l.class_name];
  if (!tessera)
    throw new ValueError(
      `fromTfjsLayers layer "${name}"`,
      `a layer class Tessera maps (${Object.keys(FROM_TFJS).join(', ')})`,
      l.class_name,
    );
  const m = LAYER_MAP[tessera] as (typeof LAYER_MAP)[string];
  const config: Record<string, unknown> = { name, ...m.from(l.config, name) };
  if (l.config.trainable === false) config.trainable = false;
  return layerFromConfig({ className: tessera, config });
}

function batchShape(c: Record<string, unknown>): number[] | undefined {
  const s = (c.batch_input_shape ?? c.batch_shape) as Array<number | null> | undefined;
  return s ? (s.slice(1) as number[]) : undefined;
}

function sequentialFrom(config: unknown): Sequential {
  const c = config as { name?: string; layers?: TfjsLayerJson[] } | TfjsLayerJson[];
  const list = Array.isArray(c) ? c : (c.layers ?? []);
  let shape: number[] | undefined;
  const layers: AnyLayer[] = [];
  let current: Array<number | null> | undefined;
  for (const l of list) {
    shape ??= batchShape(l.config);
    current ??= shape && [null, ...shape];
    if (l.class_name === 'InputLayer') continue;
    const layer = toLayer(l);
    if (current) {
      checkAxis(l, current.length);
      current = layer.computeOutputShape(current as number[]) as Array<number | null>;
    }
    layers.push(layer);
  }
  if (!shape) throw new FormatError(fmt, 'the Sequential has no batch_input_shape: Tessera cannot build it');
  const model = new Sequential(layers, Array.isArray(c) || !c.name ? {} : { name: c.name });
  model.build([1, ...shape]);
  return model;
}

type Ref = [string, number, number, ...unknown[]];

function functionalFrom(config: unknown): Model {
  const c = config as { name?: string; layers: TfjsLayerJson[]; input_layers: Ref[]; output_layers: Ref[] };
  const tensors = new Map<string, SymbolicTensor[]>(); // `${layer}:${node}` → outputs
  const pending = [...c.layers];
  const layers = new Map<string, AnyLayer>();
  const key = (r: Ref) => `${r[0]}:${r[1]}`;
  const get = (r: Ref) => {
    const out = tensors.get(key(r))?.[r[2]];
    if (!out) throw new FormatError(fmt, `inbound tensor ${JSON.stringify(r.slice(0, 3))} is not produced before it is used`);
    return out;
  };
  // inbound_nodes refer to layers in any order: repeat passes until every call is made
  let progress = true;
  while (pending.length && progress) {
    progress = false;
    for (let i = 0; i < pending.length; i++) {
      const l = pending[i] as TfjsLayerJson;
      const name = String(l.name ?? l.config.name);
      if (l.class_name === 'InputLayer') {
        tensors.set(`${name}:0`, [input({ shape: batchShape(l.config) as number[], name })]);
      } else {
        const nodes = (l.inbound_nodes ?? []) as Ref[][];
        const ready = nodes.every((call) => call.every((r) => tensors.has(key(r))));
        if (!ready) continue;
        const layer = layers.get(name) ?? toLayer(l);
        layers.set(name, layer);
        nodes.forEach((call, n) => {
          const args = call.map(get);
          checkAxis(l, (args[0] as SymbolicTensor).shape.length);
          const out =
            args.length === 1 && !['Add', 'Concatenate'].includes(l.class_name) ? layer.call(args[0] as SymbolicTensor) : layer.call(args);
          tensors.set(`${name}:${n}`, Array.isArray(out) ? out : [out]);
        });
      }
      pending.splice(i--, 1);
      progress = true;
    }
  }
  if (pending.length)
    throw new FormatError(fmt, `layers whose inputs never appear: ${pending.map((l) => l.name ?? l.config.name).join(', ')}`);
  const inputs = c.input_layers.map(get);
  const outputs = c.output_layers.map(get);
  return new Model({
    inputs: inputs.length === 1 ? (inputs[0] as SymbolicTensor) : inputs,
    outputs: outputs.length === 1 ? (outputs[0] as SymbolicTensor) : outputs,
    ...(c.name ? { name: c.name } : {}),
  });
}

function bytesOf(spec: TfjsWeightSpec): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const q = spec.quantization?.dtype;
  return n * (q === 'uint8' ? 1 : q === 'uint16' || q === 'float16' ? 2 : 4);
}

function decode(spec: TfjsWeightSpec, bytes: Uint8Array): Float32Array | Int32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  if (!q) {
    if (spec.dtype === 'int32') return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    if (spec.dtype !== 'float32') throw new FormatError(fmt, `weight "${spec.name}": dtype ${spec.dtype} is not supported`);
    return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
  }
  if (q.dtype === 'float16') return Float32Array.from({ length: n }, (_, i) => fromFloat16Bits(view.getUint16(i * 2, true)));
  const scale = q.scale as number;
  const min = q.min as number;
  const read = q.dtype === 'uint8' ? (i: number) => view.getUint8(i) : (i: number) => view.getUint16(i * 2, true);
  const out = Float32Array.from({ length: n }, (_, i) => read(i) * scale + min);
  return spec.dtype === 'int32' ? Int32Array.from(out, Math.round) : out;
}

function concat(data: ArrayBuffer | Uint8Array | Uint8Array[]): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((a, c) => a + c.byteLength, 0));
  let pos = 0;
  for (const c of data) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

/**
 * Imports a model saved by tfjs-layers (`model.json` + its weight shards, or `ModelArtifacts`):
 * rebuilds it as a Tessera Sequential or functional model of the layers in {@link toTfjsLayers}'s
 * list (channels-last), and loads its weights, decoding tfjs-converter's quantized weights
 * (`uint8`/`uint16` affine, `float16`). `weightData` is the shards' bytes in manifest order (one
 * buffer or the list). An unknown layer class or weight is a ValueError naming it.
 *
 * @example
 * ```ts
 * const json = JSON.parse(await readFile('model.json', 'utf8'));
 * const shards = await Promise.all(json.weightsManifest[0].paths.map((p) => readFile(p)));
 * const model = fromTfjsLayers(json, shards);
 * model.call(x);
 * ```
 */
export function fromTfjsLayers(json: TfjsModelJson, weightData: ArrayBuffer | Uint8Array | Uint8Array[]): Sequential | Model {
  let topo = json?.modelTopology as Record<string, unknown> | undefined;
  if (!topo || typeof topo !== 'object') throw new FormatError(fmt, 'modelTopology is missing');
  if (topo.model_config) topo = topo.model_config as Record<string, unknown>;
  const cls = topo.class_name;
  let model: Sequential | Model;
  if (cls === 'Sequential') model = sequentialFrom(topo.config);
  else if (cls === 'Model' || cls === 'Functional') model = functionalFrom(topo.config);
  else throw new ValueError('fromTfjsLayers modelTopology class_name', "'Sequential', 'Model' or 'Functional'", cls);
  const specs = json.weightSpecs ?? (json.weightsManifest ?? []).flatMap((g) => g.weights);
  const bytes = concat(weightData);
  const variables = { ...model.parameters(), ...model.state() };
  const used = new Set<string>();
  let pos = 0;
  try {
    for (const spec of specs) {
      const size = bytesOf(spec);
      if (pos + size > bytes.byteLength)
        throw new FormatError(
          fmt,
          `weight data is truncated: "${spec.name}" needs bytes ${pos}..${pos + size}, there are ${bytes.byteLength}`,
        );
      const v = variables[spec.name];
      if (!v)
        throw new ValueError(
          `fromTfjsLayers weight "${spec.name}"`,
          `a weight of the model (${Object.keys(variables).join(', ')})`,
          spec.name,
        );
      if (v.shape.join() !== spec.shape.join())
        throw new ValueError(`fromTfjsLayers weight "${spec.name}" shape`, `[${v.shape}]`, `[${spec.shape}]`);
      const values = decode(spec, bytes.subarray(pos, pos + size));
      tidy(() => v.assign(tensor(values, v.shape, v.dtype)));
      used.add(spec.name);
      pos += size;
    }
    const missing = Object.keys(variables).filter((n) => !used.has(n));
    if (missing.length) throw new FormatError(fmt, `weights missing from the manifest: ${missing.join(', ')}`);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return model;
}
