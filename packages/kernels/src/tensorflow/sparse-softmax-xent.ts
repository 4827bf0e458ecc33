import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { SparseSoftmaxCrossEntropy, SparseSoftmaxCrossEntropyGrad, sparseXentInputs } from '../softmax-xent/sparse.js';
import type { OutputMetadata, TfBackend } from './binding.js';

/** Native handles made for one kernel call, freed when it ends. */
type Temps = number[];

/**
 * The labels as TensorFlow's op takes them (it refuses a label outside the classes): the input
 * itself when every label is a class index; else the labels with those rows set to 0 and a 0/1
 * float row mask that zeroes their loss and gradient (native handles, pushed to `temps`).
 */
function opLabels(tb: TfBackend, labels: TensorInfo, rows: number, classes: number, temps: Temps): { id: number; mask?: number } {
  const values = tb.readSync(labels.dataId);
  let valid = true;
  for (let r = 0; r < rows && valid; r++) valid = (values[r] as number) >= 0 && (values[r] as number) < classes;
  if (valid) return { id: tb.getInputTensorIds([labels])[0] as number };
  const bind = tb.binding;
  const clamped = new Int32Array(rows);
  const mask = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    const v = values[r] as number;
    if (v >= 0 && v < classes) {
      clamped[r] = v;
      mask[r] = 1;
    }
  }
  const id = bind.createTensor([rows], bind.TF_INT32, clamped);
  const maskId = bind.createTensor([rows], bind.TF_FLOAT, mask);
  temps.push(id, maskId);
  return { id, mask: maskId };
}

/** Runs one float32 TensorFlow op with one output on native handles; the output is pushed to `temps`. */
function op(
  tb: TfBackend,
  name: string,
  ids: number[],
  temps: Temps,
  extra: { name: string; type: number; value: unknown }[] = [],
): number {
  const bind = tb.binding;
  const attrs = [{ name: 'T', type: bind.TF_ATTR_TYPE, value: bind.TF_FLOAT }, ...extra];
  const id = (bind.executeOp(name, attrs, ids, 1)[0] as OutputMetadata).id;
  temps.push(id);
  return id;
}

/** TensorFlow's `SparseSoftmaxCrossEntropyWithLogits` on native handles: `[loss, backprop]`, pushed to `temps`. */
function runXent(tb: TfBackend, logits: TensorInfo, labelsId: number, temps: Temps): [number, number] {
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

/** Hands native handle `id` to tfjs as the kernel's output (so it is not freed with the temps). */
function output(tb: TfBackend, id: number, shape: number[], temps: Temps): TensorInfo {
  temps.splice(temps.indexOf(id), 1);
  return tb.createOutputTensor({ id, shape, dtype: tb.binding.TF_FLOAT });
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
  const temps: Temps = [];
  try {
    const { id, mask } = opLabels(tb, labels, rows, classes, temps);
    const [loss] = runXent(tb, logits, id, temps);
    return output(tb, mask === undefined ? loss : op(tb, 'Mul', [loss, mask], temps), [rows], temps);
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
  const temps: Temps = [];
  try {
    const { id, mask } = opLabels(tb, labels, rows, classes, temps);
    const [, backprop] = runXent(tb, logits, id, temps);
    const [dyId] = tb.getInputTensorIds([dy as TensorInfo]) as [number];
    const scale = mask === undefined ? dyId : op(tb, 'Mul', [dyId, mask], temps);
    const shape = bind.createTensor([2], bind.TF_INT32, new Int32Array([rows, 1]));
    temps.push(shape);
    const column = op(tb, 'Reshape', [scale, shape], temps, [{ name: 'Tshape', type: bind.TF_ATTR_TYPE, value: bind.TF_INT32 }]);
    return output(tb, op(tb, 'Mul', [backprop, column], temps), [rows, classes], temps);
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
