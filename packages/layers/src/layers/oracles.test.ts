import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { getBackend, tensor, tensor2d, tensor3d } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNormalization } from './batch-norm.js';
import { Dense } from './dense.js';
import { GroupNormalization, LayerNormalization, RMSNormalization } from './norms.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const close = (got: Tensor, want: number[], tol = 1e-5) => {
  const g = Array.from(got.dataSync());
  expect(g.length).toBe(want.length);
  g.forEach((v, i) => {
    expect(Math.abs(v - (want[i] as number))).toBeLessThanOrEqual(tol * (1 + Math.abs(want[i] as number)));
  });
};
const set = (layer: { variables(): Record<string, { assign(t: Tensor): void }> }, key: string, t: Tensor) => {
  const v = layer.variables()[key];
  if (!v) throw new Error(`no variable ${key}`);
  v.assign(t);
};
/** Row-vector times matrix. */
const vecMat = (v: number[], m: number[][]) =>
  (m[0] as number[]).map((_, j) => v.reduce((a, x, i) => a + x * ((m[i] as number[])[j] as number), 0));

describe.each([cpu(), wasm()])('layer oracles on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  it('Dense computes relu(x · W + b) by hand', () => {
    const d = new Dense({ units: 2, activation: 'relu', inputShape: [3] });
    set(
      d,
      `${d.name}/kernel`,
      tensor2d([
        [1, -1],
        [2, 0.5],
        [-1, 3],
      ]),
    );
    set(d, `${d.name}/bias`, tensor([0.5, -4]));
    const y = d.call(
      tensor2d([
        [1, 2, 3],
        [0, -1, 1],
      ]),
    );
    // row 1: [1+4-3+0.5, -1+1+9-4] = [2.5, 5]; row 2: [-2-1+0.5, -0.5+3-4] -> relu -> [0, 0]
    close(y, [2.5, 5, 0, 0]);
  });

  it('BatchNormalization normalizes with batch stats in training and moving stats at inference', () => {
    const bn = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    const x = tensor2d([
      [1, 10],
      [2, 20],
      [3, 30],
      [6, 0],
    ]);
    const y = bn.call(x, { training: true });
    const cols = [
      [1, 2, 3, 6],
      [10, 20, 30, 0],
    ];
    const stats = cols.map((c) => {
      const m = c.reduce((a, b) => a + b, 0) / c.length;
      const v = c.reduce((a, b) => a + (b - m) ** 2, 0) / c.length;
      return { m, v };
    });
    const want: number[] = [];
    for (let r = 0; r < 4; r++)
      for (let c = 0; c < 2; c++)
        want.push((((cols[c] as number[])[r] as number) - (stats[c]?.m as number)) / Math.sqrt((stats[c]?.v as number) + 1e-3));
    close(y, want, 1e-4);
    const st = bn.state();
    close(
      st[`${bn.name}/moving_mean`] as Tensor,
      stats.map((s) => 0.1 * s.m),
      1e-5,
    );
    close(
      st[`${bn.name}/moving_variance`] as Tensor,
      stats.map((s) => 0.9 + 0.1 * s.v),
      1e-5,
    );
    expect(Object.keys(bn.parameters()).sort()).toEqual([`${bn.name}/beta`, `${bn.name}/gamma`]);
    const inf = bn.call(tensor2d([[1, 1]]), { training: false });
    close(
      inf,
      stats.map((s) => (1 - 0.1 * s.m) / Math.sqrt(0.9 + 0.1 * s.v + 1e-3)),
      1e-4,
    );
    // inference leaves the moving stats alone
    close(
      bn.state()[`${bn.name}/moving_mean`] as Tensor,
      stats.map((s) => 0.1 * s.m),
      1e-6,
    );
  });

  it('LayerNormalization, RMSNormalization and GroupNormalization match hand formulas', () => {
    const row = [1, 2, 4, 9];
    const m = row.reduce((a, b) => a + b, 0) / 4;
    const v = row.reduce((a, b) => a + (b - m) ** 2, 0) / 4;
    close(
      new LayerNormalization().call(tensor2d([row])),
      row.map((r) => (r - m) / Math.sqrt(v + 1e-3)),
      1e-4,
    );
    const rms = Math.sqrt(row.reduce((a, b) => a + b * b, 0) / 4 + 1e-6);
    close(
      new RMSNormalization().call(tensor2d([row])),
      row.map((r) => r / rms),
      1e-5,
    );
    // two groups of two channels: [1,2] and [4,9]
    const g = new GroupNormalization({ groups: 2 }).call(tensor2d([row]));
    const norm = (a: number, b: number) => {
      const mm = (a + b) / 2;
      const vv = ((a - mm) ** 2 + (b - mm) ** 2) / 2;
      return [(a - mm) / Math.sqrt(vv + 1e-3), (b - mm) / Math.sqrt(vv + 1e-3)];
    };
    close(g, [...norm(1, 2), ...norm(4, 9)], 1e-4);
  });

  const W = [
    [0.1, -0.2, 0.3, 0.05, -0.1, 0.2, 0.4, -0.3],
    [0.2, 0.1, -0.1, 0.3, 0.25, -0.15, 0.05, 0.1],
  ];
  const U = [
    [0.3, 0.1, -0.2, 0.2, 0.1, 0.05, -0.1, 0.2],
    [-0.1, 0.2, 0.1, -0.3, 0.2, 0.1, 0.3, -0.05],
  ];
  const B = [0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];
  const xs = [
    [0.5, -1],
    [1.5, 0.25],
  ];

  it('LSTM: two steps match hand-computed gates (i, f, c, o)', () => {
    const l = new LSTM({ units: 2, returnSequences: true });
    l.build([1, 2, 2]);
    set(l, `${l.name}/kernel`, tensor2d(W));
    set(l, `${l.name}/recurrent_kernel`, tensor2d(U));
    set(l, `${l.name}/bias`, tensor(B));
    let h = [0, 0];
    let c = [0, 0];
    const want: number[] = [];
    for (const x of xs) {
      const z = vecMat(x, W).map((v, j) => v + (vecMat(h, U)[j] as number) + (B[j] as number));
      const g = (k: number, j: number) => z[k * 2 + j] as number;
      c = [0, 1].map((j) => sig(g(1, j)) * (c[j] as number) + sig(g(0, j)) * Math.tanh(g(2, j)));
      h = [0, 1].map((j) => sig(g(3, j)) * Math.tanh(c[j] as number));
      want.push(...h);
    }
    close(l.call(tensor3d([xs])), want, 1e-5);
  });

  it('LSTM forget-gate bias starts at one', () => {
    const l = new LSTM({ units: 3 });
    l.build([1, 2, 2]);
    close(l.parameters()[`${l.name}/bias`] as Tensor, [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('GRU (resetAfter): two steps match hand-computed gates (z, r, h)', () => {
    const u = 2;
    const g = new GRU({ units: u });
    g.build([1, 2, 2]);
    const W3 = W.map((r) => r.slice(0, 6));
    const U3 = U.map((r) => r.slice(0, 6));
    const B2 = [B.slice(0, 6), B.slice(2, 8)];
    set(g, `${g.name}/kernel`, tensor2d(W3));
    set(g, `${g.name}/recurrent_kernel`, tensor2d(U3));
    set(g, `${g.name}/bias`, tensor2d(B2));
    let h = [0, 0];
    for (const x of xs) {
      const xp = vecMat(x, W3).map((v, j) => v + (B2[0]?.[j] as number));
      const hp = vecMat(h, U3).map((v, j) => v + (B2[1]?.[j] as number));
      const z = [0, 1].map((j) => sig((xp[j] as number) + (hp[j] as number)));
      const r = [0, 1].map((j) => sig((xp[u + j] as number) + (hp[u + j] as number)));
      const hh = [0, 1].map((j) => Math.tanh((xp[2 * u + j] as number) + (r[j] as number) * (hp[2 * u + j] as number)));
      h = [0, 1].map((j) => (z[j] as number) * (h[j] as number) + (1 - (z[j] as number)) * (hh[j] as number));
    }
    close(g.call(tensor3d([xs])), h, 1e-5);
  });

  it('SimpleRNN goBackwards processes the last step first', () => {
    const r = new SimpleRNN({ units: 1, goBackwards: true, useBias: false });
    r.build([1, 2, 1]);
    set(r, `${r.name}/kernel`, tensor2d([[1]]));
    set(r, `${r.name}/recurrent_kernel`, tensor2d([[0.5]]));
    // steps processed as x2=2 then x1=1: h1 = tanh(2), h2 = tanh(1 + 0.5 h1)
    close(r.call(tensor3d([[[1], [2]]])), [Math.tanh(1 + 0.5 * Math.tanh(2))]);
  });
});

describe('convolution and pooling oracles (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
  });
  it('Conv2D valid 2x2 kernel on a 3x3 image matches the hand sum; pooling too', async () => {
    const { Conv2D } = await import('./conv.js');
    const { MaxPool2D, AvgPool1D } = await import('./pooling.js');
    const { tensor4d } = await import('@tessera/tensor');
    const c = new Conv2D({ filters: 1, kernelSize: 2, inputShape: [3, 3, 1] });
    set(c, `${c.name}/kernel`, tensor4d([1, 2, 3, 4], [2, 2, 1, 1]));
    set(c, `${c.name}/bias`, tensor([1]));
    const img = [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ];
    const want: number[] = [];
    for (let i = 0; i < 2; i++)
      for (let j = 0; j < 2; j++) {
        const r = img as number[][];
        want.push(
          1 + (r[i]?.[j] as number) + 2 * (r[i]?.[j + 1] as number) + 3 * (r[i + 1]?.[j] as number) + 4 * (r[i + 1]?.[j + 1] as number),
        );
      }
    close(c.call(tensor4d(img.flat(), [1, 3, 3, 1])), want);
    close(new MaxPool2D({ poolSize: 2, strides: 1 }).call(tensor4d(img.flat(), [1, 3, 3, 1])), [5, 6, 8, 9]);
    close(new AvgPool1D({ poolSize: 2 }).call(tensor3d([[[1], [3], [5], [7]]])), [2, 6]);
  });
});
