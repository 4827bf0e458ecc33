import type { Module } from '@tessera/core';
import { FormatError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { decodeSafetensors, tensor } from '@tessera/tensor';
import { dequantizeValues, type QuantizationDtype, type QuantizedTensor, quantizeValues } from './schemes.js';

/**
 * Options of {@link quantizeWeights} and {@link encodeQuantizedWeights}.
 *
 * @example
 * ```ts
 * const opts: QuantizeWeightsOptions = { dtype: 'int8', filter: (name) => !name.startsWith('head/') };
 * ```
 */
export interface QuantizeWeightsOptions {
  /** The storage type ({@link QuantizationDtype}). */
  dtype: QuantizationDtype;
  /**
   * Which weights are quantized. Default: for `int8`, every float weight of rank >= 2 (kernels,
   * embeddings: per output channel, as TFLite; biases and normalization vectors stay float32); for
   * the tfjs schemes (`uint8`, `uint16`, `float16`), every float weight, as tfjs-converter does.
   */
  filter?: (name: string, weight: Tensor) => boolean;
}

const TAG: Record<QuantizationDtype, string> = { int8: 'I8', uint8: 'U8', uint16: 'U16', float16: 'F16' };
const META_KEY = 'tessera.quantization';

function weightsOf(source: Module | Record<string, Tensor>): Record<string, Tensor> {
  const m = source as Module;
  if (typeof m.parameters === 'function') return { ...m.parameters(), ...m.state() };
  return source as Record<string, Tensor>;
}

function selected(options: QuantizeWeightsOptions): (name: string, w: Tensor) => boolean {
  if (options.filter) return options.filter;
  if (options.dtype === 'int8') return (_n, w) => w.dtype === 'float32' && w.rank >= 2;
  return (_n, w) => w.dtype === 'float32';
}

/**
 * Quantizes the weights of a model (parameters and state) or of named tensors: selected weights
 * become {@link QuantizedTensor}s, the others stay as they are (float32 values). Reads every weight.
 *
 * @example
 * ```ts
 * const q = quantizeWeights(model, { dtype: 'int8' });
 * q['dense/kernel']; // { dtype: 'int8', data: Int8Array, scale: [...per output channel] }
 * ```
 */
export function quantizeWeights(
  source: Module | Record<string, Tensor>,
  options: QuantizeWeightsOptions,
): Record<string, QuantizedTensor | Float32Array | Int32Array> {
  const pick = selected(options);
  const out: Record<string, QuantizedTensor | Float32Array | Int32Array> = {};
  for (const [name, w] of Object.entries(weightsOf(source))) {
    const values = w.dataSync();
    if (pick(name, w)) {
      if (w.dtype !== 'float32') throw new ValueError(`quantizeWeights weight "${name}"`, 'a float32 weight', w.dtype);
      out[name] = quantizeValues(values, [...w.shape], options.dtype);
    } else out[name] = w.dtype === 'int32' ? Int32Array.from(values as Int32Array) : Float32Array.from(values as Float32Array);
  }
  return out;
}

interface QuantMeta {
  dtype: QuantizationDtype;
  /** uint8/uint16: the scale and minimum (int8: the scales are the tensor `<name>:scale`). */
  scale?: number;
  min?: number;
}

const SCALE_SUFFIX = ':scale';

/**
 * Serializes a model's weights to a compact safetensors file: quantized weights are stored with
 * their own dtype (`I8`, `U8`, `U16`, `F16`), the rest as `F32`/`I32`; int8 per-channel scales are
 * float32 tensors `<name>:scale`, and the file's `__metadata__` (`tessera.quantization`, JSON) says
 * which weight is quantized how (with the scale and minimum of uint8/uint16). Any safetensors reader opens it;
 * {@link decodeQuantizedWeights} dequantizes.
 *
 * @example
 * ```ts
 * const bytes = encodeQuantizedWeights(model, { dtype: 'int8' });
 * await writeFile('model.int8.safetensors', bytes); // ~4x smaller than float32
 * ```
 */
export function encodeQuantizedWeights(source: Module | Record<string, Tensor>, options: QuantizeWeightsOptions): Uint8Array {
  const q = quantizeWeights(source, options);
  const shapes: Record<string, number[]> = {};
  for (const [n, w] of Object.entries(weightsOf(source))) shapes[n] = [...w.shape];
  const header: Record<string, unknown> = {};
  const meta: Record<string, QuantMeta> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const entries: Array<[string, string, number[], Uint8Array]> = [];
  for (const name of Object.keys(q).sort()) {
    const v = q[name] as QuantizedTensor | Float32Array | Int32Array;
    if (v instanceof Float32Array || v instanceof Int32Array) {
      entries.push([name, v instanceof Float32Array ? 'F32' : 'I32', shapes[name] as number[], littleEndian(v, 4)]);
      continue;
    }
    entries.push([name, TAG[v.dtype], shapes[name] as number[], littleEndian(v.data, v.data.BYTES_PER_ELEMENT)]);
    if (v.dtype === 'int8') {
      // per-channel scales as a float32 tensor next to the weight (compact, readable by any safetensors reader)
      entries.push([`${name}${SCALE_SUFFIX}`, 'F32', [v.scale.length], littleEndian(Float32Array.from(v.scale), 4)]);
      meta[name] = { dtype: v.dtype };
    } else meta[name] = { dtype: v.dtype, scale: v.scale[0], min: v.min };
  }
  entries.sort((a, b) => (a[0] < b[0] ? -1 : 1));
  for (const [name, tag, shape, bytes] of entries) {
    header[name] = { dtype: tag, shape, data_offsets: [offset, offset + bytes.byteLength] };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  header.__metadata__ = { format: 'pt', [META_KEY]: JSON.stringify(meta) };
  let json = JSON.stringify(header);
  while ((8 + new TextEncoder().encode(json).byteLength) % 8 !== 0) json += ' ';
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.byteLength + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.byteLength), true);
  out.set(head, 8);
  let pos = 8 + head.byteLength;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}

const bigEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 0;

function littleEndian(a: ArrayBufferView & { length: number }, width: number): Uint8Array {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
  if (bigEndianHost && width > 1) {
    for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
  }
  return bytes;
}

/**
 * Reads a file written by {@link encodeQuantizedWeights} (or any safetensors file) and returns
 * float32 tensors: quantized weights dequantized with the scales of the file's metadata. The
 * caller owns the tensors.
 *
 * @example
 * ```ts
 * const weights = decodeQuantizedWeights(await readFile('model.int8.safetensors'));
 * weights['dense/kernel'].shape; // [784, 10]
 * ```
 */
export function decodeQuantizedWeights(bytes: Uint8Array): Record<string, Tensor> {
  const { tensors, metadata } = decodeSafetensors(bytes);
  let meta: Record<string, QuantMeta> = {};
  try {
    meta = metadata[META_KEY] ? JSON.parse(metadata[META_KEY]) : {};
  } catch (cause) {
    for (const t of Object.values(tensors)) t.dispose();
    throw new FormatError('safetensors', `__metadata__ "${META_KEY}" is not JSON`, { cause });
  }
  const out: Record<string, Tensor> = {};
  const scales = new Set(
    Object.keys(meta)
      .filter((n) => meta[n]?.dtype === 'int8')
      .map((n) => `${n}${SCALE_SUFFIX}`),
  );
  for (const [name, t] of Object.entries(tensors)) {
    const m = meta[name];
    if (scales.has(name)) continue;
    if (!m || m.dtype === 'float16') {
      out[name] = t; // F16 is widened to float32 by the reader
      continue;
    }
    const scale = m.dtype === 'int8' ? Array.from(tensors[`${name}${SCALE_SUFFIX}`]?.dataSync() ?? []) : [m.scale as number];
    if (m.dtype === 'int8' && scale.length !== t.shape[t.rank - 1]) {
      for (const u of Object.values(tensors)) u.dispose();
      throw new FormatError('safetensors', `"${name}" is int8 but "${name}${SCALE_SUFFIX}" does not hold one scale per output channel`);
    }
    const q: QuantizedTensor = { dtype: m.dtype, shape: [...t.shape], data: t.dataSync() as unknown as Int8Array, scale, min: m.min ?? 0 };
    out[name] = tensor(dequantizeValues(q), t.shape, 'float32');
    t.dispose();
  }
  for (const n of scales) tensors[n]?.dispose();
  return out;
}

/**
 * Loads a file written by {@link encodeQuantizedWeights} into a built model: every variable of the
 * model (parameters and state) is assigned its dequantized value. A weight missing from the file
 * or from the model, or of another shape, is a ValueError naming it.
 *
 * @example
 * ```ts
 * const model = buildModel(); model.call(zeros([1, 28, 28, 1])); // built
 * loadQuantizedWeights(model, await readFile('model.int8.safetensors'));
 * ```
 */
export function loadQuantizedWeights(model: Module, bytes: Uint8Array): void {
  const weights = decodeQuantizedWeights(bytes);
  try {
    const variables = { ...model.parameters(), ...model.state() };
    const extra = Object.keys(weights).filter((n) => !(n in variables));
    if (extra.length)
      throw new ValueError(
        `loadQuantizedWeights weights of "${model.name}"`,
        `names among the model's (${Object.keys(variables).join(', ') || 'none: build the model first'})`,
        extra,
      );
    for (const [name, v] of Object.entries(variables)) {
      const t = weights[name];
      if (!t) throw new ValueError(`loadQuantizedWeights weight "${name}"`, 'a tensor of that name in the file', Object.keys(weights));
      if (t.shape.join() !== v.shape.join())
        throw new ValueError(`loadQuantizedWeights weight "${name}" shape`, `[${v.shape}]`, `[${t.shape}]`);
      v.assign(t);
    }
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}
