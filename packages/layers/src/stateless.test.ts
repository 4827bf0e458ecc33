import { cpu } from '@tessera/backend-cpu';
import { type NamedTensors, useBackend, ValueError } from '@tessera/core';
import { clone, dispose, grads, mean, mul, scope, type Tensor, tensor, tensorCount, variableGrads } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormalization, dense, input, model, sequential } from './index.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const values = (t: Tensor) => Array.from(t.dataSync());
const snapshot = (vs: Record<string, Tensor>) => Object.fromEntries(Object.entries(vs).map(([k, v]) => [k, values(v)]));
const close = (a: number[], b: number[], tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => {
    expect(Math.abs(v - (b[i] as number))).toBeLessThan(tol);
  });
};

function net() {
  return sequential([dense(4, { seed: 1, activation: 'tanh' }), batchNormalization({ momentum: 0.8 }), dense(2, { seed: 2 })], {
    inputShape: [3],
  });
}
const x = () =>
  tensor(
    Array.from({ length: 15 }, (_, i) => Math.sin(i + 1)),
    [5, 3],
  );

describe('apply rejects unknown keys', () => {
  it('names the unknown keys and lists the parameter names', () => {
    const m = net();
    const xs = x();
    const bad = { 'dense/kernel': clone(m.parameters()['dense/kernel'] as Tensor), 'dense_9/kernel': tensor([1]) };
    expect(() => m.apply(bad, xs)).toThrow(ValueError);
    expect(() => m.apply(bad, xs)).toThrow(
      /sequential apply params: expected keys among the variables of sequential \(dense\/kernel, dense\/bias, .*\), received \["dense_9\/kernel"\]/,
    );
    const d = dense(2);
    expect(() => d.apply({ kernel: tensor([1]) }, xs)).toThrow(
      /dense apply params: .*\(dense\/kernel, dense\/bias\), received \["kernel"\]/,
    );
    dispose([xs, ...Object.values(bad)]);
  });
  it('missing keys fall back to the variables; sub-layer keys of a model are accepted', () => {
    const m = net();
    const xs = x();
    const a = m.apply({}, xs);
    const b = m.call(xs);
    expect(values(a)).toEqual(values(b));
    const half = mul(m.parameters()['dense_1/kernel'] as Tensor, 0.5);
    const c = m.apply({ 'dense_1/kernel': half }, xs);
    expect(values(c)).not.toEqual(values(b));
    dispose([xs, a, b, c, half]);
  });
});

