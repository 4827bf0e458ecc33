import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { Conv2DBackpropFilter, Conv2DBackpropInput, engine, sum } from '@tensorflow/tfjs-core';
import { FusedConv2D, type FusedConv2DAttrs } from '../fused-conv2d.js';
import { isMaskedGradient } from './relu-masks.js';
import { reluGradOfOutput } from './relu-of-output.js';

/**
 * The gradient of {@link FusedConv2D}: the activation's gradient from the saved output (ReLU:
 * `dy · (y > 0)`), then the input and filter gradients of the convolution (the backend's
 * `Conv2DBackpropInput` and `Conv2DBackpropFilter` kernels) and the bias gradient, a sum over
 * batch, height and width. A gradient of its input gradient works as the unfused layer's does.
 *
 * @example
 * ```ts
 * registerGradient(fusedConv2dGradConfig); // registerGradientFixes() does this
 * ```
 */
export const fusedConv2dGradConfig: GradConfig = {
  kernelName: FusedConv2D,
  inputsToSave: ['x', 'filter'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [x, filter, y] = saved as [Tensor, Tensor, Tensor];
    const { strides, pad, activation } = attrs as unknown as FusedConv2DAttrs;
    const d = dy as Tensor;
    // after a max pool the ReLU gradient is already applied (see maxPoolGradConfig)
    const g = activation === 'relu' && !isMaskedGradient(d.dataId, y.dataId) ? reluGradOfOutput(d, y) : d;
    const conv = { strides, pad, dataFormat: 'NHWC' };
    return {
      x: () => engine().runKernel(Conv2DBackpropInput, { dy: g, filter } as never, { ...conv, inputShape: x.shape } as never) as Tensor,
      filter: () =>
        engine().runKernel(Conv2DBackpropFilter, { x, dy: g } as never, { ...conv, filterShape: filter.shape } as never) as Tensor,
      bias: () => sum(g, [0, 1, 2]),
    };
  },
};
