/**
 * Kernel name of a matrix product with its bias and activation in one kernel: inputs `a` `[m, k]`,
 * `b` `[k, n]` and `bias` `[n]` (float32), attributes {@link FusedMatMulAttrs}; output
 * `activation(a · b + bias)`, a Dense layer's forward pass. Registered on the native `tensorflow`
 * backend (TensorFlow's `_FusedMatMul`: Eigen's product with the bias and ReLU applied as it writes
 * its output); its gradient, on every backend, runs two products and a sum.
 *
 * @example
 * ```ts
 * if (hasKernel(FusedMatMul)) y = engine().runKernel(FusedMatMul, { a, b, bias }, { activation: 'relu' });
 * ```
 */
export const FusedMatMul = 'TesseraFusedMatMul';

/**
 * The attributes of {@link FusedMatMul}: `activation` `'linear'` (bias only) or `'relu'`.
 *
 * @example
 * ```ts
 * const attrs: FusedMatMulAttrs = { activation: 'relu' };
 * ```
 */
export interface FusedMatMulAttrs {
  activation: 'linear' | 'relu';
}
