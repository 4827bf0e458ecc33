import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { tfjsGradientConfigs, useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { batchMatMulGradConfig } from './gradients/batch-mat-mul.js';
import { gradientFixes, registerGradientFixes } from './gradients.js';
import { data } from './test-values.js';

const rand = (shape: number[], seed: number) =>
  tf.tensor(
    data(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
const vals = (x: Tensor) => Array.from(x.dataSync());

/** Gradients of f at xs with tfjs' stock gradients, then with Tessera's (all of them, on this backend too). */
function compare(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], tol = 1e-4): void {
  for (const c of stockConfigs) tf.registerGradient(c);
  const stock = tf.tidy(() => tf.grads(f)(xs).map(vals));
  for (const c of gradientConfigs) tf.registerGradient(c);
  const ours = tf.tidy(() => tf.grads(f)(xs).map(vals));
  for (const c of stockConfigs) tf.registerGradient(c);
  registerGradientFixes();
  ours.forEach((g, i) => {
    g.forEach((v, j) => {
      expect(Math.abs(v - (stock[i]?.[j] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(stock[i]?.[j] as number)));
    });
  });
}

/** Tessera's gradients that replace tfjs' own ones (BatchMatMul, registered for wasm only, included). */
const gradientConfigs = gradientFixes.map((f) => f.config).filter((c) => tfjsGradientConfigs.some((s) => s.kernelName === c.kernelName));
/** tfjs' own gradients for the kernels Tessera replaces. */
const stockConfigs = gradientConfigs.map((c) => tfjsGradientConfigs.find((s) => s.kernelName === c.kernelName) as tf.GradConfig);

describe.each([testCpu, testWasm])('gradient fixes on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(stockConfigs.map((c) => c?.kernelName)).toEqual(gradientConfigs.map((c) => c.kernelName));
    expect(stockConfigs.every((c) => !gradientConfigs.includes(c))).toBe(true);
    registerGradientFixes();
  });

  it.each([
    ['plain', [4, 6], [6, 3], false, false],
    ['transposeA', [6, 4], [6, 3], true, false],
    ['transposeB', [4, 6], [3, 6], false, true],
    ['both', [6, 4], [3, 6], true, true],
    ['batched', [2, 4, 6], [2, 6, 3], false, false],
  ] as const)('BatchMatMul gradient equals the stock one (%s)', (_n, sa, sb, ta, tb) => {
    const a = rand([...sa], 1);
    const b = rand([...sb], 2);
    const w = rand(
      [...(sa.length === 3 ? [2] : []), ta ? sa[sa.length - 1]! : sa[sa.length - 2]!, tb ? sb[sb.length - 2]! : sb[sb.length - 1]!],
      3,
    );
    compare((x, y) => tf.sum(tf.mul(tf.matMul(x, y, ta, tb), w)), [a, b]);
  });

  it('BatchMatMul gradient sums over a broadcast batch', () => {
    tf.registerGradient(batchMatMulGradConfig);
    const a = rand([2, 4, 6], 1);
    const b = rand([6, 3], 2);
    const w = rand([2, 4, 3], 3);
    const [, db] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    const [, dbTiled] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.matMul(x, tf.broadcastTo(y, [2, 6, 3])), w)))([a, b]);
    expect((db as Tensor).shape).toEqual([6, 3]);
    vals(db as Tensor).forEach((v, i) => {
      expect(v).toBeCloseTo(vals(dbTiled as Tensor)[i] as number, 4);
    });
    for (const c of stockConfigs) tf.registerGradient(c);
  });

  it('LeakyRelu, Elu, Maximum, Tanh and Sigmoid first-order gradients equal the stock ones', () => {
    const x = rand([12], 4);
    const y = rand([12], 5);
    compare((u) => tf.sum(tf.mul(tf.leakyRelu(u, 0.2), u)), [x]);
    compare((u) => tf.sum(tf.mul(tf.elu(u), u)), [x]);
    compare((u, v) => tf.sum(tf.mul(tf.maximum(u, v), u)), [x, y]);
    compare((u) => tf.sum(tf.maximum(u, tf.scalar(0.1))), [x]);
    compare((u) => tf.sum(tf.mul(tf.tanh(u), u)), [x]);
    compare((u) => tf.sum(tf.mul(tf.sigmoid(u), u)), [x]);
  });

  it('second-order gradients work and match hand values', () => {
    registerGradientFixes();
    const x = tf.tensor1d([-1.5, -0.3, 0.4, 2]);
    // d/dx of d/dx sum(x * leakyRelu(x)) = 2 * slope
    const gg = tf.grad((u: Tensor) => tf.sum(tf.grad((v: Tensor) => tf.sum(tf.mul(v, tf.leakyRelu(v, 0.2))))(u)))(x);
    expect(vals(gg)).toEqual([0.4, 0.4, 2, 2].map((v) => expect.closeTo(v, 5)));
    // elu'' = exp(x) for x < 0, 0 for x > 0
    const ge = tf.grad((u: Tensor) => tf.sum(tf.grad((v: Tensor) => tf.sum(tf.elu(v)))(u)))(x);
    vals(ge).forEach((v, i) => {
      const xi = [-1.5, -0.3, 0.4, 2][i] as number;
      expect(v).toBeCloseTo(xi < 0 ? Math.exp(xi) : 0, 4);
    });
    // tanh'' = -2 tanh (1 - tanh²); sigmoid'' = σ(1 - σ)(1 - 2σ): the saved-output versions gave 0 here
    const gt = tf.grad((u: Tensor) => tf.sum(tf.grad((v: Tensor) => tf.sum(tf.tanh(v)))(u)))(x);
    const gs = tf.grad((u: Tensor) => tf.sum(tf.grad((v: Tensor) => tf.sum(tf.sigmoid(v)))(u)))(x);
    [-1.5, -0.3, 0.4, 2].forEach((xi, i) => {
      const t = Math.tanh(xi);
      const s = 1 / (1 + Math.exp(-xi));
      expect(vals(gt)[i]).toBeCloseTo(-2 * t * (1 - t * t), 4);
      expect(vals(gs)[i]).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 4);
    });
    // WGAN-GP style: gradient penalty through maximum
    const gm = tf.grad((u: Tensor) => tf.sum(tf.square(tf.grad((v: Tensor) => tf.sum(tf.mul(tf.maximum(v, 0), v)))(u))))(x);
    // inner grad: 2v for v > 0 else 0; outer: d/dv (2v)^2 = 8v for v > 0
    vals(gm).forEach((v, i) => {
      const xi = [-1.5, -0.3, 0.4, 2][i] as number;
      expect(v).toBeCloseTo(xi > 0 ? 8 * xi : 0, 4);
    });
  });

  it('does not leak', () => {
    const a = rand([4, 6], 1);
    const b = rand([6, 3], 2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.matMul(x, y)))([a, b]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    registerGradientFixes();
  });
});
