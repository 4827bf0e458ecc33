import type { backend_util, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { pad, backend_util as util } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';

type Shape4 = [number, number, number, number];

/**
 * The attributes tfjs passes to its 2-D convolution kernels and their backprop kernels
 * (`filterShape` on the filter-gradient kernels, `inputShape` on the input-gradient ones).
 */
export interface ConvAttrs {
  strides: [number, number] | number;
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: [number, number] | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape?: Shape4;
  inputShape?: Shape4;
}

/**
 * The geometry of an NHWC 2-D convolution kernel call (output size, strides, padding), from its
 * attributes: the input shape is `xShape` or the `inputShape` attribute, the filter shape
 * `filterShape` or the `filterShape` attribute. `undefined` for NCHW data, which Tessera's
 * kernels hand back to the stock kernel or refuse (see {@link requireNhwc}).
 *
 * @example
 * ```ts
 * const kernelFunc: KernelFunc = ({ inputs, attrs }) => {
 *   const { x } = inputs as { x: TensorInfo };
 *   const info = convInfo(attrs, { xShape: x.shape }) ?? requireNhwc('Conv2DBackpropFilter');
 *   // info.outHeight, info.strideHeight, info.padInfo.top, ...
 * };
 * ```
 */
export function convInfo(
  attrs: NamedAttrMap | undefined,
  shapes: { xShape?: readonly number[]; filterShape?: readonly number[] } = {},
  depthwise = false,
): backend_util.Conv2DInfo | undefined {
  const a = attrs as unknown as ConvAttrs;
  if (a.dataFormat === 'NCHW') return undefined;
  const xShape = (shapes.xShape ?? a.inputShape) as Shape4 | undefined;
  const filterShape = (shapes.filterShape ?? a.filterShape) as Shape4 | undefined;
  if (!xShape || !filterShape) throw new ValueError('convInfo shapes', 'an input and a filter shape (arguments or attributes)', shapes);
  return util.computeConv2DInfo(xShape, filterShape, a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, depthwise, 'channelsLast');
}

/**
 * Throws the error of a kernel that only supports NHWC data, for {@link convInfo}'s `undefined`.
 *
 * @example
 * ```ts
 * const info = convInfo(attrs, { xShape: x.shape }) ?? requireNhwc('Conv2DBackpropFilter');
 * ```
 */
export function requireNhwc(kernelName: string): never {
  throw new ValueError(`${kernelName} (Tessera kernel) dataFormat`, "'NHWC'", 'NCHW');
}

/**
 * The NHWC input zero-padded by a conv's explicit padding (the input itself when there is none);
 * the filter-gradient kernels correlate this with `dy`. Call it inside a memory scope.
 *
 * @example
 * ```ts
 * const padded = padInput(xt, info.padInfo);
 * ```
 */
export function padInput(x: Tensor, p: { top: number; bottom: number; left: number; right: number }): Tensor {
  if (!(p.top || p.bottom || p.left || p.right)) return x;
  return pad(x, [
    [0, 0],
    [p.top, p.bottom],
    [p.left, p.right],
    [0, 0],
  ]);
}
