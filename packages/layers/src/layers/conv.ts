import { hasKernel, ValueError } from '@tessera/core';
import type { Tensor, Tensor3D, Tensor4D, Variable } from '@tessera/tensor';
import { add, conv1d, conv2d, engine } from '@tessera/tensor';
import { type ActivationName, getActivation } from '../activations.js';
import type { InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions } from '../layer.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Serialized } from '../serializable.js';
import type { Shape } from '../shape.js';
import {
  activationOpt,
  checkSpatialSize,
  convLength,
  initConfig,
  paddingOpt,
  positiveInt,
  regConfig,
  requireRank,
  tuple,
} from './common.js';

/** The convolution with bias and activation in one kernel (registered by @tessera/kernels on native TensorFlow). */
const FUSED_CONV2D = 'TesseraFusedConv2D';

/**
 * Options of the convolution layers (channels last).
 *
 * @example
 * ```ts
 * conv2d(32, 3, { strides: 1, padding: 'same', activation: 'relu' });
 * ```
 */
export interface ConvOptions extends LayerOptions {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: 'valid' | 'same';
  dilationRate?: number | number[];
  activation?: ActivationName;
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer | Serialized;
  biasRegularizer?: Regularizer | Serialized;
}

/**
 * Shared implementation of Conv1D/Conv2D.
 *
 * @example
 * ```ts
 * const c: Conv = conv2d(8, 3); c.kernelSize; // [3, 3]
 * ```
 */
export abstract class Conv extends Layer {
  protected readonly opts: ConvOptions;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly dilation: number[];
  readonly padding: 'valid' | 'same';
  protected kernel?: Variable;
  protected bias?: Variable;

  constructor(
    readonly rank: number,
    opts: ConvOptions,
  ) {
    super(opts);
    positiveInt(opts.filters, `${this.name} filters`);
    this.kernelSize = tuple(opts.kernelSize, rank, `${this.name} kernelSize`);
    this.strides = tuple(opts.strides ?? 1, rank, `${this.name} strides`);
    this.dilation = tuple(opts.dilationRate ?? 1, rank, `${this.name} dilationRate`);
    this.padding = paddingOpt(opts.padding ?? 'valid', `${this.name} padding`);
    if (this.strides.some((s) => s > 1) && this.dilation.some((d) => d > 1)) {
      throw new ValueError(`${this.name} strides`, 'strides of 1 when dilationRate > 1', opts.strides);
    }
    activationOpt(opts.activation, `${this.name} activation`);
    this.opts = { ...opts };
  }

  /** Kernel shape for `inChannels`. */
  protected kernelShape(inChannels: number): number[] {
    return [...this.kernelSize, inChannels, this.opts.filters];
  }

  protected buildWeights(inputShape: Shape): void {
    const inC = inputShape[inputShape.length - 1];
    requireRank(inputShape, this.rank + 2, this.name, inC ?? null);
    if (inC == null) throw new ValueError(`${this.name} input shape`, 'a known channel dimension', inputShape);
    this.inputSpec = [...new Array(this.rank + 1).fill(null), inC];
    const o = this.opts;
    this.kernel = this.addWeight('kernel', this.kernelShape(inC), o.kernelInitializer ?? 'glorotUniform', {
      regularizer: getRegularizer(o.kernelRegularizer, `${this.name} kernelRegularizer`),
    });
    if (o.useBias ?? true) {
      this.bias = this.addWeight('bias', [o.filters], o.biasInitializer ?? 'zeros', {
        regularizer: getRegularizer(o.biasRegularizer, `${this.name} biasRegularizer`),
      });
    }
  }

  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  /** A "valid" convolution needs every known spatial dimension to cover the (dilated) kernel. */
  protected minSpatialSize(i: number): number {
    return this.padding === 'valid' ? ((this.kernelSize[i] as number) - 1) * (this.dilation[i] as number) + 1 : 1;
  }

  /** Checks the input shape, and that a "valid" kernel fits in its spatial dimensions. */
  checkInput(shape: Shape | Shape[]): void {
    super.checkInput(shape);
    const need = this.kernelSize.map((_, i) => this.minSpatialSize(i));
    checkSpatialSize(shape as Shape, need, this.name, `kernelSize ${this.kernelSize.join(' x ')}, padding "${this.padding}"`);
  }

  /**
   * `activation(conv(x, kernel) + bias)` in one kernel where the backend has one for this layer,
   * else `undefined`.
   */
  protected fused(_x: Tensor, _kernel: Tensor, _bias: Tensor): Tensor | undefined {
    return undefined;
  }

