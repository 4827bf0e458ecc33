import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { Slice, slice_util, util } from '@tensorflow/tfjs-core';
import { TesseraError } from '@tessera/core';
import type { HeapBackend } from '../backend-io.js';

/** The wasm backend's view of a tensor's storage (string tensors keep their bytes in JavaScript). */
interface WasmSliceBackend extends HeapBackend {
  dataIdMap: { get(dataId: object): { stringBytes?: Uint8Array[] } | undefined };
}

/**
 * Copies the `size` box at `begin` of a row-major array of `shape` into `out`: one contiguous run
 * per position of the axes before the innermost partially taken one (a single run when the
 * region is contiguous, e.g. when only the leading axis is sliced).
 */
function copyRegion(shape: number[], begin: number[], size: number[], copyRun: (from: number, length: number, to: number) => void): void {
  const rank = shape.length;
  const strides = util.computeStrides(shape);
  // Axes from `inner` on form one contiguous run in the source.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === shape[inner]) inner--;
  let run = 1;
  for (let d = inner; d < rank; d++) run *= size[d] as number;
  const start = begin.reduce((acc, b, d) => acc + b * ((strides[d] as number | undefined) ?? 1), 0);
  const index = new Array<number>(inner).fill(0);
  const total = util.sizeFromShape(size);
  for (let to = 0; to < total; to += run) {
    let from = start;
    for (let d = 0; d < inner; d++) from += (index[d] as number) * (strides[d] as number);
    copyRun(from, run, to);
    for (let d = inner - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (size[d] as number)) break;
      index[d] = 0;
    }
  }
}

/**
 * Slice for the wasm backend, copying only the sliced region: tfjs-backend-wasm 4.22's Slice
 * first copies the whole input out of the wasm heap (`readSync`), so a 128-row batch of a
 * [5120, 784] tensor cost as much as copying all 5120 rows. This kernel reads the input through a
 * view of the heap, copies one block when the region is contiguous (only the leading axis
 * sliced) and one run per row of the innermost partially sliced axis otherwise, for float32,
 * int32 and bool; string tensors are sliced on their JavaScript-held bytes. Same `begin`/`size`
 * semantics as the stock kernel (`size` -1 means to the end of the axis).
 *
 * @example
 * ```ts
 * registerKernel(wasmSliceConfig); // registerWasmKernels() does this
 * tf.slice(x, [256, 0], [128, -1]); // copies 128 rows, whatever the size of x
 * ```
 */
export const wasmSliceKernel: KernelFunc = ({ inputs, backend, attrs }) => {
  const { x } = inputs as unknown as { x: TensorInfo };
  const { begin, size } = attrs as unknown as { begin: number | number[]; size: number | number[] };
  const b = backend as WasmSliceBackend;
  const [begin_, size_] = slice_util.parseSliceParams(x as never, begin, size) as [number[], number[]];
  slice_util.assertParamsValid(x as never, begin_, size_);
  const out = b.makeOutput(size_, x.dtype);
  const count = util.sizeFromShape(size_);
  if (x.dtype === 'string') {
    const src = b.readSync(x.dataId) as unknown as Uint8Array[];
    const dst = new Array<Uint8Array>(count);
    copyRegion(x.shape, begin_, size_, (from, length, to) => {
      for (let i = 0; i < length; i++) dst[to + i] = src[from + i] as Uint8Array;
    });
    const outData = b.dataIdMap.get(out.dataId);
    if (!outData) throw new TesseraError('BACKEND', 'Slice: the wasm backend has no storage for the output tensor');
    outData.stringBytes = dst;
    return out;
  }
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    throw new TesseraError('UNSUPPORTED', `Slice on wasm: dtype '${x.dtype}' is not supported (float32, int32, bool, string are)`);
  }
  if (count === 0) return out;
  // Views made after makeOutput: allocating the output may grow (and so replace) the heap buffer.
  const dst = b.typedArrayFromHeap(out);
  const src = b.typedArrayFromHeap(x);
  if (slice_util.isSliceContinous(x.shape, begin_, size_)) {
    const from = slice_util.computeFlatOffset(begin_, util.computeStrides(x.shape));
    dst.set(src.subarray(from, from + count));
    return out;
  }
  copyRegion(x.shape, begin_, size_, (from, length, to) => {
    if (length < 16) {
      for (let i = 0; i < length; i++) dst[to + i] = src[from + i] as number;
    } else {
      dst.set(src.subarray(from, from + length), to);
    }
  });
  return out;
};

/**
 * The {@link wasmSliceKernel} registration for the wasm backend (replaces tfjs-backend-wasm's Slice).
 *
 * @example
 * ```ts
 * registerKernel(wasmSliceConfig); // registerWasmKernels() does this
 * ```
 */
export const wasmSliceConfig: KernelConfig = { kernelName: Slice, backendName: 'wasm', kernelFunc: wasmSliceKernel };
