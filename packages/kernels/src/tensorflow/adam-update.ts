import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { AdamUpdate, type AdamUpdateAttrs, adamInputs } from '../adam/update.js';
import type { OutputMetadata, TfBackend } from './binding.js';

/**
 * {@link AdamUpdate} on the native `tensorflow` backend: the twelve elementwise TensorFlow ops of
 * the update run straight on the native binding (scalars as native handles, intermediates freed
 * at once), so tfjs' engine sees one kernel instead of twelve and uploads no scalar tensors.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * ```
 */
export const tensorflowAdamUpdateKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const [g, m, v] = adamInputs(inputs as Record<string, TensorInfo>);
  const { b1, b2, eps, count } = attrs as unknown as AdamUpdateAttrs;
  const tb = backend as unknown as TfBackend;
  const bind = tb.binding;
  const typeAttr = [{ name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT }];
  const temps: number[] = [];
  const scalar = (x: number): number => {
    const id = bind.createTensor([], bind.TF_FLOAT, new Float32Array([x]));
    temps.push(id);
    return id;
  };
  const op = (name: string, ...ids: number[]): number => {
    const id = (bind.executeOp(name, typeAttr, ids, 1)[0] as OutputMetadata).id;
    temps.push(id);
    return id;
  };
  try {
    const [gi, mi, vi] = tb.getInputTensorIds([g, m, v]) as [number, number, number];
    const m1 = op('AddV2', op('Mul', mi, scalar(b1)), op('Mul', gi, scalar(1 - b1)));
    const v1 = op('AddV2', op('Mul', vi, scalar(b2)), op('Mul', op('Square', gi), scalar(1 - b2)));
    const denom = op('AddV2', op('Sqrt', op('Mul', v1, scalar(1 / (1 - b2 ** count)))), scalar(eps));
    const update = op('RealDiv', op('Mul', m1, scalar(1 / (1 - b1 ** count))), denom);
    // the three outputs become tfjs tensors (freed when those are disposed), the rest is freed below
    return [update, m1, v1].map((id) => {
      temps.splice(temps.indexOf(id), 1);
      return tb.createOutputTensor({ id, shape: g.shape, dtype: bind.TF_FLOAT });
    });
  } finally {
    for (const id of temps) bind.deleteTensor(id);
  }
};

/**
 * Kernel config of {@link tensorflowAdamUpdateKernel}.
 *
 * @example
 * ```ts
 * registerKernel(tensorflowAdamUpdateConfig); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowAdamUpdateConfig: KernelConfig = {
  kernelName: AdamUpdate,
  backendName: 'tensorflow',
  kernelFunc: tensorflowAdamUpdateKernel,
};
