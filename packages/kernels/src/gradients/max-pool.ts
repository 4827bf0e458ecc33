import type { GradConfig, NamedAttrMap, Tensor, Tensor4D } from '@tensorflow/tfjs-core';
import { engine, getBackend, getKernel, MaxPool, MaxPoolGrad } from '@tensorflow/tfjs-core';
import { ReluGrad } from '../tensorflow/relu-grad.js';
import { isReluOutput, markMaskedGradient } from './relu-masks.js';

/**
 * The gradient of `MaxPool`, as tfjs-core's, except after a ReLU-fused kernel (a `Conv2D` layer
 * with `'relu'`): there the ReLU gradient is applied to the pooled gradient, before the routing,
 * and the convolution's gradient skips its own. Max pooling and ReLU commute, and a window's first
 * maximum is positive exactly where the pooled value is, so the values are the same, bit for bit;
 * the mask runs over the pooled tensor (a quarter of the size for 2×2 windows) instead of the
 * convolution's whole output.
 *
 * @example
 * ```ts
 * registerGradient(maxPoolGradConfig); // registerGradientFixes() does this
 * ```
 */
export const maxPoolGradConfig: GradConfig = {
  kernelName: MaxPool,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [x, y] = saved as [Tensor4D, Tensor4D];
    const { filterSize, strides, pad } = attrs as unknown as {
      filterSize: [number, number] | number;
      strides: [number, number] | number;
      pad: 'valid' | 'same' | number;
    };
    const g = dy as Tensor4D;
    const poolGrad = (d: Tensor4D): Tensor4D =>
      engine().runKernel(MaxPoolGrad, { dy: d, input: x, output: y } as never, { filterSize, strides, pad } as never) as Tensor4D;
    return {
      x: () => {
        if (g.dtype !== 'float32' || !isReluOutput(x.dataId) || !getKernel(ReluGrad, getBackend())) return poolGrad(g);
        const masked = engine().runKernel(ReluGrad, { dy: g, x: y } as never) as Tensor4D;
        const dx = poolGrad(masked);
        markMaskedGradient(dx.dataId, x.dataId);
        return dx;
      },
    };
  },
};
