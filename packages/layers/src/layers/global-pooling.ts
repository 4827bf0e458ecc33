import type { Tensor } from '@tensorflow/tfjs-core';
import type { CallOptions } from '@tessera/core';
import { max, mean } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import { maskedPool1d, sequenceMask } from '../masks.js';
import type { Shape } from '../shape.js';
import { requireRank } from './common.js';

/**
 * Shared implementation of the global pooling layers (reduce every spatial axis). The 1D ones
 * honour a padding mask: the mean is over real steps only, the max ignores padded steps (a
 * sequence with no real step pools to 0).
 *
 * @example
 * ```ts
 * const p: GlobalPool = globalAvgPool2d(); p.call(zeros([2, 4, 4, 3])); // [2, 3]
 * ```
 */
export abstract class GlobalPool extends Layer {
  constructor(
    readonly rank: 1 | 2,
    readonly mode: 'max' | 'avg',
    opts: LayerOptions,
  ) {
    super(opts);
  }
  protected buildWeights(inputShape: Shape): void {
    requireRank(inputShape, this.rank + 2, this.name);
  }
  protected forward(x: Tensor, options: CallOptions = {}): Tensor {
    const axes = this.rank === 1 ? [1] : [1, 2];
    if (this.rank === 1 && options.mask) return maskedPool1d(x, sequenceMask(options.mask, x, `${this.name} mask`), this.mode);
    return this.mode === 'max' ? max(x, axes) : mean(x, axes);
  }
  computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, inputShape[inputShape.length - 1] ?? null];
  }
}

/** Max over steps: `[b, steps, c]` -> `[b, c]`. @example `new GlobalMaxPool1D()` */
export class GlobalMaxPool1D extends GlobalPool {
  static readonly className = 'GlobalMaxPool1D';
  readonly className = 'GlobalMaxPool1D';
  constructor(opts: LayerOptions = {}) {
    super(1, 'max', opts);
    this.buildFromOptions();
  }
}
/** Mean over steps: `[b, steps, c]` -> `[b, c]`. @example `new GlobalAvgPool1D()` */
export class GlobalAvgPool1D extends GlobalPool {
  static readonly className = 'GlobalAvgPool1D';
  readonly className = 'GlobalAvgPool1D';
  constructor(opts: LayerOptions = {}) {
    super(1, 'avg', opts);
    this.buildFromOptions();
  }
}
/** Max over height and width: `[b, h, w, c]` -> `[b, c]`. @example `new GlobalMaxPool2D()` */
export class GlobalMaxPool2D extends GlobalPool {
  static readonly className = 'GlobalMaxPool2D';
  readonly className = 'GlobalMaxPool2D';
  constructor(opts: LayerOptions = {}) {
    super(2, 'max', opts);
    this.buildFromOptions();
  }
}
/** Mean over height and width: `[b, h, w, c]` -> `[b, c]`. @example `new GlobalAvgPool2D()` */
export class GlobalAvgPool2D extends GlobalPool {
  static readonly className = 'GlobalAvgPool2D';
  readonly className = 'GlobalAvgPool2D';
  constructor(opts: LayerOptions = {}) {
    super(2, 'avg', opts);
    this.buildFromOptions();
  }
}

/** Creates a {@link GlobalMaxPool1D}. @example `globalMaxPool1d()` */
export const globalMaxPool1d = (opts: LayerOptions = {}) => new GlobalMaxPool1D(opts);
/** Creates a {@link GlobalAvgPool1D}. @example `globalAvgPool1d()` */
export const globalAvgPool1d = (opts: LayerOptions = {}) => new GlobalAvgPool1D(opts);
/** Creates a {@link GlobalMaxPool2D}. @example `globalMaxPool2d()` */
export const globalMaxPool2d = (opts: LayerOptions = {}) => new GlobalMaxPool2D(opts);
/** Creates a {@link GlobalAvgPool2D}. @example `globalAvgPool2d()` */
export const globalAvgPool2d = (opts: LayerOptions = {}) => new GlobalAvgPool2D(opts);
