import { cpu } from '@tessera/backend-cpu';
import { useBackend } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { scalar, sum, tensor1d, tensor2d, valueAndGrad } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { Box } from '../spaces/box.js';
import { scaleAction, unscaleAction } from './action-scaling.js';
import { sacActorLoss, sacAlphaLoss, sacCriticLoss, sacCriticTarget } from './sac-losses.js';
import { logTanhJacobian, squashedGaussian } from './squashed-gaussian.js';

beforeAll(async () => {
  await useBackend(cpu());
});

const normalLog = (x: number, mu: number, sigma: number) => -0.5 * ((x - mu) / sigma) ** 2 - Math.log(sigma) - 0.5 * Math.log(2 * Math.PI);

describe('squashedGaussian', () => {
  it('matches the change-of-variables density of tanh(N(μ, σ)), closed form and finite difference', () => {
    const mus = [0.3, -1.2, 0.0, 2.0];
    const sigmas = [0.5, 1.5, 0.1, 2.0];
    const noises = [0.4, -0.7, 1.3, 0.5];
    const { action, logProb } = squashedGaussian(
      tensor2d([mus.slice(0, 2), mus.slice(2)]),
      tensor2d([sigmas.slice(0, 2).map(Math.log), sigmas.slice(2).map(Math.log)]),
      tensor2d([noises.slice(0, 2), noises.slice(2)]),
    );
    const a = action.dataSync();
    const lp = logProb.dataSync();
    for (let row = 0; row < 2; row++) {
      let closed = 0;
      let finite = 0;
      for (let d = 0; d < 2; d++) {
        const k = row * 2 + d;
        const u = (mus[k] as number) + (sigmas[k] as number) * (noises[k] as number);
        expect(a[k] as number).toBeCloseTo(Math.tanh(u), 6);
        // p_a(a) = N(atanh a; μ, σ) / (1 − a²)
        const x = Math.tanh(u);
        closed += normalLog(Math.atanh(x), mus[k] as number, sigmas[k] as number) - Math.log(1 - x * x);
        // p_a(a) = p_u(u) / (da/du), the derivative by central differences
        const h = 1e-5;
        finite += normalLog(u, mus[k] as number, sigmas[k] as number) - Math.log((Math.tanh(u + h) - Math.tanh(u - h)) / (2 * h));
      }
      expect(lp[row] as number).toBeCloseTo(closed, 4);
      expect(lp[row] as number).toBeCloseTo(finite, 4);
    }
    // hand value: μ 0.3, σ 0.5, ε 0.4 → u 0.5, a 0.46211716, log π = -0.06556234 (one dimension)
    const one = squashedGaussian(tensor2d([[0.3]]), tensor2d([[Math.log(0.5)]]), tensor2d([[0.4]]));
    expect(one.action.dataSync()[0]).toBeCloseTo(0.46211716, 6);
    expect(one.logProb.dataSync()[0]).toBeCloseTo(-0.0655623387, 5);
  });

  it('stays finite where tanh saturates in float32', () => {
    // naive log(1 − tanh(8)²) in float32 is log(0) = -Infinity; the stable form gives -14.6137
    expect(logTanhJacobian(tensor1d([8])).dataSync()[0]).toBeCloseTo(-14.6137059, 4);
    expect(logTanhJacobian(tensor1d([-8])).dataSync()[0]).toBeCloseTo(-14.6137059, 4);
  });

  it('reparameterized gradients match finite differences', () => {
    const noise = tensor2d([[0.4, -0.7]]);
    const f = (p: { mean: Tensor; logStd: Tensor }) => sum(squashedGaussian(p.mean, p.logStd, noise).action) as Scalar;
    const g = (p: { mean: Tensor; logStd: Tensor }) => sum(squashedGaussian(p.mean, p.logStd, noise).logProb) as Scalar;
    const m0 = [0.3, -1.2];
    const s0 = [Math.log(0.5), Math.log(1.5)];
    const ref = (mean: number[], logStd: number[]) => {
      let act = 0;
      let lp = 0;
      for (let d = 0; d < 2; d++) {
        const e = [0.4, -0.7][d] as number;
        const u = (mean[d] as number) + Math.exp(logStd[d] as number) * e;
        act += Math.tanh(u);
        lp += -0.5 * e * e - (logStd[d] as number) - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - Math.tanh(u) ** 2);
      }
      return [act, lp] as const;
    };
    for (const [which, fn] of [
      [0, f],
      [1, g],
    ] as const) {
      const { grads } = valueAndGrad(fn)({ mean: tensor2d([m0]), logStd: tensor2d([s0]) });
      const gm = grads.mean.dataSync();
      const gs = grads.logStd.dataSync();
      const h = 1e-6;
      for (let d = 0; d < 2; d++) {
        const mp = [...m0];
        const mm = [...m0];
        mp[d] = (mp[d] as number) + h;
        mm[d] = (mm[d] as number) - h;
        expect(gm[d] as number).toBeCloseTo((ref(mp, s0)[which] - ref(mm, s0)[which]) / (2 * h), 3);
        const sp = [...s0];
        const sm = [...s0];
        sp[d] = (sp[d] as number) + h;
        sm[d] = (sm[d] as number) - h;
        expect(gs[d] as number).toBeCloseTo((ref(m0, sp)[which] - ref(m0, sm)[which]) / (2 * h), 3);
      }
    }
  });
});

