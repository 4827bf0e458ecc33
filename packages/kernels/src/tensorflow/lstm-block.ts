import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { LSTMBlock, LSTMBlockGrad } from '../lstm/block.js';
import type { OutputMetadata, TfBackend } from './binding.js';

function float32Inputs(inputs: Record<string, TensorInfo>, names: readonly string[]): TensorInfo[] {
  return names.map((name) => {
    const info = inputs[name];
    if (info?.dtype !== 'float32')
      throw new TesseraError('VALUE', `LSTM block kernel: input "${name}" must be a float32 tensor, got ${info ? info.dtype : 'nothing'}`);
    return info;
  });
}

/**
 * Runs a BlockLSTM op with the sequence length as an int64 scalar and zero peephole weights
 * (native handles made and freed here, never tfjs tensors); returns the op's output metadata.
 */
function runBlockOp(
  backend: TfBackend,
  op: 'BlockLSTMV2' | 'BlockLSTMGradV2',
  steps: number,
  units: number,
  inputs: TensorInfo[],
  numOutputs: number,
  withClip: boolean,
): OutputMetadata[] {
  const bind = backend.binding;
  const seqLen = bind.createTensor([], bind.TF_INT64, new Int32Array([steps, 0]));
  const peephole = bind.createTensor([units], bind.TF_FLOAT, new Float32Array(units));
  try {
    const [x, cPrev, hPrev, w, b, ...rest] = backend.getInputTensorIds(inputs) as number[];
    const ids = [seqLen, x, cPrev, hPrev, w, peephole, peephole, peephole, b, ...rest] as number[];
    const attrs = [
      { name: 'use_peephole', type: bind.TF_ATTR_BOOL, value: false },
      { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
      ...(withClip ? [{ name: 'cell_clip', type: bind.TF_ATTR_FLOAT, value: 0 }] : []),
    ];
    return bind.executeOp(op, attrs, ids, numOutputs);
  } finally {
    bind.deleteTensor(seqLen);
    bind.deleteTensor(peephole);
  }
}

/**
 * The whole-layer LSTM kernel ({@link LSTMBlock}) on the native `tensorflow` backend: one
 * TensorFlow `BlockLSTMV2` op (gates in Keras order, no peepholes, no clipping) runs every step,
 * in place of ~20 eager ops a step.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * lstm(32).call(x); // runs as one TesseraLSTMBlock kernel
 * ```
 */
export const tensorflowLstmBlockKernel: KernelFunc = ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo>;
  const [x, w, b, h0, c0] = float32Inputs(named, ['x', 'w', 'b', 'h0', 'c0']) as TensorInfo[];
  const steps = x?.shape[0] as number;
  const units = h0?.shape[1] as number;
  const tb = backend as unknown as TfBackend;
  // BlockLSTMV2 outputs i, cs, f, o, ci, co, h; the kernel's order is h, cs, i, f, o, ci, co.
  const out = runBlockOp(tb, 'BlockLSTMV2', steps, units, [x, c0, h0, w, b] as TensorInfo[], 7, true);
  return [6, 1, 0, 2, 3, 4, 5].map((k) => tb.createOutputTensor(out[k] as OutputMetadata));
};

/**
 * The gradient kernel of the whole-layer LSTM ({@link LSTMBlockGrad}) on the native `tensorflow`
 * backend: one TensorFlow `BlockLSTMGradV2` op.
 *
 * @example
 * ```ts
 * grad((x) => sum(lstm(32).call(x)))(x); // runs TesseraLSTMBlockGrad once
 * ```
 */
export const tensorflowLstmBlockGradKernel: KernelFunc = ({ inputs, backend }) => {
  const named = inputs as Record<string, TensorInfo>;
  const names = ['x', 'c0', 'h0', 'w', 'b', 'i', 'cs', 'f', 'o', 'ci', 'co', 'hs', 'dcs', 'dhs'] as const;
  const infos = float32Inputs(named, names);
  const steps = named.x?.shape[0] as number;
  const units = named.h0?.shape[1] as number;
  const tb = backend as unknown as TfBackend;
  // BlockLSTMGradV2 outputs dx, dcs_prev, dh_prev, dw, dwci, dwcf, dwco, db; the kernel's order is dx, dw, db, dh0, dc0.
  const out = runBlockOp(tb, 'BlockLSTMGradV2', steps, units, infos, 8, false);
  for (const k of [4, 5, 6]) tb.binding.deleteTensor((out[k] as OutputMetadata).id);
  return [0, 3, 7, 2, 1].map((k) => tb.createOutputTensor(out[k] as OutputMetadata));
};

/**
 * Kernel config of {@link tensorflowLstmBlockKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowLstmBlockConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowLstmBlockConfig: KernelConfig = {
  kernelName: LSTMBlock,
  backendName: 'tensorflow',
  kernelFunc: tensorflowLstmBlockKernel,
};

/**
 * Kernel config of {@link tensorflowLstmBlockGradKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowLstmBlockGradConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowLstmBlockGradConfig: KernelConfig = {
  kernelName: LSTMBlockGrad,
  backendName: 'tensorflow',
  kernelFunc: tensorflowLstmBlockGradKernel,
};
