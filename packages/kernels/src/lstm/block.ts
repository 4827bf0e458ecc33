/**
 * Kernel name of the whole LSTM layer as one kernel, for backends with a native sequence op
 * (TensorFlow's `BlockLSTMV2` on the `tensorflow` backend): inputs `x` (`[t, b, f]`, time-major),
 * `w` (`[f + u, 4u]`: the input kernel stacked over the recurrent kernel, gates in Keras order
 * i, f, c, o), `b` (`[4u]`), `h0`, `c0` (`[b, u]`); outputs `hs`, `cs` (`[t, b, u]`, hidden and
 * cell state after each step), then the activations saved for the gradient: `i`, `f`, `o`, `ci`
 * (cell input) and `co` (`tanh` of the cell state), each `[t, b, u]`. Sigmoid gates, tanh cell
 * activation, no peepholes, no clipping.
 *
 * @example
 * ```ts
 * const [hs, cs, ...saved] = engine().runKernel(LSTMBlock, { x, w, b, h0, c0 }, {}) as Tensor[];
 * ```
 */
export const LSTMBlock = 'TesseraLSTMBlock';

/**
 * Kernel name of the gradient of {@link LSTMBlock}: inputs `x`, `w`, `b`, `h0`, `c0`, the seven
 * outputs of the forward kernel (`hs`, `cs`, `i`, `f`, `o`, `ci`, `co`) and the gradients `dhs`,
 * `dcs`; outputs `dx`, `dw`, `db`, `dh0`, `dc0`.
 *
 * @example
 * ```ts
 * const [dx, dw, db, dh0, dc0] = engine().runKernel(LSTMBlockGrad, { x, w, b, h0, c0, hs, cs, i, f, o, ci, co, dhs, dcs }, {}) as Tensor[];
 * ```
 */
export const LSTMBlockGrad = 'TesseraLSTMBlockGrad';
