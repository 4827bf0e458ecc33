import { ValueError } from '@tessera/core';
import type { Layer } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import type { OnnxBuilder } from './onnx-builder.js';

type AnyLayer = Layer<Tensor | Tensor[]>;

const ONNX_ACTIVATION: Record<string, string> = { tanh: 'Tanh', sigmoid: 'Sigmoid', relu: 'Relu' };

/** `[in, g·u]` kernel → ONNX `[1, g·u, in]`, its gate blocks reordered by `order`. */
function gateMatrix(kernel: Tensor, gates: number, order: number[]): { dims: number[]; data: Float32Array } {
  const [rows, cols] = kernel.shape as [number, number];
  const u = cols / gates;
  const src = kernel.dataSync() as Float32Array;
  const out = new Float32Array(src.length);
  order.forEach((g, slot) => {
    for (let j = 0; j < u; j++) for (let i = 0; i < rows; i++) out[(slot * u + j) * rows + i] = src[i * cols + g * u + j] as number;
  });
  return { dims: [1, cols, rows], data: out };
}

function reorderVector(v: ArrayLike<number>, gates: number, order: number[]): number[] {
  const u = v.length / gates;
  return order.flatMap((g) => Array.from({ length: u }, (_, j) => v[g * u + j] as number));
}

/**
 * SimpleRNN, LSTM and GRU as ONNX's RNN, LSTM and GRU ops (time-major, between two Transposes:
 * onnxruntime rejects `layout` 1; forward direction): LSTM gates reordered from Keras' i, f, c, o to ONNX's i, o, f, c; GRU keeps z, r, h
 * with `linear_before_reset` for `resetAfter`. `goBackwards` and activations other than tanh,
 * sigmoid and relu fail with a ValueError.
 *
 * @example
 * ```ts
 * const [y] = emitRecurrent(builder, lstmLayer, ['x']);
 * ```
 */
export function emitRecurrent(b: OnnxBuilder, l: AnyLayer, [x]: string[]): string[] {
  const c = l.getConfig().config as {
    units: number;
    activation?: string;
    recurrentActivation?: string;
    returnSequences?: boolean;
    goBackwards?: boolean;
    resetAfter?: boolean;
  };
  if (c.goBackwards) throw new ValueError(`ONNX export of ${l.name}`, 'a forward recurrent layer', 'goBackwards: true');
  const kind = l.className as 'SimpleRNN' | 'LSTM' | 'GRU';
  const gates = kind === 'LSTM' ? 4 : kind === 'GRU' ? 3 : 1;
  const order = kind === 'LSTM' ? [0, 3, 1, 2] : [0, 1, 2].slice(0, gates);
  const act = (name: string | undefined, fallback: string) => {
    const a = ONNX_ACTIVATION[name ?? fallback];
    if (!a) throw new ValueError(`ONNX export of ${l.name} activation`, 'tanh, sigmoid or relu', name);
    return a;
  };
  const v = l.variables();
  const w = (short: string) => v[`${l.name}/${short}`];
  const kernel = w('kernel') as Tensor;
  const rec = w('recurrent_kernel') as Tensor;
  const u = c.units;
  const W = gateMatrix(kernel, gates, order);
  const R = gateMatrix(rec, gates, order);
  const bias = w('bias');
  let B: number[];
  if (!bias) B = new Array(2 * gates * u).fill(0);
  else if (bias.rank === 2) {
    const d = bias.dataSync();
    B = [...reorderVector(d.subarray(0, gates * u), gates, order), ...reorderVector(d.subarray(gates * u), gates, order)];
  } else B = [...reorderVector(bias.dataSync(), gates, order), ...new Array(gates * u).fill(0)];
  const timeMajor = b.op('Transpose', [x as string], { perm: { ints: [1, 0, 2] } }, `${l.name}/time_major`)[0] as string;
  const inputs = [
    timeMajor,
    b.floats(`${l.name}/W`, W.dims, W.data),
    b.floats(`${l.name}/R`, R.dims, R.data),
    b.floats(`${l.name}/B`, [1, 2 * gates * u], B),
  ];
  const g = act(c.activation, 'tanh');
  const f = act(c.recurrentActivation, 'sigmoid');
  const activations = kind === 'SimpleRNN' ? [g] : kind === 'LSTM' ? [f, g, g] : [f, g];
  const attrs = {
    hidden_size: { int: u },
    activations: { strings: activations },
    ...(kind === 'GRU' ? { linear_before_reset: { int: c.resetAfter === false ? 0 : 1 } } : {}),
  };
  const op = kind === 'SimpleRNN' ? 'RNN' : kind;
  const [y, yh] = b.op(op, inputs, attrs, `${l.name}/${op.toLowerCase()}`, 2);
  // Y: [time, 1, batch, units]; Y_h: [1, batch, units]
  if (c.returnSequences) {
    const t = b.op('Transpose', [y as string], { perm: { ints: [2, 0, 1, 3] } }, `${l.name}/batch_major`)[0] as string;
    return b.op('Reshape', [t, b.ints(`${l.name}/seq_shape`, [0, 0, u])], {}, `${l.name}/sequence`);
  }
  return b.op('Reshape', [yh as string, b.ints(`${l.name}/last_shape`, [-1, u])], {}, `${l.name}/last`);
}
