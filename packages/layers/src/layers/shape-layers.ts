import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { reshape } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import { type Shape, sizeOf } from '../shape.js';

/**
 * Flattens every axis but the batch axis.
 *
 * @example
 * ```ts
 * new Flatten().call(zeros([2, 28, 28, 1])); // [2, 784]
 * ```
 */
export class Flatten extends Layer {
  static readonly className = 'Flatten';
  readonly className = 'Flatten';
  constructor(opts: LayerOptions = {}) {
    super(opts);
    this.buildFromOptions();
  }
  protected forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0] as number, -1]);
  }
  computeOutputShape(s: Shape): Shape {
    const rest = s.slice(1);
    return [s[0] ?? null, rest.some((d) => d === null) ? null : sizeOf(rest)];
  }
}

/**
 * Options of {@link Reshape}.
 *
 * @example
 * ```ts
 * new Reshape({ targetShape: [7, 7, -1] });
 * ```
 */
export interface ReshapeOptions extends LayerOptions {
  /** Target shape without the batch axis; one entry may be -1. */
  targetShape: number[];
}

/**
 * Reshapes every sample to `targetShape` (batch axis kept).
 *
 * @example
 * ```ts
 * new Reshape({ targetShape: [28, 28, 1] }).call(zeros([2, 784])); // [2, 28, 28, 1]
 * ```
 */
export class Reshape extends Layer {
  static readonly className = 'Reshape';
  readonly className = 'Reshape';
  readonly targetShape: number[];
  constructor(opts: ReshapeOptions) {
    super(opts);
    const t = opts.targetShape;
    if (!Array.isArray(t) || t.some((d) => !Number.isInteger(d) || (d <= 0 && d !== -1)) || t.filter((d) => d === -1).length > 1) {
      throw new ValueError(`${this.name} targetShape`, 'positive integers with at most one -1', t);
    }
    this.targetShape = [...t];
    this.buildFromOptions();
  }
  protected buildWeights(s: Shape): void {
    const n = sizeOf(s.slice(1));
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    const bad = this.targetShape.includes(-1) ? n % known !== 0 : n !== known;
    if (!s.slice(1).includes(null) && bad) {
      throw new ValueError(`${this.name} targetShape`, `a shape with ${n} elements per sample`, this.targetShape);
    }
  }
  protected forward(x: Tensor): Tensor {
    return reshape(x, [x.shape[0] as number, ...this.targetShape]);
  }
  computeOutputShape(s: Shape): Shape {
    const rest = s.slice(1);
    if (!this.targetShape.includes(-1)) return [s[0] ?? null, ...this.targetShape];
    if (rest.includes(null)) return [s[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? null : d))];
    const known = sizeOf(this.targetShape.filter((d) => d !== -1));
    return [s[0] ?? null, ...this.targetShape.map((d) => (d === -1 ? sizeOf(rest) / known : d))];
  }
  protected layerConfig(): Record<string, unknown> {
    return { targetShape: this.targetShape };
  }
}

/** Creates a {@link Flatten}. @example `flatten()` */
export const flatten = (opts: LayerOptions = {}) => new Flatten(opts);
/** Creates a {@link Reshape}. @example `reshapeLayer([28, 28, 1])` */
export const reshapeLayer = (targetShape: number[], opts: LayerOptions = {}) => new Reshape({ ...opts, targetShape });
