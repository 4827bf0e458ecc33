import type { TensorInfo } from '@tensorflow/tfjs-core';
import { backend_util, util } from '@tensorflow/tfjs-core';

type Values = Float32Array | Int32Array | Uint8Array;

/** The output shape and loop sizes of a GatherV2, after checking every index is in range. */
export function gatherInfo(x: TensorInfo, indices: TensorInfo, axis: number, batchDims: number, idx: ArrayLike<number>) {
  const parsedAxis = util.parseAxisParam(axis, x.shape)[0] as number;
  const axisDim = x.shape[parsedAxis] as number;
  for (let i = 0; i < idx.length; i++) {
    const index = idx[i] as number;
    util.assert(index <= axisDim - 1 && index >= 0, () => `GatherV2: the index value ${index} is not in [0, ${axisDim - 1}]`);
  }
  return backend_util.segment_util.collectGatherOpShapeInfo(x as never, indices as never, parsedAxis, batchDims);
}

/**
 * Copies the gathered slices of `src` into `dst`: one contiguous run of `sliceSize` values per
 * (batch, outer position, index), so the work is the size of the output, never of `src`.
 */
export function gatherRows(
  src: Values,
  dst: Values,
  idx: ArrayLike<number>,
  info: { batchSize: number; outerSize: number; dimSize: number; sliceSize: number },
): void {
  const { batchSize, outerSize, dimSize, sliceSize } = info;
  const perBatch = idx.length / batchSize;
  let to = 0;
  for (let bi = 0; bi < batchSize; bi++) {
    for (let o = 0; o < outerSize; o++) {
      const base = (bi * outerSize + o) * dimSize;
      for (let i = 0; i < perBatch; i++) {
        const from = (base + (idx[bi * perBatch + i] as number)) * sliceSize;
        if (sliceSize < 16) {
          for (let k = 0; k < sliceSize; k++) dst[to + k] = src[from + k] as number;
        } else {
          dst.set(src.subarray(from, from + sliceSize), to);
        }
        to += sliceSize;
      }
    }
  }
}
