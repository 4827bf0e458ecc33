import type { Scalar, Tensor } from '@tensorflow/tfjs-core';
import { add, grad, matMul, mean, mul, scalar, square, sum, tensor1d, tensor2d, tidy, variable } from '@tensorflow/tfjs-core';
import { useBackend, ValueError } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu } from '../../../test-support/backends.js';
import { tensorCount } from './scope.js';
import { valueAndGrad } from './value-and-grad.js';

beforeAll(async () => {
  await useBackend(testCpu);
});

const vals = (t: Tensor | undefined) => Array.from((t as Tensor).dataSync());
const x = [4, 5, 6];
/** f(w, b) = sum(w * x) + b^2: df/dw = x, df/db = 2b. */
const f = (p: { 'dense/kernel': Tensor; 'dense/bias': Tensor }) =>
  add(sum(mul(p['dense/kernel'], tensor1d(x))), sum(square(p['dense/bias']))) as Scalar;

describe('valueAndGrad over named parameters', () => {
  it('matches hand-computed gradients, keyed by parameter path', () => {
    const params = { 'dense/kernel': tensor1d([1, 2, 3]), 'dense/bias': tensor1d([3]) };
    const { value, grads } = valueAndGrad(f)(params);
    expect(value.rank).toBe(0);
    expect(vals(value)).toEqual([4 + 10 + 18 + 9]);
    expect(Object.keys(grads)).toEqual(['dense/kernel', 'dense/bias']);
    expect(vals(grads['dense/kernel'])).toEqual(x);
    expect(vals(grads['dense/bias'])).toEqual([6]);
    for (const t of [value, ...Object.values(grads), ...Object.values(params)]) t.dispose();
  });

  it('matches the hand gradient of a matrix loss: d sum((XW)^2) / dW = 2 X^T X W', () => {
    const X = [
      [1, 2],
      [0, -1],
      [3, 1],
    ];
    const W = [[0.5], [-2]];
    const { value, grads } = valueAndGrad((p: { w: Tensor }) => sum(square(matMul(tensor2d(X), p.w))) as Scalar)({ w: tensor2d(W) });
    const xw = X.map((r) => (r[0] as number) * 0.5 + (r[1] as number) * -2);
    expect(vals(value)[0]).toBeCloseTo(
      xw.reduce((a, v) => a + v * v, 0),
      5,
    );
    const gw = [0, 1].map((j) => 2 * X.reduce((a, r, i) => a + (r[j] as number) * (xw[i] as number), 0));
    vals(grads.w).forEach((v, j) => {
      expect(v).toBeCloseTo(gw[j] as number, 5);
    });
    value.dispose();
    grads.w.dispose();
  });

  it('Variables and plain tensors give the same gradients', () => {
    const w = variable(tensor1d([1, 2, 3]), true, `vg_w_${Math.random()}`);
    const b = variable(tensor1d([3]), true, `vg_b_${Math.random()}`);
    const fromVars = valueAndGrad(f)({ 'dense/kernel': w, 'dense/bias': b });
    const plain = { 'dense/kernel': tensor1d([1, 2, 3]), 'dense/bias': tensor1d([3]) };
    const fromPlain = valueAndGrad(f)(plain);
    expect(vals(fromVars.value)).toEqual(vals(fromPlain.value));
    expect(vals(fromVars.grads['dense/kernel'])).toEqual(vals(fromPlain.grads['dense/kernel']));
    expect(vals(fromVars.grads['dense/bias'])).toEqual(vals(fromPlain.grads['dense/bias']));
    for (const r of [fromVars, fromPlain]) for (const t of [r.value, ...Object.values(r.grads)]) t.dispose();
    for (const t of [w, b, ...Object.values(plain)]) t.dispose();
  });

  it('an unused parameter gets zeros of its shape', () => {
    const params = { used: tensor1d([2]), unused: tensor2d([[1, 2, 3]]) };
    const { value, grads } = valueAndGrad((p: typeof params) => sum(square(p.used)) as Scalar)(params);
    expect(vals(grads.used)).toEqual([4]);
    expect(grads.unused.shape).toEqual([1, 3]);
    expect(vals(grads.unused)).toEqual([0, 0, 0]);
    for (const t of [value, ...Object.values(grads), ...Object.values(params)]) t.dispose();
  });

  it('hasAux returns aux (a tree of tensors and plain values) alongside the value', () => {
    const params = { w: tensor1d([1, -1]) };
    const g = valueAndGrad(
      (p: typeof params): [Scalar, { pred: Tensor; parts: [Tensor, number]; tag: string }] => {
        const pred = mul(p.w, tensor1d([2, 3]));
        return [mean(square(pred)) as Scalar, { pred, parts: [sum(pred), 7], tag: 'ok' }];
      },
      { hasAux: true },
    );
    const before = tensorCount();
    const { value, grads, aux } = g(params);
    // value, one grad, and the two aux tensors: nothing else survives
    expect(tensorCount()).toBe(before + 4);
    expect(vals(value)).toEqual([(4 + 9) / 2]);
    expect(vals(grads.w)).toEqual([4, -9]); // d/dw mean((w*c)^2) = w c^2
    expect(vals(aux.pred)).toEqual([2, -3]);
    expect(vals(aux.parts[0])).toEqual([-1]);
    expect(aux.parts[1]).toBe(7);
    expect(aux.tag).toBe('ok');
    for (const t of [value, grads.w, aux.pred, aux.parts[0]]) t.dispose();
    expect(tensorCount()).toBe(before);
    params.w.dispose();
  });

  it('inside an outer tidy: intermediates freed, results owned by the scope, no leak over many calls', () => {
    const w = variable(tensor1d([1, 2, 3]), true, `vg_t_${Math.random()}`);
    const b = tensor1d([3]);
    const g = valueAndGrad((p: { 'dense/kernel': Tensor; 'dense/bias': Tensor }): [Scalar, Tensor] => [f(p), mul(p['dense/kernel'], 2)], {
      hasAux: true,
    });
    const before = tensorCount();
    for (let i = 0; i < 20; i++) {
      const v = tidy(() => {
        const { value, grads, aux } = g({ 'dense/kernel': w, 'dense/bias': b });
        expect(vals(grads['dense/kernel'])).toEqual(x);
        expect(vals(aux)).toEqual([2, 4, 6]);
        return value;
      });
      expect(vals(v)).toEqual([41]);
      v.dispose();
      expect(tensorCount()).toBe(before);
    }
    w.dispose();
    b.dispose();
  });

  it('rejects a non-scalar result, a bad aux pair and empty or non-tensor params, without leaking', () => {
    const params = { w: tensor1d([1, 2]) };
    const before = tensorCount();
    expect(() => valueAndGrad((p: typeof params) => mul(p.w, 2) as unknown as Scalar)(params)).toThrow(ValueError);
    expect(() => valueAndGrad((p: typeof params) => mul(p.w, 2) as unknown as Scalar)(params)).toThrow('scalar (rank-0)');
    expect(() => valueAndGrad((() => [scalar(1)]) as never, { hasAux: true })(params)).toThrow('[scalar, aux] pair');
    expect(() => valueAndGrad((() => 3) as never)(params)).toThrow('a scalar tensor');
    expect(tensorCount()).toBe(before);
    expect(() => valueAndGrad(f)({} as never)).toThrow('valueAndGrad params');
    expect(() => valueAndGrad(f)({ 'dense/kernel': [1, 2] } as never)).toThrow('valueAndGrad params["dense/kernel"]');
    params.w.dispose();
  });

  it('works under an outer gradient tape (second order): d/dx sum(d sum(x^3)/dx) = 6x', () => {
    const t = tensor1d([1, -2]);
    const before = tensorCount();
    const g2 = tidy(() =>
      grad((a: Tensor) => {
        const { grads } = valueAndGrad((p: { a: Tensor }) => sum(mul(square(p.a), p.a)) as Scalar)({ a });
        return sum(grads.a);
      })(t),
    );
    expect(vals(g2)).toEqual([6, -12]);
    g2.dispose();
    expect(tensorCount()).toBe(before);
    t.dispose();
  });

  it('with a single tensor it is tfjs-core valueAndGrad ({ value, grad })', () => {
    const t = tensor1d([1, 2]);
    const { value, grad } = valueAndGrad((a: Tensor) => sum(square(a)))(t);
    expect(vals(value)).toEqual([5]);
    expect(vals(grad)).toEqual([2, 4]);
    for (const r of [t, value, grad]) r.dispose();
  });
});
