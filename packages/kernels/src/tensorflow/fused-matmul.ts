import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { ValueError } from '@tessera/core';
import { FusedMatMul, type FusedMatMulAttrs } from '../fused-matmul.js';
import type { OutputMetadata, TfBackend } from './binding.js';
import { withListAttributes } from './list-attributes.js';
import { floatOp, handOut, type NativeTemps } from './native-op.js';

/**
 * {@link FusedMatMul} on the native `tensorflow` backend: TensorFlow's `_FusedMatMul` (Eigen's
 * product, the bias and ReLU applied as it writes its output; the same values as the three ops),
 * where the binding takes list attributes (`npm run setup:native` builds it so); else `MatMul`,
 * `BiasAdd` and `Relu` on native handles. At [128, 784] × [784, 128] with ReLU 0.43–0.52 ms against
 * 0.56–0.71 ms for the three ops (2 cores, loaded).
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it; Dense layers with a bias and 'relu' or no activation use it
 * engine().runKernel(FusedMatMul, { a, b, bias }, { activation: 'relu' });
 * ```
 */
export const tensorflowFusedMatMulKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const tb = backend as unknown as TfBackend;
  const { a, b, bias } = inputs as { a?: TensorInfo; b?: TensorInfo; bias?: TensorInfo };
  const { activation } = attrs as unknown as FusedMatMulAttrs;
  if (!a || !b || !bias) throw new ValueError(`${FusedMatMul} inputs`, 'a, b and bias', Object.keys(inputs));
  if (activation !== 'relu' && activation !== 'linear') throw new ValueError(`${FusedMatMul} activation`, "'relu' or 'linear'", activation);
  const dtypes = [a, b, bias].map((t) => t.dtype);
  if (dtypes.some((d) => d !== 'float32')) throw new ValueError(`${FusedMatMul} a, b, bias dtypes`, 'float32', dtypes);
  if (a.shape.length !== 2 || b.shape.length !== 2 || a.shape[1] !== b.shape[0] || bias.shape.join() !== `${b.shape[1]}`)
    throw new ValueError(`${FusedMatMul} shapes`, 'a [m, k], b [k, n], bias [n]', [a.shape, b.shape, bias.shape]);
  const bind = tb.binding;
  const ids = tb.getInputTensorIds([a, b, bias]) as [number, number, number];
  const transposes = [
    { name: 'transpose_a', type: bind.TF_ATTR_BOOL, value: false },
    { name: 'transpose_b', type: bind.TF_ATTR_BOOL, value: false },
  ];
  const fusedAttrs = [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'num_args', type: bind.TF_ATTR_INT, value: 1 },
    ...transposes,
    { name: 'fused_ops', type: bind.TF_ATTR_STRING, value: activation === 'relu' ? ['BiasAdd', 'Relu'] : ['BiasAdd'] },
  ];
  const fused = withListAttributes(tb, () => bind.executeOp('_FusedMatMul', fusedAttrs, ids, 1));
  if (fused) return tb.createOutputTensor(fused[0] as OutputMetadata);
  const temps: NativeTemps = [];
  try {
    let id = floatOp(tb, 'MatMul', [ids[0], ids[1]], temps, transposes);
    id = floatOp(tb, 'BiasAdd', [id, ids[2]], temps, [{ name: 'data_format', type: bind.TF_ATTR_STRING, value: 'NHWC' }]);
    if (activation === 'relu') id = floatOp(tb, 'Relu', [id], temps);
    return handOut(tb, id, [a.shape[0] as number, b.shape[1] as number], temps);
  } finally {
    for (const id of temps) bind.deleteTensor(id);
  }
};

/**
 * Kernel config of {@link tensorflowFusedMatMulKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowFusedMatMulConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowFusedMatMulConfig: KernelConfig = {
  kernelName: FusedMatMul,
  backendName: 'tensorflow',
  kernelFunc: tensorflowFusedMatMulKernel,
};
