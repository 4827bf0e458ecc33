import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { makeNode, type SymbolicTensor } from './symbolic.js';

/**
 * Options of {@link input}.
 *
 * @example
 * ```ts
 * input({ shape: [28, 28, 1], name: 'image' });
 * ```
 */
export interface InputOptions {
  /** Shape of one sample (without the batch dimension). */
  shape: Array<number | null>;
  name?: string;
}

/**
 * The source of a functional graph: holds one symbolic tensor `[null, ...shape]`.
 *
 * @example
 * ```ts
 * const x = new InputLayer({ shape: [784] }).output;
 * ```
 */
export class InputLayer extends Layer {
  static readonly className = 'InputLayer';
  readonly className = 'InputLayer';
  readonly shape: Shape;
  readonly output: SymbolicTensor;
  constructor(opts: InputOptions & LayerOptions) {
    super({ name: opts.name }, 'input');
    if (!Array.isArray(opts.shape) || opts.shape.some((d) => d !== null && (!Number.isInteger(d) || d <= 0))) {
      throw new ValueError(`${this.name} shape`, 'an array of positive integers (or null)', opts.shape);
    }
    this.shape = [...opts.shape];
    this.inputSpec = [null, ...this.shape];
    this.built = true;
    this.output = makeNode(this, [], false, [[null, ...this.shape]])[0] as SymbolicTensor;
  }
  protected forward(x: Tensor): Tensor {
    return x;
  }
  computeOutputShape(): Shape {
    return [null, ...this.shape];
  }
  protected layerConfig(): Record<string, unknown> {
    return { shape: this.shape };
  }
}

/**
 * Creates a symbolic input for the functional API.
 *
 * @example
 * ```ts
 * const x = input({ shape: [28, 28, 1] });
 * const y = dense(10).call(flatten().call(x));
 * const m = model({ inputs: x, outputs: y });
 * ```
 */
export function input(opts: InputOptions): SymbolicTensor {
  return new InputLayer(opts).output;
}
