import { ValueError } from '@tessera/core';
import type { GraphNode, Layer, SymbolicTensor } from '@tessera/layers';
import { InputLayer, Model, Sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { onnxLayerEmitters } from './layer-emitters.js';
import { OnnxBuilder } from './onnx-builder.js';
import { encodeOnnxModel, OnnxType, type OnnxValueInfo } from './onnx-proto.js';

type AnyLayer = Layer<Tensor | Tensor[]>;
type Shape = Array<number | null>;

/**
 * Options of {@link exportOnnx}.
 *
 * @example
 * ```ts
 * exportOnnx(m, { inputNames: ['image'], outputNames: ['logits'], inputDtypes: ['float32'] });
 * ```
 */
export interface OnnxExportOptions {
  /** Graph input names (default: the input layers' names, `input` for a Sequential model). */
  inputNames?: string[];
  /** Graph output names (default: `output`, `output_1`, ...). */
  outputNames?: string[];
  /** Element type per input (default: int32 for inputs that feed an Embedding, else float32). */
  inputDtypes?: Array<'float32' | 'int32'>;
  /** Name of the symbolic batch dimension (default `batch`). */
  batchName?: string;
}

/** Emits a layer call: models are walked, other layers go through their emitter. */
function emitCall(b: OnnxBuilder, layer: AnyLayer, inputs: string[]): string[] {
  if (layer instanceof Sequential) {
    let h = inputs;
    for (const l of layer.layers) h = emitCall(b, l, h);
    return h;
  }
  if (layer instanceof Model) return emitGraph(b, layer, inputs);
  if (layer instanceof InputLayer) return inputs;
  const emit = Object.hasOwn(onnxLayerEmitters, layer.className) ? onnxLayerEmitters[layer.className] : undefined;
  if (!emit) {
    throw new ValueError(
      `ONNX export of layer ${layer.name}`,
      `a layer class with an ONNX form (${Object.keys(onnxLayerEmitters).join(', ')}, Sequential, Functional)`,
      `unsupported layer class ${layer.className}`,
    );
  }
  return emit(b, layer, inputs);
}

/** Emits a functional model's nodes in order, its inputs bound to `inputs`. */
function emitGraph(b: OnnxBuilder, m: Model, inputs: string[]): string[] {
  const names = new Map<SymbolicTensor, string>();
  m.inputs.forEach((t, i) => {
    names.set(t, inputs[i] as string);
  });
  const nodes: GraphNode[] = m.nodes;
  for (const n of nodes) {
    if (n.layer instanceof InputLayer) continue;
    const ins = n.inputs.map((t) => {
      const s = names.get(t);
      if (s === undefined) throw new ValueError(`ONNX export of ${m.name}`, 'a graph whose nodes come in execution order', n.layer.name);
      return s;
    });
    const outs = emitCall(b, n.layer as AnyLayer, ins);
    n.outputs.forEach((t, i) => {
      names.set(t, outs[i] as string);
    });
  }
  return m.outputs.map((t) => names.get(t) as string);
}

/** Whether the first layer reached from a model input is an Embedding (its ids are int32). */
function feedsEmbedding(m: AnyLayer, inputIndex: number): boolean {
  if (m instanceof Sequential) {
    const first = m.layers[0];
    return first !== undefined && (first.className === 'Embedding' || feedsEmbedding(first, 0));
  }
  if (m instanceof Model) {
    const t = m.inputs[inputIndex];
    return m.nodes.some(
      (n) =>
        t !== undefined &&
        n.inputs.includes(t) &&
        (n.layer.className === 'Embedding' || feedsEmbedding(n.layer as AnyLayer, n.inputs.indexOf(t))),
    );
  }
  return false;
}

const dims = (s: Shape, batch: string): Array<number | string> => s.map((d, i) => (d ?? (i === 0 ? batch : `d${i}`)) as number | string);

/**
 * Exports a built Sequential or functional model (nested models included) as an ONNX model
 * (opset 17, IR version 8) for inference: dropout becomes Identity, batch normalization uses its
 * moving statistics. Layers: Dense, Conv1D/2D, Max/AvgPool1D/2D, Global pooling, BatchNormalization,
 * LayerNormalization, Dropout, Flatten, Reshape, Activation, Add, Concatenate, Embedding (ids as
 * int32 inputs) and MultiHeadAttention (no causal mask, no rotary); activations relu, gelu, silu,
 * tanh, sigmoid, softmax, elu, leakyRelu, linear. Images stay channels-last at the graph's edges.
 * Any other layer class fails with a ValueError naming it.
 *
 * @example
 * ```ts
 * const m = sequential([dense(16, { activation: 'relu' }), dense(3)], { inputShape: [8] });
 * const bytes = exportOnnx(m); // run it with onnxruntime
 * ```
 */
export function exportOnnx(model: AnyLayer, options: OnnxExportOptions = {}): Uint8Array {
  if (!(model instanceof Sequential) && !(model instanceof Model)) {
    throw new ValueError('exportOnnx model', 'a Sequential or functional Model', model?.className ?? model);
  }
  if (!model.built || !model.builtInputShape)
    throw new ValueError('exportOnnx model', 'a built model (call it once, or give inputShape)', 'not built');
  const batch = options.batchName ?? 'batch';
  const inShapes = (model instanceof Model ? model.inputs.map((t) => t.shape) : [model.builtInputShape]) as Shape[];
  const outShapes = (
    model instanceof Model ? model.outputs.map((t) => t.shape) : [model.computeOutputShape(model.builtInputShape as Shape)]
  ) as Shape[];
  const defaultIn = model instanceof Model ? model.inputNames : ['input'];
  const inNames = options.inputNames ?? defaultIn;
  const outNames = options.outputNames ?? outShapes.map((_, i) => (i === 0 ? 'output' : `output_${i}`));
  if (inNames.length !== inShapes.length) throw new ValueError('exportOnnx inputNames', `${inShapes.length} name(s)`, inNames);
  if (outNames.length !== outShapes.length) throw new ValueError('exportOnnx outputNames', `${outShapes.length} name(s)`, outNames);
  const b = new OnnxBuilder();
  for (const n of [...inNames, ...outNames]) b.unique(n);
  const outs = emitCall(b, model, inNames);
  outs.forEach((o, i) => {
    b.nodes.push({ op: 'Identity', inputs: [o], outputs: [outNames[i] as string], name: b.unique(`${outNames[i]}_identity`) });
  });
  const inputs: OnnxValueInfo[] = inNames.map((name, i) => {
    const dtype = options.inputDtypes?.[i] ?? (feedsEmbedding(model, i) ? 'int32' : 'float32');
    return { name, type: dtype === 'int32' ? OnnxType.INT32 : OnnxType.FLOAT, shape: dims(inShapes[i] as Shape, batch) };
  });
  const outputs: OnnxValueInfo[] = outNames.map((name, i) => ({ name, type: OnnxType.FLOAT, shape: dims(outShapes[i] as Shape, batch) }));
  return encodeOnnxModel({ name: model.name, nodes: b.nodes, initializers: b.initializers, inputs, outputs, opset: 17 });
}
