import type { BackendValues, DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { GatherV2, getKernel, util } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import { gatherInfo, gatherRows } from '../gather-rows.js';

/** The parts of tfjs-backend-cpu this kernel uses (`readSync` hands out the stored array, no copy). */
interface ValuesBackend {
  readSync(dataId: object): BackendValues;
  write(values: BackendValues, shape: number[], dtype: DataType): object;
}

let stockKernel: KernelFunc | undefined;

/**
 * GatherV2 for the cpu backend, one contiguous copy per gathered slice: tfjs-backend-cpu 4.22
 * computes a multi-dimensional index for every output element (~17 ms for 128 rows of 784 floats,
 * a fifth of an MLP training step on cpu: `fit` with `shuffle: true` and shuffled `fromTensors`
 * batches gather every batch). Float32, int32 and bool; other dtypes (string, complex64) run the
 * stock kernel. Same semantics: `axis`, `batchDims`, and an error naming an index out of range.
 *
 * @example
 * ```ts
 * registerKernel(cpuGatherV2Config()); // registerCpuKernels() (cpu()) does this
 * tf.gather(x, tf.tensor1d([5, 2, 9], 'int32')); // rows 5, 2 and 9 of x
 * ```
 */
export const cpuGatherV2Kernel: KernelFunc = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, indices } = inputs as unknown as { x: TensorInfo; indices: TensorInfo };
  const { axis, batchDims } = attrs as unknown as { axis: number; batchDims: number };
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    if (!stockKernel) throw new TesseraError('BACKEND', `GatherV2 on cpu: dtype '${x.dtype}' needs the stock kernel, which was not found`);
    return stockKernel(args);
  }
  const b = backend as unknown as ValuesBackend;
  const idx = b.readSync(indices.dataId) as ArrayLike<number>;
  const info = gatherInfo(x, indices, axis, batchDims, idx);
  const size = util.sizeFromShape(info.outputShape);
  const out = x.dtype === 'float32' ? new Float32Array(size) : x.dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
  if (size > 0) gatherRows(b.readSync(x.dataId) as Float32Array | Int32Array | Uint8Array, out, idx, info);
  return { dataId: b.write(out, info.outputShape, x.dtype), shape: info.outputShape, dtype: x.dtype };
};

/**
 * The GatherV2 config of {@link cpuGatherV2Kernel} for the cpu backend (remembers the stock kernel
 * it replaces, for string and complex tensors). Call it after tfjs-backend-cpu is loaded.
 *
 * @example
 * ```ts
 * const config = cpuGatherV2Config(); // reads the stock kernel first
 * unregisterKernel(GatherV2, 'cpu');
 * registerKernel(config); // registerCpuKernels() does this (and unregisterTesseraKernels() undoes it)
 * ```
 */
export function cpuGatherV2Config(): KernelConfig {
  const current = getKernel(GatherV2, 'cpu');
  if (current && current.kernelFunc !== cpuGatherV2Kernel) stockKernel = current.kernelFunc as KernelFunc;
  return { kernelName: GatherV2, backendName: 'cpu', kernelFunc: cpuGatherV2Kernel };
}
