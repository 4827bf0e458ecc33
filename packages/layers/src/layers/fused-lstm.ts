import { hasKernel } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, engine, fused, reshape, reverse, slice, transpose, unstack, zeros } from '@tessera/tensor';

/** The fused LSTM recurrence kernel (registered by @tessera/kernels on wasm and cpu). */
const LSTM_SEQUENCE = 'TesseraLSTMSequence';

/** The whole-layer LSTM kernel (registered by @tessera/kernels on the native tensorflow backend). */
const LSTM_BLOCK = 'TesseraLSTMBlock';

/** Whether the active backend has a fused LSTM kernel (the whole layer or the recurrence). */
export function fusedLstmAvailable(): boolean {
  return hasKernel(LSTM_BLOCK) || hasKernel(LSTM_SEQUENCE);
}

/**
 * The LSTM loop as fused kernels, with the same results as the per-step loop of `RNN.run`
 * (sigmoid gates, tanh cell, no mask): outputs in processing order, state `[h, c]` after the
 * last step. Where the backend has the whole-layer kernel (native TensorFlow's `BlockLSTMV2`),
 * that one kernel runs it; else one input projection (one fused product + bias for every step
 * and gate) and one fused recurrence kernel.
 */
export function fusedLstm(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor | undefined,
  [h0, c0]: [Tensor, Tensor],
  keepAll: boolean,
  backwards: boolean,
): { outputs: Tensor[]; state: Tensor[] } {
  const [b, t, f] = x.shape as [number, number, number];
  const u = recurrentKernel.shape[0] as number;
  let hs: Tensor;
  let cs: Tensor;
  if (hasKernel(LSTM_BLOCK)) {
    let xt = transpose(x, [1, 0, 2]);
    if (backwards) xt = reverse(xt, 0);
    const w = concat([kernel, recurrentKernel], 0);
    const inputs = { x: xt, w, b: bias ?? zeros([4 * u]), h0, c0 };
    const outs = engine().runKernel(LSTM_BLOCK, inputs as never, {}) as Tensor[];
    [hs, cs] = outs as [Tensor, Tensor];
    for (const saved of outs.slice(2)) saved.dispose();
  } else {
    const flat = reshape(transpose(x, [1, 0, 2]), [t * b, f]);
    let xp = reshape(fused.matMul({ a: flat, b: kernel, bias }), [t, b, 4 * u]);
    if (backwards) xp = reverse(xp, 0);
    const outs = engine().runKernel(LSTM_SEQUENCE, { xp, u: recurrentKernel, h0, c0 } as never, {}) as [Tensor, Tensor, Tensor];
    [hs, cs] = outs;
    outs[2].dispose();
  }
  const last = (s: Tensor) => reshape(slice(s, [t - 1, 0, 0], [1, b, u]), [b, u]);
  return { outputs: keepAll ? unstack(hs) : [], state: [last(hs), last(cs)] };
}
