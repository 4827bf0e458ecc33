import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { broadcastTo, Einsum, einsum, mul, reshape, sum } from '@tensorflow/tfjs-core';

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
 *
 * @example
 * ```ts
 * registerGradient(einsumGradConfig); // registerGradientFixes() does this
 * const [da, db] = grads((a, b) => sum(einsum('ij,jk->ik', a, b)))([a, b]);
 * ```
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