describe('statelessCall', () => {
  it('leaves every variable unchanged and returns the state call assigns', () => {
    const m = net();
    const xs = x();
    const before = snapshot(m.variables());
    const params: NamedTensors = Object.fromEntries(Object.entries(m.parameters()).map(([k, v]) => [k, clone(v)]));
    const state: NamedTensors = Object.fromEntries(Object.entries(m.state()).map(([k, v]) => [k, clone(v)]));
    const count = tensorCount();
    const { output, state: next } = m.statelessCall(params, state, xs, { training: true });
    // the output, and one new tensor per state key
    expect(tensorCount()).toBe(count + 1 + Object.keys(m.state()).length);
    expect(snapshot(m.variables())).toEqual(before);
    expect(Object.keys(next).sort()).toEqual(['batch_normalization/moving_mean', 'batch_normalization/moving_variance']);
    expect(values(next['batch_normalization/moving_mean'] as Tensor)).not.toEqual(before['batch_normalization/moving_mean']);
    const y = m.call(xs, { training: true });
    close(values(output), values(y));
    for (const [k, v] of Object.entries(m.state())) close(values(next[k] as Tensor), values(v));
    // the moving mean: momentum * 0 + (1 - momentum) * batch mean of the normalized layer's input
    dispose([xs, output, y, ...Object.values(next), ...Object.values(params), ...Object.values(state)]);
  });

  it('reads the statistics from `state`, not from the variables', () => {
    const m = net();
    const xs = x();
    const shifted: NamedTensors = { 'batch_normalization/moving_mean': tensor([1, 1, 1, 1]) };
    const { output: a, state: s } = m.statelessCall({}, shifted, xs, { training: false });
    const { output: b, state: s2 } = m.statelessCall({}, {}, xs, { training: false });
    expect(values(a)).not.toEqual(values(b));
    // inference: the state comes back unchanged (fresh tensors), the missing key from the variable
    expect(values(s['batch_normalization/moving_mean'] as Tensor)).toEqual([1, 1, 1, 1]);
    expect(values(s2['batch_normalization/moving_variance'] as Tensor)).toEqual([1, 1, 1, 1]);
    const { state: s3 } = m.statelessCall({}, shifted, xs, { training: true });
    // momentum 0.8: new = 0.8 * 1 + 0.2 * batch mean
    const { state: s4 } = m.statelessCall({}, {}, xs, { training: true });
    close(
      values(s3['batch_normalization/moving_mean'] as Tensor),
      values(s4['batch_normalization/moving_mean'] as Tensor).map((v) => v + 0.8),
    );
    expect(() => m.statelessCall({}, { 'batch_normalization/moving_avg': tensor([0]) }, xs)).toThrow(
      /sequential statelessCall state: expected keys among the variables of sequential .*received \["batch_normalization\/moving_avg"\]/,
    );
    dispose([xs, a, b, ...Object.values(shifted), ...Object.values(s), ...Object.values(s2), ...Object.values(s3), ...Object.values(s4)]);
  });

  it('gradients through statelessCall (tfjs grads) match the variables gradient of call', () => {
    const m = net();
    const xs = x();
    const names = Object.keys(m.parameters());
    const vars = names.map((k) => m.parameters()[k] as Tensor);
    const state: NamedTensors = Object.fromEntries(Object.entries(m.state()).map(([k, v]) => [k, clone(v)]));
    const before = snapshot(m.variables());
    const g = grads((...ps: Tensor[]) => {
      const { output, state: next } = m.statelessCall(Object.fromEntries(names.map((k, i) => [k, ps[i] as Tensor])), state, xs, {
        training: true,
      });
      dispose(Object.values(next));
      return mean(mul(output, output));
    })(vars.map((v) => clone(v)));
    expect(snapshot(m.variables())).toEqual(before);
    const { value, grads: ref } = variableGrads(() => mean(mul(m.call(xs, { training: true }), m.call(xs, { training: true }))) as never);
    names.forEach((k, i) => {
      close(values(g[i] as Tensor), values(ref[(m.parameters()[k] as Tensor & { name: string }).name] as Tensor), 1e-4);
    });
    dispose([xs, value, ...g, ...Object.values(ref), ...Object.values(state)]);
  });

  it('a layer called twice in one pass sees its own first update, as with call', () => {
    const bn = batchNormalization({ momentum: 0.5 });
    const a = input({ shape: [2] });
    const m = model({ inputs: a, outputs: bn.call(bn.call(a)) });
    const xs = tensor([1, 2, 3, 5, -1, 0], [3, 2]);
    const { output, state } = m.statelessCall({}, {}, xs, { training: true });
    const y = m.call(xs, { training: true }) as Tensor;
    close(values(output as Tensor), values(y));
    for (const [k, v] of Object.entries(m.state())) close(values(state[k] as Tensor), values(v));
    // first update: 0.5 * batch mean [1, 2.33]; second: its input has mean 0, so it halves again
    close(values(state['batch_normalization/moving_mean'] as Tensor), [0.25, 7 / 12]);
    dispose([xs, output as Tensor, y, ...Object.values(state)]);
  });

  it('does not leak inside a scope and call keeps a constant tensor count', () => {
    const m = net();
    const xs = x();
    scope(() => m.call(xs, { training: true }));
    const count = tensorCount();
    for (let i = 0; i < 3; i++) {
      scope(() => {
        m.statelessCall({}, {}, xs, { training: true });
        m.call(xs, { training: true });
      });
      expect(tensorCount()).toBe(count);
    }
    dispose(xs);
  });
});
