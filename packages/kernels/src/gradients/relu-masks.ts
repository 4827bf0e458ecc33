/**
 * What the gradients know about ReLU outputs, by tensor data (a tensor's `dataId`, which its clones
 * share): which tensors a ReLU-fused kernel produced, and which gradients are already zero wherever
 * such an output is not positive. Weak: nothing is kept alive by being listed.
 */
const reluOutputs = new WeakSet<object>();
const maskedGradients = new WeakMap<object, object>();

/**
 * Records that the tensor data `dataId` is the output of a ReLU (a ReLU-fused kernel calls this).
 *
 * @example
 * ```ts
 * markReluOutput(out.dataId); // in a fused convolution kernel with activation 'relu'
 * ```
 */
export function markReluOutput(dataId: object): void {
  reluOutputs.add(dataId);
}

/**
 * Whether the tensor data `dataId` is the output of a ReLU-fused kernel.
 *
 * @example
 * ```ts
 * if (isReluOutput(x.dataId)) { ... } // in a pooling gradient
 * ```
 */
export function isReluOutput(dataId: object): boolean {
  return reluOutputs.has(dataId);
}

/**
 * Records that the gradient data `gradId` is already zero wherever the ReLU output `outputId` is
 * not positive (its ReLU gradient is applied).
 *
 * @example
 * ```ts
 * markMaskedGradient(dx.dataId, x.dataId);
 * ```
 */
export function markMaskedGradient(gradId: object, outputId: object): void {
  maskedGradients.set(gradId, outputId);
}

/**
 * Whether the gradient data `gradId` already carries the ReLU gradient of the output `outputId`.
 *
 * @example
 * ```ts
 * const g = isMaskedGradient(dy.dataId, y.dataId) ? dy : reluGradOfOutput(dy, y);
 * ```
 */
export function isMaskedGradient(gradId: object, outputId: object): boolean {
  return maskedGradients.get(gradId) === outputId;
}
