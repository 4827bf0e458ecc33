import type { GradConfig, NamedAttrMap, Tensor } from '@tessera/tensor';
import { broadcastTo, Einsum, einsum, mul, reshape, StridedSlice, scatterND, slice_util, sum, tensor2d } from '@tessera/tensor';

/**
 * The tensor with subscripts `target` obtained by contracting `operands` (einsum), broadcasting
 * along the target indices that no operand carries. Scalar operands (empty subscripts) multiply.
 */
function contract(operands: { sub: string; t: Tensor }[], target: string, shape: number[]): Tensor {
  // Sum out first the indices only one operand carries (tfjs' einsum mishandles them).
  const reduced = operands.map((o, k) => {
    const elsewhere = new Set([...target, ...operands.filter((_, j) => j !== k).flatMap((p) => [...p.sub])]);
    const lone = [...o.sub].flatMap((c, i) => (elsewhere.has(c) ? [] : [i]));
    if (lone.length === 0) return o;
    return { sub: [...o.sub].filter((c) => elsewhere.has(c)).join(''), t: sum(o.t, lone) };
  });
  const scalars = reduced.filter((o) => o.sub === '');
  const rest = reduced.filter((o) => o.sub !== '');
  const avail = new Set(rest.flatMap((o) => [...o.sub]));
  const keep = [...target].filter((c) => avail.has(c)).join('');
  let r: Tensor;
  if (rest.length === 0) r = reshape(scalars.shift()?.t as Tensor, []);
  else if (rest.length === 1 && rest[0]?.sub === keep) r = rest[0].t;
  else r = einsum(`${rest.map((o) => o.sub).join(',')}->${keep}`, ...rest.map((o) => o.t));
  for (const s of scalars) r = mul(r, s.t);
  if (keep === target) return r;
  const withOnes = [...target].map((c, i) => (avail.has(c) ? (shape[i] as number) : 1));
  return broadcastTo(reshape(r, withOnes), shape);
}

/**
 * Einsum gradient (tfjs-core has none): the gradient of operand k contracts dy with the other
 * operands into k's subscripts, e.g. for `ij,jk->ik`, dA = einsum('ik,jk->ij', dy, B).
 * Indices summed inside one operand only are broadcast back. Built from einsum, so differentiable.
 */
export const einsumGradConfig: GradConfig = {
  kernelName: Einsum,
  saveAllInputs: true,
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const equation = (attrs as unknown as { equation: string }).equation.replace(/\s/g, '');
    const arrow = equation.indexOf('->');
    if (arrow < 0 || equation.includes('.')) {
      throw new Error(`Einsum gradient (Tessera): needs an explicit '->' and no ellipsis, received '${equation}'`);
    }
    const subs = equation.slice(0, arrow).split(',');
    const out = equation.slice(arrow + 2);
    const grads: Record<number, () => Tensor> = {};
    saved.forEach((x, k) => {
      grads[k] = () => {
        const others = saved.map((t, j) => ({ sub: subs[j] as string, t })).filter((_, j) => j !== k);
        return contract([{ sub: out, t: dy as Tensor }, ...others], subs[k] as string, x.shape);
      };
    });
    return grads;
  },
};

/**
 * StridedSlice gradient (tfjs-core has none): dy scattered back into zeros of x's shape at the
 * sliced positions (begin + i·stride on every axis; all masks resolved by tfjs' own slice_util).
 */
export const stridedSliceGradConfig: GradConfig = {
  kernelName: StridedSlice,
  inputsToSave: ['x'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const [x] = saved as [Tensor];
    const a = attrs as unknown as {
      begin: number[];
      end: number[];
      strides: number[];
      beginMask: number;
      endMask: number;
      ellipsisMask: number;
      newAxisMask: number;
      shrinkAxisMask: number;
    };
    return {
      x: () => {
        const info = slice_util.sliceInfo(
          x.shape,
          a.begin,
          a.end,
          a.strides,
          a.beginMask,
          a.endMask,
          a.ellipsisMask,
          a.newAxisMask,
          a.shrinkAxisMask,
        );
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
