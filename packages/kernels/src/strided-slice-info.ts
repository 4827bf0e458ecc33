import { slice_util } from '@tensorflow/tfjs-core';

/** StridedSlice's attributes, as the kernel and its gradient receive them. */
export interface StridedSliceAttrs {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
}

/** The resolved slice (begin, end, strides, shapes; every mask applied) of `attrs` on a tensor of `shape`. */
export function stridedSliceInfo(shape: number[], attrs: StridedSliceAttrs): ReturnType<typeof slice_util.sliceInfo> {
  const a = attrs;
  return slice_util.sliceInfo(shape, a.begin, a.end, a.strides, a.beginMask, a.endMask, a.ellipsisMask, a.newAxisMask, a.shrinkAxisMask);
}
