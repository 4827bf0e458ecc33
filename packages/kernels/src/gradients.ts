import type { GradConfig, NamedAttrMap, Tensor } from '@tessera/tensor';
import {
  BatchMatMul,
  Elu,
  exp,
  LeakyRelu,
  Maximum,
  matMul,
  mul,
  neg,
  registerGradient,
  relu,
  reshape,
  step,
  sub,
  sum,
  transpose,
} from '@tessera/tensor';
import { einsumGradConfig, stridedSliceGradConfig } from './more-gradients.js';

/** Transposes the last two axes (materialized, so the following matMul takes the fast path). */
function t(x: Tensor): Tensor {
  const perm = x.shape.map((_, i) => i);
  const n = perm.length;
  [perm[n - 2], perm[n - 1]] = [perm[n - 1] as number, perm[n - 2] as number];
  return transpose(x, perm);
}

/** Sums a broadcast gradient back to the shape of a batched matMul operand. */
function unbroadcast(g: Tensor, shape: number[]): Tensor {
  if (g.rank === shape.length && g.shape.every((d, i) => d === shape[i])) return g;
  const lead = g.rank - shape.length;
  let r = lead > 0 ? sum(g, [...Array(lead).keys()]) : g;
  const axes = shape.map((d, i) => (d === 1 && r.shape[i] !== 1 ? i : -1)).filter((i) => i >= 0);
  if (axes.length) r = sum(r, axes, true);
  return reshape(r, shape);
}

/**
 * BatchMatMul gradient with every product untransposed: the transposes are materialized first.
 * tfjs' own gradient uses transposed products, 20–45× slower than plain ones on wasm.
 */
export const batchMatMulGradConfig: GradConfig = {
  kernelName: BatchMatMul,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], attrs: NamedAttrMap) => {
    const g = dy as Tensor;
    const [a, b] = saved as [Tensor, Tensor];
    const { transposeA, transposeB } = attrs as unknown as { transposeA: boolean; transposeB: boolean };
    let da: () => Tensor;
    let db: () => Tensor;
    if (!transposeA && !transposeB) {
      da = () => matMul(g, t(b));
      db = () => matMul(t(a), g);
    } else if (!transposeA && transposeB) {
      da = () => matMul(g, b);
      db = () => matMul(t(g), a);
    } else if (transposeA && !transposeB) {
      da = () => matMul(b, t(g));
      db = () => matMul(a, g);
    } else {
      da = () => matMul(t(b), t(g));
      db = () => matMul(t(g), t(a));
    }
    return { a: () => unbroadcast(da(), a.shape), b: () => unbroadcast(db(), b.shape) };
  },
};

/** LeakyRelu gradient as dy · (alpha + (1 − alpha) · step(x)): differentiable again (grad of grad). */
export const leakyReluGradConfig: GradConfig = {
  kernelName: LeakyRelu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved, attrs) => {
    const [x] = saved as [Tensor];
    const alpha = (attrs as unknown as { alpha: number }).alpha;
    return { x: () => mul(dy as Tensor, sub(1, mul(sub(1, step(x)), 1 - alpha))) };
  },
};

/** Elu gradient as dy · (step(x) + (1 − step(x)) · exp(min(x, 0))): differentiable again. */
export const eluGradConfig: GradConfig = {
  kernelName: Elu,
  inputsToSave: ['x'],
  gradFunc: (dy, saved) => {
    const [x] = saved as [Tensor];
    const s = step(x);
    const expNeg = exp(neg(relu(neg(x))));
    return { x: () => mul(dy as Tensor, sub(expNeg, mul(s, sub(expNeg, 1)))) };
  },
};

/** Maximum gradient with step masks instead of comparisons (a gets ties, as in tfjs): differentiable again. */
export const maximumGradConfig: GradConfig = {
  kernelName: Maximum,
  inputsToSave: ['a', 'b'],
  gradFunc: (dy, saved) => {
    const [a, b] = saved as [Tensor, Tensor];
    const toB = step(sub(b, a));
    return {
      a: () => unbroadcast(mul(dy as Tensor, sub(1, toB)), a.shape),
      b: () => unbroadcast(mul(dy as Tensor, toB), b.shape),
    };
  },
};

/** Every gradient Tessera replaces. */
export const gradientConfigs: GradConfig[] = [batchMatMulGradConfig, leakyReluGradConfig, eluGradConfig, maximumGradConfig];

/** Gradients tfjs-core lacks, which Tessera adds: Einsum and StridedSlice. */
export const addedGradientConfigs: GradConfig[] = [einsumGradConfig, stridedSliceGradConfig];

/**
 * Registers Tessera's gradients (global, all backends): a BatchMatMul gradient that avoids
 * transposed products, Einsum and StridedSlice gradients (missing in tfjs-core), and second-order-safe LeakyRelu, Elu and Maximum gradients (WGAN-GP).
 * Idempotent; the wasm plugin calls it.
 *
 * @example
 * ```ts
 * registerGradientFixes();
 * const gg = grad((x) => grad((y) => sum(leakyRelu(y, 0.2)))(x))(x); // grad of grad works
 * ```
 */
export function registerGradientFixes(): void {
  for (const c of [...gradientConfigs, ...addedGradientConfigs]) registerGradient(c);
}
