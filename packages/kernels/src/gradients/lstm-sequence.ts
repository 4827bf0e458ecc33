import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { engine } from '@tensorflow/tfjs-core';
import { LSTMSequence, LSTMSequenceGrad } from '../lstm/sequence.js';

/**
 * Gradient of the fused LSTM recurrence ({@link LSTMSequence}): one {@link LSTMSequenceGrad}
 * kernel (backpropagation through time) gives the gradients of the input projection, the
 * recurrent kernel and the initial state. The `gates` output is internal (saved for this
 * gradient): gradients flowing into it are not propagated.
 *
 * @example
 * ```ts
 * registerGradient(lstmSequenceGradConfig); // registerGradientFixes() does this
 * ```
 */
export const lstmSequenceGradConfig: GradConfig = {
  kernelName: LSTMSequence,
  inputsToSave: ['u', 'h0', 'c0'],
  outputsToSave: [true, true, true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [dhs, dcs] = dy as Tensor[];
    const [u, h0, c0, hs, cs, gates] = saved as [Tensor, Tensor, Tensor, Tensor, Tensor, Tensor];
    const [dxp, du, dh0, dc0] = engine().runKernel(LSTMSequenceGrad, { dhs, dcs, u, h0, c0, hs, cs, gates } as never, {}) as Tensor[];
    return { xp: () => dxp as Tensor, u: () => du as Tensor, h0: () => dh0 as Tensor, c0: () => dc0 as Tensor };
  },
};