describe('SAC losses', () => {
  it('critic target: r + γ (1 − done)(min Q′ − α log π′)', () => {
    const y = sacCriticTarget({
      rewards: tensor1d([1, -1]),
      dones: tensor1d([0, 1]),
      nextQ1: tensor1d([2, 3]),
      nextQ2: tensor1d([1.5, 4]),
      nextLogProb: tensor1d([-0.5, 0.2]),
      alpha: 0.2,
      gamma: 0.9,
    });
    // 1 + 0.9 (1.5 + 0.1) = 2.44; the terminal row is its reward
    const v = y.dataSync();
    expect(v[0]).toBeCloseTo(2.44, 5);
    expect(v[1]).toBeCloseTo(-1, 6);
  });

  it('critic loss: half the sum of the two mean squared errors', () => {
    const y = tensor1d([2.44, -1]);
    // mse1 = (0.44² + 1)/2 = 0.5968, mse2 = (0.56² + 1)/2 = 0.6568
    expect(sacCriticLoss(tensor1d([2, 0]), tensor1d([3, -2]), y).dataSync()[0]).toBeCloseTo(0.6268, 5);
  });

  it('actor loss: mean(α log π − min(Q₁, Q₂))', () => {
    // rows: 0.2·(-1) − 0.5 = -0.7 and 0.2·0.5 − 2 = -1.9
    expect(sacActorLoss(tensor1d([-1, 0.5]), tensor1d([1, 2]), tensor1d([0.5, 3]), 0.2).dataSync()[0]).toBeCloseTo(-1.3, 5);
    expect(sacActorLoss(tensor1d([-1, 0.5]), tensor1d([1, 2]), tensor1d([0.5, 3]), scalar(0.2)).dataSync()[0]).toBeCloseTo(-1.3, 5);
  });

  it('alpha loss and its gradient: −mean(log α (log π + H̄)), d/dlogα = −mean(log π + H̄)', () => {
    const logProb = tensor1d([-1, 0.5]);
    const { value, grads } = valueAndGrad((p: { logAlpha: Tensor }) => sacAlphaLoss(p.logAlpha, logProb, -1))({
      logAlpha: scalar(Math.log(0.5)),
    });
    expect(value.dataSync()[0]).toBeCloseTo(1.25 * Math.log(0.5), 5);
    // mean(log π + H̄) = -1.25 (entropy above the target): the gradient is +1.25, so descent lowers α
    expect(grads.logAlpha.dataSync()[0]).toBeCloseTo(1.25, 5);
  });
});

describe('action scaling', () => {
  it('maps [−1, 1] to the Box bounds and back', () => {
    const space = new Box([-2, 0], [2, 10]);
    expect(Array.from(scaleAction(space, [-1, -1, 0.5, 0, 1, 1]))).toEqual([-2, 0, 1, 5, 2, 10]);
    expect(Array.from(unscaleAction(space, [1, 5]))).toEqual([0.5, 0]);
    expect(() => scaleAction(new Box(-Infinity, 1, [1]), [0])).toThrow(/finite bounds/);
  });
});
