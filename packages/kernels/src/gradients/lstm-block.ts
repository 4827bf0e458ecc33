import type { GradConfig, Tensor } from '@tensorflow/tfjs-core';
import { engine } from '@tensorflow/tfjs-core';
import { LSTMBlock, LSTMBlockGrad } from '../lstm/block.js';

/**
 * Gradient of the whole-layer LSTM kernel ({@link LSTMBlock}): one {@link LSTMBlockGrad} kernel
 * (backpropagation through time) gives the gradients of the input, the stacked kernel, the bias
 * and the initial state. The saved activations (`i`, `f`, `o`, `ci`, `co`) are internal: gradients
 * flowing into them are not propagated.
 *
 * @example
 * ```ts
 * registerGradient(lstmBlockGradConfig); // registerGradientFixes() does this
 * ```
 */
export const lstmBlockGradConfig: GradConfig = {
  kernelName: LSTMBlock,
  inputsToSave: ['x', 'w', 'b', 'h0', 'c0'],
  outputsToSave: [true, true, true, true, true, true, true],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
    const [dhs, dcs] = dy as Tensor[];
    const [x, w, b, h0, c0, hs, cs, i, f, o, ci, co] = saved as Tensor[];
    const inputs = { x, w, b, h0, c0, hs, cs, i, f, o, ci, co, dhs, dcs };
    const [dx, dw, db, dh0, dc0] = engine().runKernel(LSTMBlockGrad, inputs as never, {}) as Tensor[];
    return {
      x: () => dx as Tensor,
      w: () => dw as Tensor,
      b: () => db as Tensor,
      h0: () => dh0 as Tensor,
      c0: () => dc0 as Tensor,
    };
  },
};
