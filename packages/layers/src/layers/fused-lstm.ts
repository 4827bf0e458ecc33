import { hasKernel } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { engine, fused, reshape, reverse, slice, transpose, unstack } from '@tessera/tensor';

/** The fused LSTM recurrence kernel (registered by @tessera/kernels on wasm and cpu). */
const LSTM_SEQUENCE = 'TesseraLSTMSequence';

/** Whether the active backend has the fused LSTM recurrence kernel. */
export function fusedLstmAvailable(): boolean {
  return hasKernel(LSTM_SEQUENCE);
}

/**
 * The LSTM loop as one input projection (one fused product + bias for every step and gate) and
 * one fused recurrence kernel, with the same results as the per-step loop of `RNN.run` (sigmoid
 * gates, tanh cell, no mask): outputs in processing order, state `[h, c]` after the last step.
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
  const flat = reshape(transpose(x, [1, 0, 2]), [t * b, f]);
  let xp = reshape(fused.matMul({ a: flat, b: kernel, bias }), [t, b, 4 * u]);
  if (backwards) xp = reverse(xp, 0);
  const [hs, cs, gates] = engine().runKernel(LSTM_SEQUENCE, { xp, u: recurrentKernel, h0, c0 } as never, {}) as [Tensor, Tensor, Tensor];
  gates.dispose();
  const last = (s: Tensor) => reshape(slice(s, [t - 1, 0, 0], [1, b, u]), [b, u]);
  return { outputs: keepAll ? unstack(hs) : [], state: [last(hs), last(cs)] };
}
