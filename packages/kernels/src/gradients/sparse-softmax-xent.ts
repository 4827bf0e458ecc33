import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { engine, expandDims, mul, oneHot, softmax, sub, sum, zerosLike } from '@tensorflow/tfjs-core';
import { SparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyGrad } from '../softmax-xent/sparse.js';

/**
 * Gradient of {@link SparseSoftmaxCrossEntropy}: one {@link SparseSoftmaxCrossEntropyGrad} kernel
 * for the logits; the integer labels get zeros.
 *
 * @example
 * ```ts
 * registerGradient(sparseXentGradConfig); // registerGradientFixes() does this
 * ```
 */
export const sparseXentGradConfig: GradConfig = {
  kernelName: SparseSoftmaxCrossEntropy,
  inputsToSave: ['logits', 'labels'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [logits, labels] = saved as [Tensor, Tensor];
    return {
      logits: () => engine().runKernel(SparseSoftmaxCrossEntropyGrad, { logits, labels, dy: dy as Tensor } as never) as Tensor,
      labels: () => zerosLike(labels),
    };
  },
};

/**
 * Gradient of {@link SparseSoftmaxCrossEntropyGrad} (for a gradient of a gradient), from ops:
 * with `p = softmax(logits)` and `g = dy · (p − onehot)`, the upstream `ddx` gives
 * `dy: Σ ddx · (p − onehot)` and `logits: dy · p · (ddx − Σ ddx · p)`.
 *
 * @example
 * ```ts
 * registerGradient(sparseXentGradGradConfig); // registerGradientFixes() does this
 * ```
 */
export const sparseXentGradGradConfig: GradConfig = {
  kernelName: SparseSoftmaxCrossEntropyGrad,
  inputsToSave: ['logits', 'labels', 'dy'],
  gradFunc: (ddx: Tensor | Tensor[], saved: Tensor[]) => {
    const [logits, labels, dy] = saved as [Tensor, Tensor, Tensor];
    const up = ddx as Tensor;
    const p = (): Tensor => softmax(logits);
    return {
      dy: () => sum(mul(up, sub(p(), oneHot(labels, logits.shape[1] as number))), -1),
      logits: () => {
        const probs = p();
        return mul(expandDims(dy, 1), mul(probs, sub(up, sum(mul(up, probs), -1, true))));
      },
      labels: () => zerosLike(labels),
    };
  },
};
