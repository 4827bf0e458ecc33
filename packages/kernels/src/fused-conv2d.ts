import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';

/**
 * Kernel name of a 2-D convolution with its bias and activation in one kernel: inputs `x`
 * `[batch, height, width, inChannels]`, `filter` `[height, width, inChannels, outChannels]` and
 * `bias` `[outChannels]` (float32, NHWC), attributes {@link FusedConv2DAttrs}; output
 * `activation(conv2d(x, filter) + bias)`. Registered on the native `tensorflow` backend
 * (TensorFlow's oneDNN convolution with bias and ReLU as post-ops); its gradient, on every
 * backend, runs the two convolution gradients and a sum.
 *
 * @example
 * ```ts
 * if (hasKernel(FusedConv2D)) y = engine().runKernel(FusedConv2D, { x, filter, bias }, { strides: [1, 1], pad: 'valid', activation: 'relu' });
 * ```
 */
export const FusedConv2D = 'TesseraFusedConv2D';

/**
 * The attributes of {@link FusedConv2D}: undilated; `activation` `'linear'` (bias only) or `'relu'`.
 *
 * @example
 * ```ts
 * const attrs: FusedConv2DAttrs = { strides: [2, 2], pad: 'same', activation: 'linear' };
 * ```
 */
export interface FusedConv2DAttrs {
  strides: [number, number];
  pad: 'valid' | 'same';
  activation: 'linear' | 'relu';
}

/**
 * The inputs and attributes of a {@link FusedConv2D} call, checked: x, filter and bias present and
 * float32, activation `'relu'` or `'linear'`; else a ValueError naming what is wrong.
 *
 * @example
 * ```ts
 * const { x, filter, bias, strides, pad, activation } = fusedConv2dArgs(args); // in a backend's kernel
 * ```
 */
export function fusedConv2dArgs(
  args: Parameters<KernelFunc>[0],
): { x: TensorInfo; filter: TensorInfo; bias: TensorInfo } & FusedConv2DAttrs {
  const { x, filter, bias } = args.inputs as { x?: TensorInfo; filter?: TensorInfo; bias?: TensorInfo };
  const { strides, pad, activation } = args.attrs as unknown as FusedConv2DAttrs;
  if (!x || !filter || !bias) throw new ValueError(`${FusedConv2D} inputs`, 'x, filter and bias', Object.keys(args.inputs));
  if (activation !== 'relu' && activation !== 'linear') throw new ValueError(`${FusedConv2D} activation`, "'relu' or 'linear'", activation);
  const dtypes = [x, filter, bias].map((t) => t.dtype);
  if (dtypes.some((d) => d !== 'float32')) throw new ValueError(`${FusedConv2D} x, filter, bias dtypes`, 'float32', dtypes);
  return { x, filter, bias, strides, pad, activation };
}
