import type { Shape } from '../shape.js';

/**
 * What the graph needs to know about a layer (avoids an import cycle with `Layer`).
 *
 * @example
 * ```ts
 * const l: NodeLayer = dense(2);
 * ```
 */
export interface NodeLayer {
  readonly name: string;
  readonly className: string;
}

/**
 * One application of a layer to symbolic inputs.
 *
 * @example
 * ```ts
 * const node = dense(2).call(input({ shape: [3] })).node; node.layer.name;
 * ```
 */
export interface GraphNode {
  readonly layer: NodeLayer;
  readonly inputs: SymbolicTensor[];
  /** True when the layer was called on a list (e.g. `add([a, b])`), false for one tensor. */
  readonly multi: boolean;
  readonly outputs: SymbolicTensor[];
}

/**
 * A placeholder for a tensor in a functional model: it has a shape (batch dimension `null`) and
 * remembers which layer call produced it.
 *
 * @example
 * ```ts
 * const x = input({ shape: [784] }); // SymbolicTensor with shape [null, 784]
 * const h = dense(64).call(x);
 * ```
 */
export class SymbolicTensor {
  constructor(
    readonly shape: Shape,
    readonly node: GraphNode,
    readonly index: number,
  ) {}

  /** Rank of the tensor. */
  get rank(): number {
    return this.shape.length;
  }
}

/**
 * True for symbolic tensors and non-empty lists of them.
 *
 * @example
 * ```ts
 * isSymbolic(input({ shape: [3] })); // true
 * ```
 */
export function isSymbolic(x: unknown): x is SymbolicTensor | SymbolicTensor[] {
  if (x instanceof SymbolicTensor) return true;
  return Array.isArray(x) && x.length > 0 && x.every((t) => t instanceof SymbolicTensor);
}

/**
 * Records a layer call on symbolic inputs and returns its symbolic outputs.
 *
 * @example
 * ```ts
 * const out = makeNode(layer, [x], false, [[null, 10]]);
 * ```
 */
export function makeNode(layer: NodeLayer, inputs: SymbolicTensor[], multi: boolean, outShapes: Shape[]): SymbolicTensor[] {
  const outputs: SymbolicTensor[] = [];
  const node: GraphNode = { layer, inputs, multi, outputs };
  outShapes.forEach((s, i) => {
    outputs.push(new SymbolicTensor(s, node, i));
  });
  return outputs;
}
