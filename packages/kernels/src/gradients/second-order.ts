import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { Elu, exp, LeakyRelu, Maximum, mul, neg, relu, Sigmoid, sigmoid, square, step, sub, Tanh, tanh } from '@tensorflow/tfjs-core';
import { unbroadcast } from './unbroadcast.js';

/**
 * LeakyRelu gradient as dy · (alpha + (1 − alpha) · step(x)): differentiable again (grad of
 * grad), where tfjs-core's own gradient is built from a comparison and is not.
 *
 * @example
 * ```ts
 * registerGradient(leakyReluGradConfig); // registerGradientFixes() does this
 * grad((x) => sum(grad((y) => sum(leakyRelu(y, 0.2)))(x)))(x); // grad of grad works
 * ```
 */
export const leakyReluGradConfig: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [Tensor];
    const alpha = (attrs as unknown as { alpha: number }).alpha;
    return { x: () => mul(dy as Tensor, sub(1, mul(sub(1, step(x)), 1 - alpha))) };
  },
};

/**
 * Elu gradient as dy · (step(x) + (1 − step(x)) · exp(min(x, 0))): differentiable again.
 *
 * @example
 * ```ts
 * registerGradient(eluGradConfig); // registerGradientFixes() does this
 * grad((x) => sum(grad((y) => sum(elu(y)))(x)))(x); // grad of grad works
 * ```
 */
export const eluGradConfig: GradConfig = {
  kernelName: Elu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    const s = step(x);
    const expNeg = exp(neg(relu(neg(x))));
    return { x: () => mul(dy as Tensor, sub(expNeg, mul(s, sub(expNeg, 1)))) };
  },
};

/**
 * Maximum gradient with step masks instead of comparisons (a gets ties, as in tfjs):
 * differentiable again (WGAN-GP penalties differentiate through it twice).
 *
 * @example
 * ```ts
 * registerGradient(maximumGradConfig); // registerGradientFixes() does this
 * grad((x) => sum(grad((y) => sum(maximum(y, 0)))(x)))(x); // grad of grad works
 * ```
 */
export const maximumGradConfig: GradConfig = {
  kernelName: Maximum,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as [Tensor, Tensor];
    const toB = step(sub(b, a));
    return {
      a: () => unbroadcast(mul(dy as Tensor, sub(1, toB)), a.shape),
      b: () => unbroadcast(mul(dy as Tensor, toB), b.shape),
    };
  },
};

/**
 * Tanh's gradient `dy·(1 - tanh(x)²)` computed from the input: tfjs-core's uses the saved output,
 * which a second-order gradient treats as a constant (a WGAN-GP penalty through a tanh critic came
 * out wrong).
 *
 * @example
 * ```ts
 * registerGradient(tanhGradConfig); // d²/dx² tanh(x) = -2 tanh(x)(1 - tanh(x)²)
 * ```
 */
export const tanhGradConfig: GradConfig = {
  kernelName: Tanh,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    return { x: () => mul(dy as Tensor, sub(1, square(tanh(x)))) };
  },
};

/**
 * Sigmoid's gradient `dy·σ(x)(1 - σ(x))` computed from the input, for the same reason as {@link tanhGradConfig}.
 *
 * @example
 * ```ts
 * registerGradient(sigmoidGradConfig); // d²/dx² σ(x) = σ(1 - σ)(1 - 2σ)
 * ```
 */
export const sigmoidGradConfig: GradConfig = {
  kernelName: Sigmoid,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    return {
      x: () => {
        const s = sigmoid(x);
        return mul(dy as Tensor, mul(s, sub(1, s)));
      },
    };
  },
};
