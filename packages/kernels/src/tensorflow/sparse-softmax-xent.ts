import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { SparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyGrad, sparseXentInputs } from '../softmax-xent/sparse.js';
import type { OutputMetadata, TfBackend } from './binding.js';

/**
 * Runs TensorFlow's `SparseSoftmaxCrossEntropyWithLogits` on the native binding: `[loss, backprop]`
 * handles, an out-of-range label rethrown with the kernel's name.
 */
function runXent(tb: TfBackend, logits: TensorInfo, labels: TensorInfo): [number, number] {
  const bind = tb.binding;
  const attrs = [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'Tlabels', type: bind.TF_ATTR_TYPE, value: bind.TF_INT32 },
  ];
  try {
    const [loss, backprop] = bind.executeOp('SparseSoftmaxCrossEntropyWithLogits', attrs, tb.getInputTensorIds([logits, labels]), 2);
    return [(loss as OutputMetadata).id, (backprop as OutputMetadata).id];
  } catch (e) {
    // tfjs-node's "Invalid TF_Status: 3\nMessage: Received a label value of 3 which is outside the valid range of [0, 3). ..."
    const message = String((e as Error).message ?? e).replace(/^[\s\S]*?Message: /, '');
    throw new TesseraError('VALUE', `sparse softmax cross-entropy: ${message}`);
  }
}

/**
 * {@link SparseSoftmaxCrossEntropy} on the native `tensorflow` backend: one TensorFlow
 * `SparseSoftmaxCrossEntropyWithLogits` op (its backprop output freed at once).
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * sparseCategoricalCrossentropy({ fromLogits: true })(labels, logits); // runs as this kernel
 * ```
 */
export const tensorflowSparseXentKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, rows } = sparseXentInputs(inputs as Record<string, TensorInfo>, false);
  const tb = backend as unknown as TfBackend;
  const [loss, backprop] = runXent(tb, logits, labels);
  tb.binding.deleteTensor(backprop);
  return tb.createOutputTensor({ id: loss, shape: [rows], dtype: tb.binding.TF_FLOAT });
};

/**
 * {@link SparseSoftmaxCrossEntropyGrad} on the native `tensorflow` backend: TensorFlow's
 * `SparseSoftmaxCrossEntropyWithLogits` backprop times `dy` as a column, three native ops in one
 * kernel (intermediates freed at once).
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * grad((x) => sparseCategoricalCrossentropy({ fromLogits: true })(labels, x))(logits);
 * ```
 */
export const tensorflowSparseXentGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, dy, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, true);
  const tb = backend as unknown as TfBackend;
  const bind = tb.binding;
  const [loss, backprop] = runXent(tb, logits, labels);
  const shape = bind.createTensor([2], bind.TF_INT32, new Int32Array([rows, 1]));
  const temps = [loss, backprop, shape];
  try {
    const [dyId] = tb.getInputTensorIds([dy as TensorInfo]) as [number];
    const typeAttr = { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT };
    const shapeAttr = { name: 'Tshape', type: bind.TF_ATTR_TYPE, value: bind.TF_INT32 };
    const column = (bind.executeOp('Reshape', [typeAttr, shapeAttr], [dyId, shape], 1)[0] as OutputMetadata).id;
    temps.push(column);
    const out = bind.executeOp('Mul', [typeAttr], [backprop, column], 1)[0] as OutputMetadata;
    return tb.createOutputTensor({ id: out.id, shape: [rows, classes], dtype: bind.TF_FLOAT });
  } finally {
    for (const id of temps) bind.deleteTensor(id);
  }
};

/**
 * Kernel configs of {@link tensorflowSparseXentKernel} and {@link tensorflowSparseXentGradKernel}.
 *
 * @example
 * ```ts
 * for (const config of tensorflowSparseXentConfigs) registerKernel(config); // registerTensorflowKernels() does this
 * ```
 */
export const tensorflowSparseXentConfigs: readonly KernelConfig[] = [
  { kernelName: SparseSoftmaxCrossEntropy, backendName: 'tensorflow', kernelFunc: tensorflowSparseXentKernel },
  { kernelName: SparseSoftmaxCrossEntropyGrad, backendName: 'tensorflow', kernelFunc: tensorflowSparseXentGradKernel },
];
