import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import type { HeapBackend } from '../backend-io.js';

/**
 * Kernel name of softmax cross-entropy against integer class labels, per row: inputs `logits`
 * (`[n, classes]`, float32) and `labels` (`[n]`, int32); output the loss `[n]`,
 * `logsumexp(logits[r]) − logits[r, labels[r]]`. A row whose label is outside `[0, classes)`
 * (such as -100 for a token that is not scored) costs nothing: zero loss and zero gradient, as
 * its one-hot row of zeros does in the ops. One kernel in place of the ~15 ops of one-hot
 * targets times `logSoftmax`.
 *
 * @example
 * ```ts
 * const loss = engine().runKernel(SparseSoftmaxCrossEntropy, { logits, labels }) as Tensor; // [n]
 * ```
 */
export const SparseSoftmaxCrossEntropy = 'TesseraSparseSoftmaxCrossEntropy';

/**
 * Kernel name of the gradient of {@link SparseSoftmaxCrossEntropy}: inputs `logits`, `labels`
 * and `dy` (`[n]`, the loss' gradient); output `dy[r] · (softmax(logits[r]) − onehot(labels[r]))`,
 * `[n, classes]`.
 *
 * @example
 * ```ts
 * const dLogits = engine().runKernel(SparseSoftmaxCrossEntropyGrad, { logits, labels, dy }) as Tensor;
 * ```
 */
export const SparseSoftmaxCrossEntropyGrad = 'TesseraSparseSoftmaxCrossEntropyGrad';

/**
 * The checked inputs of a {@link SparseSoftmaxCrossEntropy} or {@link SparseSoftmaxCrossEntropyGrad}
 * kernel (`dy` only for the gradient), with the row and class counts.
 *
 * @example
 * ```ts
 * const { logits, labels, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, false);
 * ```
 */
export function sparseXentInputs(
  inputs: Record<string, TensorInfo>,
  withDy: boolean,
): { logits: TensorInfo; labels: TensorInfo; dy?: TensorInfo; rows: number; classes: number } {
  const { logits, labels, dy } = inputs;
  const name = withDy ? 'sparse softmax cross-entropy gradient kernel' : 'sparse softmax cross-entropy kernel';
  if (logits?.dtype !== 'float32' || logits.shape.length !== 2)
    throw new TesseraError('VALUE', `${name}: logits must be a float32 [rows, classes] tensor, got ${describe(logits)}`);
  const [rows, classes] = logits.shape as [number, number];
  if (labels?.dtype !== 'int32' || labels.shape.length !== 1 || labels.shape[0] !== rows)
    throw new TesseraError('VALUE', `${name}: labels must be an int32 [${rows}] tensor, got ${describe(labels)}`);
  if (withDy && (dy?.dtype !== 'float32' || dy.shape.length !== 1 || dy.shape[0] !== rows))
    throw new TesseraError('VALUE', `${name}: dy must be a float32 [${rows}] tensor, got ${describe(dy)}`);
  return { logits, labels, dy, rows, classes };
}

function describe(t: TensorInfo | undefined): string {
  return t ? `${t.dtype} [${t.shape.join(', ')}]` : 'nothing';
}

/** The label of row `r` when it is a class index, else -1 (the row costs nothing). */
export function classIndex(labels: ArrayLike<number>, r: number, classes: number): number {
  const label = labels[r] as number;
  return label >= 0 && label < classes ? label : -1;
}

/** `max` and `Σ exp(x − max)` of row `r` (in float64). */
function rowStats(x: ArrayLike<number>, base: number, classes: number): [number, number] {
  let max = -Infinity;
  for (let j = 0; j < classes; j++) max = Math.max(max, x[base + j] as number);
  let sum = 0;
  for (let j = 0; j < classes; j++) sum += Math.exp((x[base + j] as number) - max);
  return [max, sum];
}

/**
 * The losses of {@link SparseSoftmaxCrossEntropy} in one pass over float32 rows (computed in float64).
 *
 * @example
 * ```ts
 * sparseXentLoop(logits, labels, rows, classes, loss);
 * ```
 */
export function sparseXentLoop(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  rows: number,
  classes: number,
  loss: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const label = classIndex(labels, r, classes);
    if (label < 0) {
      loss[r] = 0;
      continue;
    }
    const [max, sum] = rowStats(logits, base, classes);
    loss[r] = max + Math.log(sum) - (logits[base + label] as number);
  }
}

