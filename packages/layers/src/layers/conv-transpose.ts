import type { Tensor, Tensor4D } from '@tessera/tensor';
import { conv2dTranspose } from '@tessera/tensor';
import type { Shape } from '../shape.js';
import { Conv, type ConvOptions } from './conv.js';

/**
 * Transposed 2-D convolution (upsampling), channels last; kernel `[kh, kw, filters, in]`.
 *
 * @example
 * ```ts
 * new Conv2DTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }).call(zeros([1, 7, 7, 16])); // [1, 14, 14, 8]
 * ```
 */
export class Conv2DTranspose extends Conv {
  static readonly className = 'Conv2DTranspose';
  readonly className = 'Conv2DTranspose';
  constructor(opts: ConvOptions) {
    super(2, opts);
    this.buildFromOptions();
  }

  /** A transposed convolution grows its input: any spatial size works. */
  protected minSpatialSize(): number {
    return 1;
  }

  protected kernelShape(inChannels: number): number[] {
    return [...this.kernelSize, this.opts.filters, inChannels];
  }

  protected convolve(x: Tensor, k: Tensor): Tensor {
    const out = this.computeOutputShape(x.shape) as number[];
    return conv2dTranspose(
      x as Tensor4D,
      k as Tensor4D,
      out as [number, number, number, number],
      this.strides as [number, number],
      this.padding,
    );
  }

  computeOutputShape(inputShape: Shape): Shape {
    const spatial = inputShape.slice(1, -1).map((n, i) => {
      if (n === null) return null;
      const s = this.strides[i] as number;
      const k = this.kernelSize[i] as number;
      return this.padding === 'same' ? n * s : (n - 1) * s + k;
    });
    return [inputShape[0] ?? null, ...spatial, this.opts.filters];
  }
}

/** Creates a {@link Conv2DTranspose}. @example `conv2dTranspose(16, 3, { strides: 2, padding: 'same' })` */
export const conv2dTransposeLayer = (
  filters: number,
  kernelSize: number | number[],
  opts: Omit<ConvOptions, 'filters' | 'kernelSize'> = {},
): Conv2DTranspose => new Conv2DTranspose({ ...opts, filters, kernelSize });
