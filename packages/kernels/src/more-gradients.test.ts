import type { Tensor } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { useBackend } from '@tessera/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { testCpu, testWasm } from '../../../test-support/backends.js';
import { registerGradientFixes } from './gradients.js';
import { registerWasmKernels } from './register.js';

const rand = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

/** Checks tf.grads(f) against central finite differences of f (float32, so h = 1e-2 with a cubic-free f). */
function checkFd(f: (...xs: Tensor[]) => Tensor, xs: Tensor[], tol = 2e-2): void {
  const gs = tf.grads(f)(xs);
  xs.forEach((x, k) => {
    const base = x.dataSync().slice();
    const g = gs[k]?.dataSync() as Float32Array;
    expect(gs[k]?.shape).toEqual(x.shape);
    for (let i = 0; i < base.length; i++) {
      const at = (d: number) =>
        tf.tidy(() => {
          const v = base.slice();
          v[i] = (v[i] as number) + d;
          const args = xs.map((y, j) => (j === k ? tf.tensor(v, x.shape) : y));
          return f(...args).dataSync()[0] as number;
        });
      const fd = (at(1e-2) - at(-1e-2)) / 2e-2;
      expect(Math.abs((g[i] as number) - fd)).toBeLessThanOrEqual(tol * (1 + Math.abs(fd)));
    }
  });
  for (const g of gs) g.dispose();
}

describe.each([testCpu, testWasm])('Einsum and StridedSlice gradients on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    registerGradientFixes();
    // as wasm() does: tfjs-backend-wasm has no Einsum kernel at all (forward pass included)
    if (plugin.name === 'wasm') registerWasmKernels();
    expect(tf.getKernel('Einsum', tf.getBackend())).toBeDefined();
  });

  it.for([
    ['ij,jk->ik', [3, 4], [4, 2]],
    ['bij,bjk->bik', [2, 3, 4], [2, 4, 2]],
    ['ij,ij->', [3, 4], [3, 4]],
    ['i,j->ij', [3], [4]],
    ['ij,jk->i', [3, 4], [4, 2]],
    ['ij,j->i', [3, 4], [4]],
  ] as const)('einsum %s matches finite differences', ([eq, sa, sb]) => {
    const a = rand([...sa], 1);
    const b = rand([...sb], 2);
    const outShape = tf.einsum(eq, a, b).shape;
    const w = rand(outShape, 3);
    const f = (x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.einsum(eq, x, y), w));
    checkFd(f, [a, b]);
  });

  it('einsum gradient equals matMul gradient for ij,jk->ik', () => {
    const a = rand([3, 4], 1);
    const b = rand([4, 2], 2);
    const w = rand([3, 2], 3);
    const [ga, gb] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.einsum('ij,jk->ik', x, y), w)))([a, b]);
    const [ma, mb] = tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
    expect(Array.from((ga as Tensor).dataSync())).toEqual(Array.from((ma as Tensor).dataSync()).map((v) => expect.closeTo(v, 5)));
    expect(Array.from((gb as Tensor).dataSync())).toEqual(Array.from((mb as Tensor).dataSync()).map((v) => expect.closeTo(v, 5)));
  });

  it('einsum gradient is differentiable again (grad of grad)', () => {
    const a = rand([3, 4], 1);
    const b = rand([4, 2], 2);
    // d/da sum((d/da sum(a·b ⊙ a·b)) ) — checked against finite differences of the inner gradient
    const inner = (x: Tensor) => tf.sum(tf.grad((u: Tensor) => tf.sum(tf.square(tf.einsum('ij,jk->ik', u, b))))(x));
    checkFd(inner, [a], 3e-2);
  });

  it.each([
    ['strided', [5, 6], [1, 0], [5, 6], [2, 3], {}],
    ['negative stride', [6], [5], [0], [-2], {}],
    ['masks and shrink', [3, 4, 2], [1, 0, 0], [2, 3, 2], [1, 1, 1], { beginMask: 4, shrinkAxisMask: 1 }],
    ['ellipsis and new axis', [3, 4], [0, 1], [0, 3], [1, 1], { ellipsisMask: 1, newAxisMask: 0 }],
  ] as const)('stridedSlice (%s) gradient matches finite differences', (_n, shape, begin, end, strides, m) => {
    const x = rand([...shape], 4);
    const mm = m as Record<string, number>;
    const sl = (u: Tensor) =>
      tf.stridedSlice(
        u,
        [...begin],
        [...end],
        [...strides],
        mm.beginMask ?? 0,
        mm.endMask ?? 0,
        mm.ellipsisMask ?? 0,
        mm.newAxisMask ?? 0,
        mm.shrinkAxisMask ?? 0,
      );
    const w = rand(sl(x).shape, 5);
    checkFd((u: Tensor) => tf.sum(tf.mul(sl(u), w)), [x]);
  });

  it('does not leak', () => {
    const a = rand([3, 4], 1);
    const b = rand([4, 2], 2);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.tidy(() => {
        tf.grads((x: Tensor, y: Tensor) => tf.sum(tf.einsum('ij,jk->ik', x, y)))([a, b]);
        tf.grad((x: Tensor) => tf.sum(tf.stridedSlice(x, [0, 1], [3, 4], [2, 2])))(a);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
