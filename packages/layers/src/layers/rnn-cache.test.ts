import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { stateTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, dispose, getBackend, reshape, scope, slice, tensor2d, tensor3d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import type { RNN } from './rnn.js';

const X = [
  [
    [0.5, -1],
    [1, 0.2],
    [-0.3, 0.7],
    [0.9, -0.4],
    [0.2, 0.1],
  ],
  [
    [0.1, 0.4],
    [-0.8, 0.6],
    [0.3, 0.3],
    [-0.5, -0.9],
    [0.6, 0.0],
  ],
];

const maxDiff = (a: Tensor, b: Tensor) => {
  const x = Array.from(a.dataSync() as Float32Array);
  const y = Array.from(b.dataSync() as Float32Array);
  expect(x.length).toBe(y.length);
  return x.reduce((m, v, i) => Math.max(m, Math.abs(v - (y[i] as number))), 0);
};

/** Runs `layer.step` over `x` in chunks of the given sizes; returns the concatenated outputs. */
function stepThrough(layer: RNN, x: Tensor, chunks: number[], mask?: Tensor): Tensor {
  let cache = layer.initCache(x.shape[0] as number);
  const ys: Tensor[] = [];
  let t = 0;
  for (const n of chunks) {
    const xt = slice(x, [0, t, 0], [-1, n, -1]);
    const mt = mask && slice(mask, [0, t], [-1, n]);
    const [y, next] = layer.step(xt, cache, mt ? { mask: mt } : {});
    for (const old of stateTensors(cache)) old.dispose();
    dispose(mt ? [xt, mt] : [xt]);
    cache = next;
    ys.push(y);
    t += n;
  }
  dispose(cache);
  const out = concat(ys, 1);
  dispose(ys);
  return out;
}

const makers: Array<[string, () => RNN]> = [
  ['SimpleRNN', () => new SimpleRNN({ units: 3, returnSequences: true, seed: 1 })],
  ['LSTM', () => new LSTM({ units: 3, returnSequences: true, seed: 2 })],
  ['GRU', () => new GRU({ units: 3, returnSequences: true, seed: 3 })],
  ['GRU resetAfter=false', () => new GRU({ units: 3, returnSequences: true, resetAfter: false, seed: 4 })],
];

describe.each([cpu(), wasm()])('recurrent step with an explicit cache on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  for (const [name, make] of makers) {
    it(`${name}: one step at a time equals the full call (returnSequences), no leak`, () => {
      const layer = make();
      const x = tensor3d(X);
      const full = layer.call(x);
      const before = tensorCount();
      const stepped = stepThrough(layer, x, [1, 1, 1, 1, 1]);
      expect(stepped.shape).toEqual([2, 5, 3]);
      expect(maxDiff(stepped, full)).toBeLessThanOrEqual(1e-6);
      stepped.dispose();
      expect(tensorCount()).toBe(before);
      // chunks of several steps too
      const chunked = stepThrough(layer, x, [2, 3]);
      expect(maxDiff(chunked, full)).toBeLessThanOrEqual(1e-6);
      dispose([chunked, full, x]);
    });

    it(`${name}: masked (left-padded) steps keep the cache`, () => {
      const layer = make();
      const x = tensor3d(X);
      const mask = tensor2d([
        [0, 0, 1, 1, 1],
        [1, 1, 1, 1, 1],
      ]);
      const full = layer.call(x, { mask });
      const stepped = stepThrough(layer, x, [1, 1, 1, 1, 1], mask);
      expect(maxDiff(stepped, full)).toBeLessThanOrEqual(1e-6);
      dispose([stepped, full, x, mask]);
    });
  }

  it('the last step output equals the call of a layer without returnSequences; step never disposes the cache', () => {
    const layer = new LSTM({ units: 2, seed: 5 });
    const x = tensor3d(X);
    const last = layer.call(x);
    const cache = layer.initCache(2);
    expect(cache.map((c) => c.shape)).toEqual([
      [2, 2],
      [2, 2],
    ]);
    const [y, next] = layer.step(x, cache);
    expect(cache.every((c) => !c.isDisposed)).toBe(true);
    expect(next.some((n) => cache.includes(n))).toBe(false);
    const lastStep = scope(() => reshape(slice(y, [0, 4, 0], [-1, 1, -1]), [2, 2]));
    expect(maxDiff(lastStep, last)).toBeLessThanOrEqual(1e-6);
    dispose([x, last, y, lastStep, ...cache, ...next]);
  });

  it('rejects a wrong cache, a goBackwards layer and a rank-2 input with errors naming the layer', () => {
    const layer = new GRU({ units: 2, name: 'gru_step_errors' });
    const x = tensor3d(X);
    const wrong = layer.initCache(3);
    expect(() => layer.step(x, wrong)).toThrow(/gru_step_errors cache/);
    expect(() => layer.step(x, [])).toThrow(/gru_step_errors cache/);
    const back = new SimpleRNN({ units: 2, goBackwards: true, name: 'rnn_back_step' });
    expect(() => back.step(x, back.initCache(2))).toThrow(/rnn_back_step step/);
    expect(() => layer.step(tensor2d([[1, 2]]), layer.initCache(1))).toThrow(/gru_step_errors step input/);
    expect(() => layer.initCache(0)).toThrow(/batchSize/);
    dispose([x, ...wrong]);
  });
});
