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
