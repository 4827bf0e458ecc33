import { ShapeError, ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { addN, concat } from '@tessera/tensor';
import type { SymbolicTensor } from '../graph/symbolic.js';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';

function asList(x: Shape | Shape[], name: string): Shape[] {
  if (!Array.isArray(x[0])) throw new ValueError(`${name} input`, 'a list of at least two tensors', x);
  const list = x as Shape[];
  if (list.length < 2) throw new ValueError(`${name} input`, 'a list of at least two tensors', `${list.length} tensor(s)`);
  return list;
}

/**
 * Element-wise sum of a list of same-shaped tensors (residual connections).
 *
 * @example
 * ```ts
 * const y = new Add().call([x, h]);
 * ```
 */
export class Add extends Layer {
  static readonly className = 'Add';
  readonly className = 'Add';
  supportsMasking = true;
  constructor(opts: LayerOptions = {}) {
    super(opts);
  }
  protected buildWeights(s: Shape | Shape[]): void {
    const list = asList(s, this.name);
    const first = list[0] as Shape;
    this.inputSpec = list.map(() => first.map((d, i) => (i === 0 ? null : d)));
  }
  checkInput(s: Shape | Shape[]): void {
    const list = asList(s, this.name);
    const first = list[0] as Shape;
    list.forEach((sh, i) => {
      if (sh.length !== first.length || sh.some((d, j) => d !== null && first[j] !== null && d !== first[j])) {
        throw new ShapeError(`${this.name} input ${i}`, first, sh as number[], 'every input of Add must have the same shape');
      }
    });
  }
  protected forward(x: Tensor | Tensor[]): Tensor {
    return addN(x as Tensor[]);
  }
  computeOutputShape(s: Shape | Shape[]): Shape {
    return [...(asList(s, this.name)[0] as Shape)];
  }
}

/**
 * Concatenates a list of tensors along `axis` (default last).
 *
 * @example
 * ```ts
 * const y = new Concatenate({ axis: -1 }).call([a, b]);
 * ```
 */
export class Concatenate extends Layer {
  static readonly className = 'Concatenate';
  readonly className = 'Concatenate';
  readonly axis: number;
  constructor(opts: LayerOptions & { axis?: number } = {}) {
    super(opts);
    this.axis = opts.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ValueError(`${this.name} axis`, 'an integer', opts.axis);
  }
  private ax(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a <= 0 || a >= rank) throw new ValueError(`${this.name} axis`, `a non-batch axis of a rank-${rank} input`, this.axis);
    return a;
  }
  checkInput(s: Shape | Shape[]): void {
    const list = asList(s, this.name);
    const first = list[0] as Shape;
    const a = this.ax(first.length);
    list.forEach((sh, i) => {
      if (sh.length !== first.length || sh.some((d, j) => j !== a && j !== 0 && d !== null && first[j] !== null && d !== first[j])) {
        const expected = first.map((d, j) => (j === a || j === 0 ? null : d));
        throw new ShapeError(`${this.name} input ${i}`, expected, sh as number[], `inputs must match except on axis ${this.axis}`);
      }
    });
  }
  protected forward(x: Tensor | Tensor[]): Tensor {
    const list = x as Tensor[];
    return concat(list, this.ax((list[0] as Tensor).rank));
  }
  computeOutputShape(s: Shape | Shape[]): Shape {
    const list = asList(s, this.name);
    const first = list[0] as Shape;
    const a = this.ax(first.length);
    const out = [...first];
    out[a] = list.some((sh) => sh[a] == null) ? null : list.reduce((acc, sh) => acc + (sh[a] as number), 0);
    return out;
  }
  protected layerConfig(): Record<string, unknown> {
    return { axis: this.axis };
  }
}

/**
 * Adds a list of symbolic tensors (builds an {@link Add} node).
 *
 * @example
 * ```ts
 * const y = add([x, dense(64).call(x)]);
 * ```
 */
export function addLayer(inputs: SymbolicTensor[], opts: LayerOptions = {}): SymbolicTensor {
  return new Add(opts).call(inputs);
}

/**
 * Concatenates a list of symbolic tensors (builds a {@link Concatenate} node).
 *
 * @example
 * ```ts
 * const y = concatenate([a, b], { axis: -1 });
 * ```
 */
export function concatenateLayer(inputs: SymbolicTensor[], opts: LayerOptions & { axis?: number } = {}): SymbolicTensor {
  return new Concatenate(opts).call(inputs);
}
