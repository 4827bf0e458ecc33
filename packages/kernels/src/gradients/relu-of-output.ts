import type { Tensor } from '@tensorflow/tfjs-core';
import { cast, engine, getBackend, getKernel, mul, step } from '@tensorflow/tfjs-core';
import { ReluGrad } from '../tensorflow/relu-grad.js';

/**
 * `dy · (y > 0)` for `y = relu(z)` (the ReLU gradient from its output, as the fused kernels save
 * it): one ReluGrad kernel where the backend has it, else tfjs' product with a step.
 *
 * @example
 * ```ts
 * const g = reluGradOfOutput(dy, y); // inside a gradient function
 * ```
 */
export function reluGradOfOutput(dy: Tensor, y: Tensor): Tensor {
  if (getKernel(ReluGrad, getBackend())) return engine().runKernel(ReluGrad, { dy, x: y } as never) as Tensor;
  return mul(dy, cast(step(y), 'float32'));
}
