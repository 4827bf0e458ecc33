import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import type { BackendPlugin } from '@tessera/core';
import { useBackend } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, elu, leakyRelu, matMul, randomNormal, randomUniform, tanh, tensor, tensorCount, tidy, valueAndGrad } from '@tessera/tensor';
import { describe, expect, it } from 'vitest';
import { gradientPenalty } from './gradient-penalty.js';

type P = Record<string, Tensor>;
const acts: Record<string, (x: Tensor) => Tensor> = { tanh, leakyRelu: (x) => leakyRelu(x, 0.2), elu };
const backends: Array<[string, () => BackendPlugin]> = [
  ['cpu', () => cpu()],
  ['wasm', () => wasm()],
];

describe.each(backends)('gradient penalty on %s', (_name, plugin) => {
  it.each(Object.keys(acts).map((a) => [a]))(
    'its gradient w.r.t. the critic weights matches finite differences (%s critic)',
    async (act) => {
      await useBackend(plugin());
      const f = acts[act] as (x: Tensor) => Tensor;
      const params: P = tidy(() => ({
        w1: randomNormal([3, 5], 0, 0.7, 'float32', 1),
        b1: randomNormal([5], 0, 0.3, 'float32', 2),
        w2: randomNormal([5, 1], 0, 0.7, 'float32', 3),
      }));
      const real = randomNormal([4, 3], 0, 1, 'float32', 4);
      const fake = randomNormal([4, 3], 0, 1, 'float32', 5);
      const eps = randomUniform([4], 0, 1, 'float32', 6);
      const critic = (p: P) => (x: Tensor) => matMul(f(add(matMul(x, p.w1 as Tensor), p.b1 as Tensor)), p.w2 as Tensor);
      const gp = (p: P): Scalar => gradientPenalty(critic(p), real, fake, eps);
      const before = tensorCount();
      const { value, grads } = valueAndGrad(gp)(params);
      expect(tensorCount()).toBe(before + 4); // the value and three gradients, nothing else
      expect(value.dataSync()[0]).toBeGreaterThan(0);
      const h = 3e-3;
      let kinks = 0;
      for (const [name, t] of Object.entries(params)) {
        const base = Array.from(t.dataSync());
        const analytic = (grads[name] as Tensor).dataSync();
        for (let i = 0; i < base.length; i++) {
          const at = (d: number) =>
            tidy(() => {
              const moved = base.slice();
              moved[i] = (moved[i] as number) + d;
              return gp({ ...params, [name]: tensor(moved, t.shape) }).dataSync()[0] as number;
            });
          const fd = (at(h) - at(-h)) / (2 * h);
          // a leakyRelu kink within h of an interpolated point makes the penalty non-smooth there:
          // central differences at h and h/3 then disagree; such coordinates are counted, not compared
          if (Math.abs(fd - (at(h / 3) - at(-h / 3)) / ((2 * h) / 3)) > 1e-2 * Math.max(1, Math.abs(fd))) {
            kinks++;
            continue;
          }
          expect(Math.abs((analytic[i] as number) - fd), `${name}[${i}]`).toBeLessThan(2e-2 * Math.max(1, Math.abs(fd)));
        }
      }
      expect(kinks).toBeLessThanOrEqual(act === 'leakyRelu' ? 3 : 0); // 26 weights in all
      for (const t of [value, ...Object.values(grads), ...Object.values(params), real, fake, eps]) t.dispose();
    },
  );

  it('is zero where the input gradient has norm 1 everywhere (a linear critic with a unit weight)', async () => {
    await useBackend(plugin());
    const w = tensor([[0.6], [0.8]]);
    const real = randomNormal([5, 2], 0, 1, 'float32', 1);
    const fake = randomNormal([5, 2], 0, 1, 'float32', 2);
    const eps = randomUniform([5], 0, 1, 'float32', 3);
    const v = gradientPenalty((x) => matMul(x, w), real, fake, eps);
    expect(v.dataSync()[0]).toBeCloseTo(0, 6);
    for (const t of [w, real, fake, eps, v]) t.dispose();
  });
});
