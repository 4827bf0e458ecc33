import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { add, elu, erf, leakyRelu, mul, relu, sigmoid, softmax, tanh } from '@tessera/tensor';

/**
 * Names of the built-in activations.
 *
 * @example
 * ```ts
 * const a: ActivationName = 'gelu';
 * ```
 */
export type ActivationName = 'relu' | 'gelu' | 'silu' | 'tanh' | 'sigmoid' | 'softmax' | 'leakyRelu' | 'elu' | 'linear';

const table: Record<ActivationName, (x: Tensor) => Tensor> = {
  relu: (x) => relu(x),
  // exact gelu: x * Φ(x) = 0.5 x (1 + erf(x / √2))
  gelu: (x) => mul(mul(x, 0.5), add(1, erf(mul(x, Math.SQRT1_2)))),
  silu: (x) => mul(x, sigmoid(x)),
  tanh: (x) => tanh(x),
  sigmoid: (x) => sigmoid(x),
  softmax: (x) => softmax(x, -1),
  leakyRelu: (x) => leakyRelu(x, 0.2),
  elu: (x) => elu(x),
  linear: (x) => x,
};

/**
 * The list of activation names.
 *
 * @example
 * ```ts
 * activationNames.includes('silu'); // true
 * ```
 */
export const activationNames = Object.keys(table) as ActivationName[];

/**
 * Looks up an activation function by name; the error names the layer argument and the choices.
 *
 * @example
 * ```ts
 * const f = getActivation('gelu'); const y = f(x);
 * ```
 */
export function getActivation(name: string | undefined, where = 'activation'): (x: Tensor) => Tensor {
  if (name === undefined || name === null) return table.linear;
  const f = table[name as ActivationName];
  if (!f) throw new ValueError(where, `one of ${activationNames.join(', ')}`, name);
  return f;
}
