import type { Tensor, Tensor4D } from '@tessera/tensor';
import { avgPool, expandDims, maxPool, squeeze } from '@tessera/tensor';
import { Layer, type LayerOptions } from '../layer.js';
import type { Shape } from '../shape.js';
import { checkSpatialSize, convLength, paddingOpt, requireRank, tuple } from './common.js';

/**
 * Options of the pooling layers.
 *
 * @example
 * ```ts
 * maxPool2d(3, { strides: 2, padding: 'same' });
 * ```
 */
export interface PoolOptions extends LayerOptions {
  poolSize?: number | number[];
  /** Defaults to `poolSize`. */
  strides?: number | number[];
  padding?: 'valid' | 'same';
}

/**
 * Shared implementation of the 1-D/2-D max/average pooling layers.
 *
 * @example
 * ```ts
 * const p: Pool = maxPool2d(2); p.poolSize; // [2, 2]
 * ```
 */
export abstract class Pool extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: 'valid' | 'same';

  constructor(
    readonly rank: 1 | 2,
    readonly mode: 'max' | 'avg',
    opts: PoolOptions,
  ) {
    super(opts);
    this.poolSize = tuple(opts.poolSize ?? 2, rank, `${this.name} poolSize`);
    this.strides = tuple(opts.strides ?? this.poolSize, rank, `${this.name} strides`);
    this.padding = paddingOpt(opts.padding ?? 'valid', `${this.name} padding`);
  }

  protected buildWeights(inputShape: Shape): void {
    requireRank(inputShape, this.rank + 2, this.name);
    this.inputSpec = new Array(this.rank + 2).fill(null);
    this.inputSpec[this.rank + 1] = inputShape[this.rank + 1] ?? null;
  }

  /** Checks the input shape, and that a "valid" pooling window fits in its spatial dimensions. */
  checkInput(shape: Shape | Shape[]): void {
    super.checkInput(shape);
    if (this.padding === 'valid') {
      checkSpatialSize(shape as Shape, this.poolSize, this.name, `poolSize ${this.poolSize.join(' x ')}, padding "valid"`);
    }
  }

  protected forward(x: Tensor): Tensor {
    const x4 = (this.rank === 1 ? expandDims(x, 1) : x) as Tensor4D;
    const ps = (this.rank === 1 ? [1, this.poolSize[0]] : this.poolSize) as [number, number];
    const st = (this.rank === 1 ? [1, this.strides[0]] : this.strides) as [number, number];
    const y = this.mode === 'max' ? maxPool(x4, ps, st, this.padding) : avgPool(x4, ps, st, this.padding);
    return this.rank === 1 ? squeeze(y, [1]) : y;
  }

  computeOutputShape(inputShape: Shape): Shape {
    const spatial = inputShape
      .slice(1, -1)
      .map((n, i) => convLength(n, this.poolSize[i] as number, this.strides[i] as number, this.padding));
    return [inputShape[0] ?? null, ...spatial, inputShape[inputShape.length - 1] ?? null];
  }

  protected layerConfig(): Record<string, unknown> {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }
}

/**
 * A pooling class of one rank and mode ({@link MaxPool2D} and the three others), constructed from {@link PoolOptions}.
 *
 * @example
 * ```ts
 * const C: PoolClass = MaxPool2D; new C({ poolSize: 3 });
 * ```
 */
export type PoolClass = (new (opts?: PoolOptions) => Pool) & { readonly className: string };

/** The one implementation behind the four pooling classes: they differ only by rank, mode and name. */
function poolClass(rank: 1 | 2, mode: 'max' | 'avg', className: string): PoolClass {
  return class extends Pool {
    static readonly className = className;
    readonly className = className;
    constructor(opts: PoolOptions = {}) {
      super(rank, mode, opts);
      this.buildFromOptions();
    }
  };
}

/** 1-D max pooling over `[batch, steps, channels]`. @example `new MaxPool1D({ poolSize: 2 })` */
export const MaxPool1D = /* @__PURE__ */ poolClass(1, 'max', 'MaxPool1D');
/** A {@link MaxPool1D} layer. @example `const p: MaxPool1D = maxPool1d(2);` */
export type MaxPool1D = Pool;
/** 2-D max pooling over `[batch, h, w, channels]`. @example `new MaxPool2D({ poolSize: 2 })` */
export const MaxPool2D = /* @__PURE__ */ poolClass(2, 'max', 'MaxPool2D');
/** A {@link MaxPool2D} layer. @example `const p: MaxPool2D = maxPool2d(2);` */
export type MaxPool2D = Pool;
/** 1-D average pooling. @example `new AvgPool1D({ poolSize: 2 })` */
export const AvgPool1D = /* @__PURE__ */ poolClass(1, 'avg', 'AvgPool1D');
/** An {@link AvgPool1D} layer. @example `const p: AvgPool1D = avgPool1d(2);` */
export type AvgPool1D = Pool;
/** 2-D average pooling. @example `new AvgPool2D({ poolSize: 2 })` */
export const AvgPool2D = /* @__PURE__ */ poolClass(2, 'avg', 'AvgPool2D');
/** An {@link AvgPool2D} layer. @example `const p: AvgPool2D = avgPool2d(2);` */
export type AvgPool2D = Pool;

/**
 * Options of the pooling factories ({@link maxPool2d} and friends): {@link PoolOptions} without
 * `poolSize`, which they take as their first argument.
 *
 * @example
 * ```ts
 * const opts: PoolArgs = { strides: 1, padding: 'same' };
 * const pool = maxPool2d(3, opts); // 3x3 windows, output the size of the input
 * ```
 */
export type PoolArgs = Omit<PoolOptions, 'poolSize'>;
/** Creates a {@link MaxPool1D}. @example `maxPool1d(2)` */
export const maxPool1d = (poolSize: number | number[] = 2, opts: PoolArgs = {}): MaxPool1D => new MaxPool1D({ ...opts, poolSize });
/** Creates a {@link MaxPool2D}. @example `maxPool2d(2)` */
export const maxPool2d = (poolSize: number | number[] = 2, opts: PoolArgs = {}): MaxPool2D => new MaxPool2D({ ...opts, poolSize });
/** Creates an {@link AvgPool1D}. @example `avgPool1d(2)` */
export const avgPool1d = (poolSize: number | number[] = 2, opts: PoolArgs = {}): AvgPool1D => new AvgPool1D({ ...opts, poolSize });
/** Creates an {@link AvgPool2D}. @example `avgPool2d(2)` */
export const avgPool2d = (poolSize: number | number[] = 2, opts: PoolArgs = {}): AvgPool2D => new AvgPool2D({ ...opts, poolSize });
