import type { Tensor } from '@tessera/tensor';
import { type OnnxAttr, type OnnxInitializer, type OnnxNode, OnnxType } from './onnx-proto.js';

/**
 * Collects the nodes and constants of an ONNX graph under unique names.
 *
 * @example
 * ```ts
 * const b = new OnnxBuilder();
 * const [y] = b.op('Relu', ['x'], {}, 'dense/relu');
 * ```
 */
export class OnnxBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();

  /** `base`, or `base_1`, `base_2`, ... : a name not given out before. */
  unique(base: string): string {
    let n = base;
    for (let i = 1; this.used.has(n); i++) n = `${base}_${i}`;
    this.used.add(n);
    return n;
  }

  /** Adds a node; returns its output names (`outputs` of them, named after `name`). */
  op(op: string, inputs: string[], attrs: Record<string, OnnxAttr>, name: string, outputs = 1): string[] {
    const nodeName = this.unique(name);
    const outs = Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? `${nodeName}:0` : `${nodeName}:${i}`));
    this.nodes.push({ op, inputs, outputs: outs, name: nodeName, attrs });
    return outs;
  }

  /** Adds a float32 constant. */
  floats(name: string, dims: number[], values: Float32Array | number[]): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims, type: OnnxType.FLOAT, values: Float32Array.from(values) });
    return n;
  }

  /** Adds an int64 constant (shapes, axes). */
  ints(name: string, values: number[]): string {
    const n = this.unique(name);
    this.initializers.push({ name: n, dims: [values.length], type: OnnxType.INT64, values: BigInt64Array.from(values.map(BigInt)) });
    return n;
  }

  /** Adds a tensor's values as a float32 constant. */
  tensor(name: string, t: Tensor): string {
    return this.floats(name, t.shape, t.dataSync() as Float32Array);
  }
}