/**
 * The logits' gradient of {@link SparseSoftmaxCrossEntropyGrad} in one pass over float32 rows.
 *
 * @example
 * ```ts
 * sparseXentGradLoop(logits, labels, dy, rows, classes, dLogits);
 * ```
 */
export function sparseXentGradLoop(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  dy: ArrayLike<number>,
  rows: number,
  classes: number,
  out: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const base = r * classes;
    const label = classIndex(labels, r, classes);
    if (label < 0) {
      out.fill(0, base, base + classes);
      continue;
    }
    const [max, sum] = rowStats(logits, base, classes);
    const g = dy[r] as number;
    for (let j = 0; j < classes; j++) out[base + j] = g * (Math.exp((logits[base + j] as number) - max) / sum - (j === label ? 1 : 0));
  }
}

interface CpuBackend {
  readSync(dataId: object): ArrayLike<number>;
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

/**
 * {@link SparseSoftmaxCrossEntropy} on the cpu backend: one JavaScript pass.
 *
 * @example
 * ```ts
 * await useBackend(cpu()); // registers it
 * ```
 */
export const cpuSparseXentKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, false);
  const b = backend as unknown as CpuBackend;
  const loss = new Float32Array(rows);
  sparseXentLoop(b.readSync(logits.dataId), b.readSync(labels.dataId), rows, classes, loss);
  return b.makeTensorInfo([rows], 'float32', loss);
};

/**
 * {@link SparseSoftmaxCrossEntropyGrad} on the cpu backend: one JavaScript pass.
 *
 * @example
 * ```ts
 * await useBackend(cpu()); // registers it
 * ```
 */
export const cpuSparseXentGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, dy, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, true);
  const b = backend as unknown as CpuBackend;
  const out = new Float32Array(rows * classes);
  sparseXentGradLoop(b.readSync(logits.dataId), b.readSync(labels.dataId), b.readSync((dy as TensorInfo).dataId), rows, classes, out);
  return b.makeTensorInfo([rows, classes], 'float32', out);
};

/**
 * {@link SparseSoftmaxCrossEntropy} on the wasm backend: one JavaScript pass over the wasm heap.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * ```
 */
export const wasmSparseXentKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, false);
  const b = backend as HeapBackend;
  const out = b.makeOutput([rows], 'float32');
  // views after the allocation, which can move the heap
  sparseXentLoop(b.typedArrayFromHeap(logits), b.typedArrayFromHeap(labels), rows, classes, b.typedArrayFromHeap(out) as Float32Array);
  return out;
};

/**
 * {@link SparseSoftmaxCrossEntropyGrad} on the wasm backend: one JavaScript pass over the wasm heap.
 *
 * @example
 * ```ts
 * await useBackend(wasm()); // registers it
 * ```
 */
export const wasmSparseXentGradKernel: KernelFunc = ({ inputs, backend }) => {
  const { logits, labels, dy, rows, classes } = sparseXentInputs(inputs as Record<string, TensorInfo>, true);
  const b = backend as HeapBackend;
  const out = b.makeOutput([rows, classes], 'float32');
  const values = b.typedArrayFromHeap(out) as Float32Array;
  sparseXentGradLoop(
    b.typedArrayFromHeap(logits),
    b.typedArrayFromHeap(labels),
    b.typedArrayFromHeap(dy as TensorInfo),
    rows,
    classes,
    values,
  );
  return out;
};

/**
 * The sparse softmax cross-entropy kernels for the cpu and wasm backends (what
 * `registerCpuKernels()` and `registerWasmKernels()` install).
 *
 * @example
 * ```ts
 * for (const config of sparseXentConfigs('wasm')) registerKernel(config);
 * ```
 */
export function sparseXentConfigs(backendName: 'cpu' | 'wasm'): KernelConfig[] {
  const cpu = backendName === 'cpu';
  return [
    { kernelName: SparseSoftmaxCrossEntropy, backendName, kernelFunc: cpu ? cpuSparseXentKernel : wasmSparseXentKernel },
    { kernelName: SparseSoftmaxCrossEntropyGrad, backendName, kernelFunc: cpu ? cpuSparseXentGradKernel : wasmSparseXentGradKernel },
  ];
}
