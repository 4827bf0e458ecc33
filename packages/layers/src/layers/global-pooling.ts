import type { CallOptions } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
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

/**
 * A global pooling class of one rank and mode ({@link GlobalAvgPool2D} and the three others), constructed from {@link LayerOptions}.
 *
 * @example
 * ```ts
 * const C: GlobalPoolClass = GlobalAvgPool2D; new C({ name: 'gap' });
 * ```
 */
export type GlobalPoolClass = (new (opts?: LayerOptions) => GlobalPool) & { readonly className: string };

/** The one implementation behind the four global pooling classes (they differ by rank, mode and name). */
function globalPoolClass(rank: 1 | 2, mode: 'max' | 'avg', className: string): GlobalPoolClass {
  return class extends GlobalPool {
    static readonly className = className;
    readonly className = className;
    constructor(opts: LayerOptions = {}) {
      super(rank, mode, opts);
      this.buildFromOptions();
    }
  };
}

/** Max over steps: `[b, steps, c]` -> `[b, c]`. @example `new GlobalMaxPool1D()` */
export const GlobalMaxPool1D = /* @__PURE__ */ globalPoolClass(1, 'max', 'GlobalMaxPool1D');
/** A {@link GlobalMaxPool1D} layer. @example `const p: GlobalMaxPool1D = globalMaxPool1d();` */
export type GlobalMaxPool1D = GlobalPool;
/** Mean over steps: `[b, steps, c]` -> `[b, c]`. @example `new GlobalAvgPool1D()` */
export const GlobalAvgPool1D = /* @__PURE__ */ globalPoolClass(1, 'avg', 'GlobalAvgPool1D');
/** A {@link GlobalAvgPool1D} layer. @example `const p: GlobalAvgPool1D = globalAvgPool1d();` */
export type GlobalAvgPool1D = GlobalPool;
/** Max over height and width: `[b, h, w, c]` -> `[b, c]`. @example `new GlobalMaxPool2D()` */
export const GlobalMaxPool2D = /* @__PURE__ */ globalPoolClass(2, 'max', 'GlobalMaxPool2D');
/** A {@link GlobalMaxPool2D} layer. @example `const p: GlobalMaxPool2D = globalMaxPool2d();` */
export type GlobalMaxPool2D = GlobalPool;
/** Mean over height and width: `[b, h, w, c]` -> `[b, c]`. @example `new GlobalAvgPool2D()` */
export const GlobalAvgPool2D = /* @__PURE__ */ globalPoolClass(2, 'avg', 'GlobalAvgPool2D');
/** A {@link GlobalAvgPool2D} layer. @example `const p: GlobalAvgPool2D = globalAvgPool2d();` */
export type GlobalAvgPool2D = GlobalPool;

/** Creates a {@link GlobalMaxPool1D}. @example `globalMaxPool1d()` */
export const globalMaxPool1d = (opts: LayerOptions = {}): GlobalMaxPool1D => new GlobalMaxPool1D(opts);
/** Creates a {@link GlobalAvgPool1D}. @example `globalAvgPool1d()` */
export const globalAvgPool1d = (opts: LayerOptions = {}): GlobalAvgPool1D => new GlobalAvgPool1D(opts);
/** Creates a {@link GlobalMaxPool2D}. @example `globalMaxPool2d()` */
export const globalMaxPool2d = (opts: LayerOptions = {}): GlobalMaxPool2D => new GlobalMaxPool2D(opts);
/** Creates a {@link GlobalAvgPool2D}. @example `globalAvgPool2d()` */
export const globalAvgPool2d = (opts: LayerOptions = {}): GlobalAvgPool2D => new GlobalAvgPool2D(opts);
