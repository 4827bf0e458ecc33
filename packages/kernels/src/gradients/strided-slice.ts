import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { mul, reshape, StridedSlice, scatterND, tensor2d } from '@tensorflow/tfjs-core';
import { type StridedSliceAttrs, stridedSliceInfo } from '../strided-slice-info.js';

/**
 * StridedSlice gradient (tfjs-core has none): dy scattered back into zeros of x's shape at the
 * sliced positions (begin + i·stride on every axis; all masks resolved by tfjs' own slice_util).
 *
 * @example
 * ```ts
 * registerGradient(stridedSliceGradConfig); // registerGradientFixes() does this
 * grad((x) => sum(stridedSlice(x, [0, 1], [4, 6], [2, 2])))(x); // ones at the sliced positions
 * ```
 */
export const stridedSliceGradConfig: GradConfig = {
  kernelName: StridedSlice,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor];
    const a = attrs as unknown as StridedSliceAttrs;
    return {
      x: () => {
        const info = stridedSliceInfo(x.shape, a);
        const rank = x.rank;
        const counts = x.shape.map((_, d) => {
          const b = info.begin[d] as number;
          const e = info.end[d] as number;
          const s = info.strides[d] as number;
          return Math.max(0, s > 0 ? Math.ceil((e - b) / s) : Math.ceil((b - e) / -s));
        });
        const n = counts.reduce((p, c) => p * c, 1);
        if (n === 0 || rank === 0) return mul(x, 0);
        const idx = new Int32Array(n * rank);
        const pos = new Array<number>(rank).fill(0);
        for (let i = 0; i < n; i++) {
          for (let d = 0; d < rank; d++) idx[i * rank + d] = (info.begin[d] as number) + (pos[d] as number) * (info.strides[d] as number);
          for (let d = rank - 1; d >= 0; d--) {
            pos[d] = (pos[d] as number) + 1;
            if ((pos[d] as number) < (counts[d] as number)) break;
            pos[d] = 0;
          }
        }
        return scatterND(tensor2d(idx, [n, rank], 'int32'), reshape(dy as Tensor, [n]), x.shape);
      },
    };
  },
};
