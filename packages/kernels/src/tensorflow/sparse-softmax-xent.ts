import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { classIndex, SparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyGrad, sparseXentInputs } from '../softmax-xent/sparse.js';
import type { OutputMetadata, TfBackend } from './binding.js';
import { floatOp, handOut, intVector, type NativeTemps } from './native-op.js';

/**
 * The labels as TensorFlow's op takes them (it refuses a label outside the classes): the input
 * itself when every label is a class index; else the labels with those rows set to 0 and a 0/1
 * float row mask that zeroes their loss and gradient (native handles, pushed to `temps`).
 */
function opLabels(tb: TfBackend, labels: TensorInfo, rows: number, classes: number, temps: NativeTemps): { id: number; mask?: number } {
  const values = tb.readSync(labels.dataId);
  let outside = false;
  for (let r = 0; r < rows && !outside; r++) outside = classIndex(values, r, classes) < 0;
  if (!outside) return { id: tb.getInputTensorIds([labels])[0] as number };
  const bind = tb.binding;
  const clamped = new Int32Array(rows);
  const mask = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = classIndex(values, r, classes);
    if (c >= 0) {
      clamped[r] = c;
      mask[r] = 1;
    }
  }
  const id = bind.createTensor([rows], bind.TF_INT32, clamped);
  const maskId = bind.createTensor([rows], bind.TF_FLOAT, mask);
  temps.push(id, maskId);
  return { id, mask: maskId };
}

/** TensorFlow's `SparseSoftmaxCrossEntropyWithLogits` on native handles: `[loss, backprop]`, pushed to `temps`. */
function runXent(tb: TfBackend, logits: TensorInfo, labelsId: number, temps: NativeTemps): [number, number] {
  const bind = tb.binding;
  const attrs = [
    { name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT },
    { name: 'Tlabels', type: bind.TF_ATTR_TYPE, value: bind.TF_INT32 },
  ];
  const [logitsId] = tb.getInputTensorIds([logits]) as [number];
  const [loss, backprop] = bind.executeOp('SparseSoftmaxCrossEntropyWithLogits', attrs, [logitsId, labelsId], 2) as [
    OutputMetadata,
    OutputMetadata,
  ];
  temps.push(loss.id, backprop.id);
  return [loss.id, backprop.id];
}

/**
 * {@link SparseSoftmaxCrossEntropy} on the native `tensorflow` backend: one TensorFlow
 * `SparseSoftmaxCrossEntropyWithLogits` op (its backprop output freed at once); rows whose label
 * is outside the classes (which the op refuses) go in as class 0 and their loss is zeroed.
 *
 * @example
 * ```ts
 * await useBackend(node()); // registers it
 * sparseCategoricalCrossentropy({ fromLogits: true })(labels, logits); // runs as this kernel
 * ```
 */
export const tensorflowSparseXentKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, false);
  const tb = backend as unknown as TfBackend;
  const temps: NativeTemps = [];
  try {
    const { id, mask } = opLabels(tb, labels, rows, classes, temps);
    const [loss] = runXent(tb, logits, id, temps);
    return handOut(tb, mask === undefined ? loss : floatOp(tb, 'Mul', [loss, mask], temps), [rows], temps);
  } finally {
    for (const id of temps) tb.binding.deleteTensor(id);
  }
};

/**
 * {@link SparseSoftmaxCrossEntropyGrad} on the native `tensorflow` backend: TensorFlow's
 * `SparseSoftmaxCrossEntropyWithLogits` backprop times `dy` as a column (`dy` zeroed on rows
 * whose label is outside the classes), a few native ops in one kernel, intermediates freed at once.
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
  const temps: NativeTemps = [];
  try {
    const { id, mask } = opLabels(tb, labels, rows, classes, temps);
    const [, backprop] = runXent(tb, logits, id, temps);
    const [dyId] = tb.getInputTensorIds([dy as TensorInfo]) as [number];
    const scale = mask === undefined ? dyId : floatOp(tb, 'Mul', [dyId, mask], temps);
    const shape = intVector(tb, [rows, 1], temps);
    const column = floatOp(tb, 'Reshape', [scale, shape], temps, [{ name: 'Tshape', type: bind.TF_ATTR_TYPE, value: bind.TF_INT32 }]);
    return handOut(tb, floatOp(tb, 'Mul', [backprop, column], temps), [rows, classes], temps);
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
