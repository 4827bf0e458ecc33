import type { BackendValues, DataType, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { UnsortedSegmentSum } from '@tensorflow/tfjs-core';

/** The parts of a tfjs backend (any KernelBackend) a plain-JavaScript kernel uses. */
interface ValuesBackend {
  readSync(dataId: object): BackendValues;
  write(values: BackendValues, shape: number[], dtype: DataType): object;
}

/**
 * UnsortedSegmentSum (the gradient of gather, so Embedding weights can train) in one pass over
 * `x`: sums rows of `x` into `numSegments` rows by `segmentIds`; ids outside [0, numSegments)
 * are dropped, as in TF. tfjs-backend-cpu's kernel compares every id with every segment
 * (numSegments × rows × width: over a minute for one Embedding gradient with a vocabulary of
 * 8,000); tfjs-backend-wasm has none. Plain JavaScript, so it runs on any CPU-memory backend:
 * `registerCpuKernels()` registers it for cpu, `registerWasmKernels()` for wasm.
 *
 * @example
 * ```ts
 * registerKernel(unsortedSegmentSumConfig('cpu')); // cpu() does this
 * unsortedSegmentSum(tensor2d([[1, 2], [3, 4], [5, 6]]), tensor1d([0, 1, 0], 'int32'), 2); // [[6, 8], [3, 4]]
 * ```
 */
export const unsortedSegmentSumKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as unknown as { numSegments: number };
  const b = backend as unknown as ValuesBackend;
  const ids = b.readSync(segmentIds.dataId) as ArrayLike<number>;
  const values = b.readSync(x.dataId) as ArrayLike<number>;
  const rows = ids.length;
  const width = rows === 0 ? 0 : values.length / rows;
  const out = x.dtype === 'int32' ? new Int32Array(numSegments * width) : new Float32Array(numSegments * width);
  for (let r = 0; r < rows; r++) {
    const s = ids[r] as number;
    if (s < 0 || s >= numSegments) continue;
    const o = s * width;
    const i = r * width;
    for (let k = 0; k < width; k++) out[o + k] = (out[o + k] as number) + (values[i + k] as number);
  }
  const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  return { dataId: b.write(out, shape, x.dtype), shape, dtype: x.dtype };
};

/**
 * The UnsortedSegmentSum config of {@link unsortedSegmentSumKernel} for one backend.
 *
 * @example
 * ```ts
 * registerKernel(unsortedSegmentSumConfig('wasm')); // registerWasmKernels() does this
 * ```
 */
export function unsortedSegmentSumConfig(backendName: string): KernelConfig {
  return { kernelName: UnsortedSegmentSum, backendName, kernelFunc: unsortedSegmentSumKernel };
}
