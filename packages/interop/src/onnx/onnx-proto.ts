import { ProtoWriter } from './protobuf-writer.js';

/**
 * ONNX tensor element types used by the exporter (`TensorProto.DataType`).
 *
 * @example
 * ```ts
 * OnnxType.FLOAT; // 1
 * ```
 */
export const OnnxType = { FLOAT: 1, INT32: 6, INT64: 7 } as const;

/**
 * An attribute value of an ONNX node: an int, a float, a string, or a list of ints, floats or
 * strings.
 *
 * @example
 * ```ts
 * const a: OnnxAttr = { ints: [1, 1] };
 * ```
 */
export type OnnxAttr =
  | { int: number }
  | { float: number }
  | { string: string }
  | { ints: number[] }
  | { floats: number[] }
  | { strings: string[] };

/**
 * One ONNX node: operator, input and output names, attributes.
 *
 * @example
 * ```ts
 * const n: OnnxNode = { op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu' };
 * ```
 */
export interface OnnxNode {
  op: string;
  inputs: string[];
  outputs: string[];
  name: string;
  attrs?: Record<string, OnnxAttr>;
}

/**
 * A constant tensor of the graph (an initializer): float32 or int64 values.
 *
 * @example
 * ```ts
 * const w: OnnxInitializer = { name: 'w', dims: [2], type: OnnxType.FLOAT, values: new Float32Array([1, 2]) };
 * ```
 */
export interface OnnxInitializer {
  name: string;
  dims: number[];
  type: (typeof OnnxType)[keyof typeof OnnxType];
  values: Float32Array | BigInt64Array | Int32Array;
}

/**
 * A graph input or output: name, element type and shape (`null` or a string: a symbolic size).
 *
 * @example
 * ```ts
 * const x: OnnxValueInfo = { name: 'x', type: OnnxType.FLOAT, shape: ['batch', 784] };
 * ```
 */
export interface OnnxValueInfo {
  name: string;
  type: number;
  shape: Array<number | string>;
}

/**
 * A whole ONNX model before encoding.
 *
 * @example
 * ```ts
 * const bytes = encodeOnnxModel({ name: 'g', nodes: [], initializers: [], inputs: [], outputs: [], opset: 17 });
 * ```
 */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  initializers: OnnxInitializer[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  opset: number;
  producerVersion?: string;
}

function attribute(name: string, a: OnnxAttr): ProtoWriter {
  // AttributeProto: name=1, f=2, i=3, s=4, floats=7, ints=8, strings=9, type=20
  const w = new ProtoWriter().string(1, name);
  if ('float' in a) w.float(2, a.float).varint(20, 1);
  else if ('int' in a) w.varint(3, a.int).varint(20, 2);
  else if ('string' in a) w.string(4, a.string).varint(20, 3);
  else if ('floats' in a) w.packedFloats(7, a.floats).varint(20, 6);
  else if ('strings' in a) {
    for (const x of a.strings) w.string(9, x);
    w.varint(20, 8);
  } else w.packedVarints(8, a.ints).varint(20, 7);
  return w;
}

function node(n: OnnxNode): ProtoWriter {
  // NodeProto: input=1, output=2, name=3, op_type=4, attribute=5
  const w = new ProtoWriter();
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.op);
  for (const [k, v] of Object.entries(n.attrs ?? {})) w.message(5, attribute(k, v));
  return w;
}

function initializer(t: OnnxInitializer): ProtoWriter {
  // TensorProto: dims=1, data_type=2, name=8, raw_data=9 (little-endian)
  const raw = new Uint8Array(t.values.buffer, t.values.byteOffset, t.values.byteLength).slice();
  return new ProtoWriter().packedVarints(1, t.dims).varint(2, t.type).string(8, t.name).bytes(9, raw);
}

function valueInfo(v: OnnxValueInfo): ProtoWriter {
  // ValueInfoProto: name=1, type=2; TypeProto.tensor_type=1; Tensor: elem_type=1, shape=2;
  // TensorShapeProto.dim=1; Dimension: dim_value=1, dim_param=2
  const shape = new ProtoWriter();
  for (const d of v.shape) shape.message(1, typeof d === 'number' ? new ProtoWriter().varint(1, d) : new ProtoWriter().string(2, d));
  const tensorType = new ProtoWriter().varint(1, v.type).message(2, shape);
  return new ProtoWriter().string(1, v.name).message(2, new ProtoWriter().message(1, tensorType));
}

/**
 * Encodes a graph as an ONNX `ModelProto` (IR version 8, the default opset domain).
 *
 * @example
 * ```ts
 * const bytes = encodeOnnxModel({ name: 'relu', opset: 17, initializers: [],
 *   nodes: [{ op: 'Relu', inputs: ['x'], outputs: ['y'], name: 'relu' }],
 *   inputs: [{ name: 'x', type: OnnxType.FLOAT, shape: ['batch', 4] }],
 *   outputs: [{ name: 'y', type: OnnxType.FLOAT, shape: ['batch', 4] }] });
 * ```
 */
export function encodeOnnxModel(g: OnnxGraph): Uint8Array {
  // GraphProto: node=1, name=2, initializer=5, input=11, output=12
  const graph = new ProtoWriter();
  for (const n of g.nodes) graph.message(1, node(n));
  graph.string(2, g.name);
  for (const t of g.initializers) graph.message(5, initializer(t));
  for (const v of g.inputs) graph.message(11, valueInfo(v));
  for (const v of g.outputs) graph.message(12, valueInfo(v));
  // ModelProto: ir_version=1, producer_name=2, producer_version=3, graph=7, opset_import=8
  return new ProtoWriter()
    .varint(1, 8)
    .string(2, 'tessera')
    .string(3, g.producerVersion ?? '0.1.0')
    .message(7, graph)
    .message(8, new ProtoWriter().string(1, '').varint(2, g.opset))
    .finish();
}
