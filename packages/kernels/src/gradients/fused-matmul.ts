import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { matMul, sum } from '@tensorflow/tfjs-core';
import { FusedMatMul, type FusedMatMulAttrs } from '../fused-matmul.js';
import { reluGradOfOutput } from './relu-of-output.js';

/**
 * The gradient of {@link FusedMatMul}: the activation's gradient from the saved output (ReLU:
 * `dy · (y > 0)`), then `g · bᵀ` for `a`, `aᵀ · g` for `b` and the sum over rows for the bias.
 *
 * @example
 * ```ts
 * registerGradient(fusedMatMulGradConfig); // registerGradientFixes() does this
 * ```
 */
export const fusedMatMulGradConfig: GradConfig = {
  kernelName: FusedMatMul,
  inputsToSave: ['a', 'b'],
  outputsToSave: [true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs?: NamedAttrMap) => {
    const [a, b, y] = saved as [Tensor, Tensor, Tensor];
    const { activation } = attrs as unknown as FusedMatMulAttrs;
    const g = activation === 'relu' ? reluGradOfOutput(dy as Tensor, y) : (dy as Tensor);
    return {
      a: () => matMul(g, b, false, true),
      b: () => matMul(a, g, true, false),
      bias: () => sum(g, 0),
    };
  },
};