  protected forward(x: Tensor): Tensor {
    if (x.dtype !== 'float32') throw new ValueError(`${this.name} input dtype`, 'float32', x.dtype);
    const kernel = this.use(this.kernel);
    const bias = this.bias && this.use(this.bias);
    const fused = bias && this.fused(x, kernel, bias);
    if (fused) return fused;
    let y = this.convolve(x, kernel);
    if (bias) y = add(y, bias);
    return getActivation(this.opts.activation)(y);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const spatial = inputShape
      .slice(1, -1)
      .map((n, i) => convLength(n, this.kernelSize[i] as number, this.strides[i] as number, this.padding, this.dilation[i]));
    return [inputShape[0] ?? null, ...spatial, this.opts.filters];
  }

  protected layerConfig(): Record<string, unknown> {
    const o = this.opts;
    return {
      filters: o.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      dilationRate: this.dilation,
      activation: o.activation ?? 'linear',
      useBias: o.useBias ?? true,
      kernelInitializer: initConfig(o.kernelInitializer ?? 'glorotUniform', `${this.name} kernelInitializer`),
      biasInitializer: initConfig(o.biasInitializer ?? 'zeros', `${this.name} biasInitializer`),
      kernelRegularizer: regConfig(o.kernelRegularizer, `${this.name} kernelRegularizer`),
      biasRegularizer: regConfig(o.biasRegularizer, `${this.name} biasRegularizer`),
    };
  }
}

/**
 * 1-D convolution over `[batch, steps, channels]`.
 *
 * @example
 * ```ts
 * new Conv1D({ filters: 8, kernelSize: 3 }).call(zeros([2, 10, 4])); // [2, 8, 8]
 * ```
 */
export class Conv1D extends Conv {
  static readonly className = 'Conv1D';
  readonly className = 'Conv1D';
  constructor(opts: ConvOptions) {
    super(1, opts);
    this.buildFromOptions();
  }
  protected convolve(x: Tensor, k: Tensor): Tensor {
    return conv1d(x as Tensor3D, k as Tensor3D, this.strides[0] as number, this.padding, 'NWC', this.dilation[0]);
  }
}

/**
 * 2-D convolution over `[batch, height, width, channels]`.
 *
 * @example
 * ```ts
 * new Conv2D({ filters: 32, kernelSize: 3, activation: 'relu' }).call(zeros([1, 28, 28, 1])); // [1, 26, 26, 32]
 * ```
 */
export class Conv2D extends Conv {
  static readonly className = 'Conv2D';
  readonly className = 'Conv2D';
  constructor(opts: ConvOptions) {
    super(2, opts);
    this.buildFromOptions();
  }
  protected convolve(x: Tensor, k: Tensor): Tensor {
    return conv2d(x as Tensor4D, k as Tensor4D, this.strides as [number, number], this.padding, 'NHWC', this.dilation as [number, number]);
  }
  /** The backend's fused convolution (native TensorFlow: oneDNN's) for an undilated layer with no activation or ReLU. */
  protected fused(x: Tensor, filter: Tensor, bias: Tensor): Tensor | undefined {
    const activation = this.opts.activation ?? 'linear';
    if ((activation !== 'relu' && activation !== 'linear') || this.dilation.some((d) => d !== 1) || !hasKernel(FUSED_CONV2D))
      return undefined;
    const attrs = { strides: this.strides, pad: this.padding, activation };
    return engine().runKernel(FUSED_CONV2D, { x, filter, bias } as never, attrs as never) as Tensor;
  }
}

/**
 * Options of {@link conv1d} and {@link conv2d}: {@link ConvOptions} without `filters` and
 * `kernelSize`, which they take as their first arguments.
 *
 * @example
 * ```ts
 * const opts: ConvArgs = { strides: 2, padding: 'same', activation: 'relu', kernelInitializer: 'heNormal' };
 * const down = conv2d(64, 3, opts); // halves height and width
 * ```
 */
export type ConvArgs = Omit<ConvOptions, 'filters' | 'kernelSize'>;
/** Creates a {@link Conv1D}. @example `conv1d(16, 3, { padding: 'same' })` */
export const conv1dLayer = (filters: number, kernelSize: number | number[], opts: ConvArgs = {}): Conv1D =>
  new Conv1D({ ...opts, filters, kernelSize });
/** Creates a {@link Conv2D}. @example `conv2d(32, 3, { activation: 'relu' })` */
export const conv2dLayer = (filters: number, kernelSize: number | number[], opts: ConvArgs = {}): Conv2D =>
  new Conv2D({ ...opts, filters, kernelSize });
