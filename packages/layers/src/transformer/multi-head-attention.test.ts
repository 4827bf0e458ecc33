import { cpu } from '@tessera/backend-cpu';
import { wasm } from '@tessera/backend-wasm';
import { rngKey, stateTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, dispose, getBackend, scope, slice, tensor, tensor2d, tensor3d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { causalMask } from '../masks.js';
import { dotProductAttention } from './dot-product-attention.js';
import { type AttentionCache, MultiHeadAttention } from './multi-head-attention.js';
import { headAttention, type M, type MhaWeights, mhaReference, rows } from './test-oracles.js';

/** Deterministic pseudo-random values in [-1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 2 - 1;
  });
}
const seq = (b: number, t: number, d: number, seed: number) => tensor(values(b * t * d, seed), [b, t, d]);
const batchRows = (x: Tensor, i: number): M => {
  const [, t, d] = x.shape as [number, number, number];
  return rows(x.dataSync().slice(i * t * d, (i + 1) * t * d), t, d);
};
const maxDiff = (a: M, b: M) => Math.max(...a.flatMap((r, i) => r.map((v, j) => Math.abs(v - ((b[i] as number[])[j] as number)))));

function weightsOf(layer: MultiHeadAttention): MhaWeights {
  const p = layer.parameters();
  const get = (k: string) => p[`${layer.name}/${k}`] as Tensor;
  const mat = (k: string) => rows(get(k).dataSync(), get(k).shape[0] as number, get(k).shape[1] as number);
  const vec = (k: string) => Array.from(get(k).dataSync());
  return {
    wq: mat('query_kernel'),
    bq: vec('query_bias'),
    wk: mat('key_kernel'),
    bk: vec('key_bias'),
    wv: mat('value_kernel'),
    bv: vec('value_bias'),
    wo: mat('output_kernel'),
    bo: vec('output_bias'),
  };
}

/** Gives every bias a non-zero value (they start at zero). */
function randomizeBiases(layer: MultiHeadAttention): void {
  for (const [k, v] of Object.entries(layer.parameters())) {
    if (!k.endsWith('_bias')) continue;
    const t = tensor(values(v.size, k.length * 7), v.shape);
    v.assign(t);
    t.dispose();
  }
}

describe.each([cpu(), wasm()])('attention on $name', (plugin) => {
  beforeAll(async () => {
    await useBackend(plugin);
    expect(getBackend()).toBe(plugin.name);
  });

  it('dotProductAttention equals softmax(q kᵀ / √d) v per head, with a [batch, tq, tk] mask', () => {
    const [b, h, tq, tk, d] = [2, 2, 3, 4, 2];
    const q = tensor(values(b * h * tq * d, 1), [b, h, tq, d]);
    const k = tensor(values(b * h * tk * d, 2), [b, h, tk, d]);
    const v = tensor(values(b * h * tk * d, 3), [b, h, tk, d]);
    const maskValues = [
      [1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 1, 1],
      [1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0],
    ];
    const mask = tensor(maskValues.flat(), [b, tq, tk], 'bool');
    const y = dotProductAttention(q, k, v, { mask });
    for (let i = 0; i < b; i++) {
      for (let j = 0; j < h; j++) {
        const part = (t: Tensor, n: number) => rows(t.dataSync().slice((i * h + j) * n * d, (i * h + j + 1) * n * d), n, d);
        const want = headAttention(part(q, tq), part(k, tk), part(v, tk), (r, c) => (maskValues[i] as number[])[r * tk + c] === 1);
        expect(maxDiff(part(y, tq), want)).toBeLessThan(1e-5);
      }
    }
    dispose([q, k, v, mask, y]);
  });

  it('MultiHeadAttention equals the reference: self-attention with causal and padding masks', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, causal: true, seed: 5 });
    const x = seq(2, 4, 5, 11);
    const pad = tensor2d(
      [
        [1, 1, 1, 0],
        [1, 0, 1, 1],
      ],
      [2, 4],
    );
    layer.build(x.shape);
    randomizeBiases(layer);
    const y = layer.call(x, { mask: pad });
    const w = weightsOf(layer);
    const padRows = pad.arraySync() as number[][];
    for (let i = 0; i < 2; i++) {
      const xi = batchRows(x, i);
      const want = mhaReference(xi, xi, xi, w, 2, 2, 3, (r, c) => c <= r && (padRows[i] as number[])[c] === 1);
      expect(maxDiff(batchRows(y, i), want)).toBeLessThan(1e-4);
    }
    dispose([x, pad, y]);
    layer.dispose();
  });

  it('MultiHeadAttention cross-attention: separate query/key/value lengths and sizes, attentionMask', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, outputDim: 3, seed: 6 });
    const q = seq(1, 3, 4, 21);
    const v = seq(1, 5, 3, 22);
    const k = seq(1, 5, 2, 23);
    const am = [1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 1];
    const attentionMask = tensor(am, [1, 3, 5], 'bool');
    const y = layer.call([q, v, k], { attentionMask });
    expect(y.shape).toEqual([1, 3, 3]);
    const want = mhaReference(batchRows(q, 0), batchRows(v, 0), batchRows(k, 0), weightsOf(layer), 2, 2, 2, (r, c) => am[r * 5 + c] === 1);
    expect(maxDiff(batchRows(y, 0), want)).toBeLessThan(1e-4);
    dispose([q, v, k, attentionMask, y]);
    layer.dispose();
  });

  it('grouped-query heads: query heads share key/value heads (reference and kernel repetition)', () => {
    const gqa = new MultiHeadAttention({ numHeads: 4, keyDim: 2, numKeyValueHeads: 2, seed: 7 });
    const x = seq(2, 3, 4, 31);
    gqa.build(x.shape);
    randomizeBiases(gqa);
    expect(gqa.parameters()[`${gqa.name}/key_kernel`]?.shape).toEqual([4, 4]); // 2 kv heads of 2
    const y = gqa.call(x);
    const w = weightsOf(gqa);
    for (let i = 0; i < 2; i++) {
      const xi = batchRows(x, i);
      expect(maxDiff(batchRows(y, i), mhaReference(xi, xi, xi, w, 4, 2, 2))).toBeLessThan(1e-4);
    }
    // the same as full multi-head attention whose key/value heads repeat: kv head j serves query heads 2j, 2j+1
    const full = new MultiHeadAttention({ numHeads: 4, keyDim: 2, name: 'full' });
    full.build(x.shape);
    const rep = (m: M) => m.map((r) => [0, 0, 1, 1].flatMap((j) => r.slice(2 * j, 2 * j + 2)));
    const repB = (b: number[]) => [0, 0, 1, 1].flatMap((j) => b.slice(2 * j, 2 * j + 2));
    const set: Record<string, number[] | M> = {
      query_kernel: w.wq,
      query_bias: w.bq,
      key_kernel: rep(w.wk),
      key_bias: repB(w.bk),
      value_kernel: rep(w.wv),
      value_bias: repB(w.bv),
      output_kernel: w.wo,
      output_bias: w.bo,
    };
    for (const [k, val] of Object.entries(set)) {
      const variable = full.parameters()[`full/${k}`] as Tensor & { assign(t: Tensor): void };
      const t = tensor((val as number[] | M).flat() as number[], variable.shape);
      variable.assign(t);
      t.dispose();
    }
    const y2 = full.call(x);
    expect(maxDiff(batchRows(y2, 0), batchRows(y, 0))).toBeLessThan(1e-5);
    dispose([x, y, y2]);
    gqa.dispose();
    full.dispose();
  });

  it('a causal layer never looks ahead: changing step t changes no output before t', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, causal: true, rotary: true, seed: 8 });
    const x = seq(1, 6, 8, 41);
    const changed = concat([slice(x, [0, 0, 0], [1, 4, 8]), seq(1, 2, 8, 99)], 1);
    const a = layer.call(x);
    const b = layer.call(changed);
    const d = (a.dataSync() as Float32Array).map((v, i) => Math.abs(v - (b.dataSync()[i] as number)));
    expect(Math.max(...d.slice(0, 4 * 8))).toBe(0);
    expect(Math.max(...d.slice(4 * 8))).toBeGreaterThan(1e-3);
    dispose([x, changed, a, b]);
    layer.dispose();
  });

  it('a right-padded batch gives the unpadded outputs at real steps', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, seed: 9 });
    const x = seq(1, 5, 4, 51);
    const short = slice(x, [0, 0, 0], [1, 3, 4]);
    const padded = concat([short, seq(1, 2, 4, 77)], 1);
    const mask = tensor2d([[1, 1, 1, 0, 0]], [1, 5]);
    const y = layer.call(padded, { mask });
    const ref = layer.call(short);
    expect(maxDiff(batchRows(slice(y, [0, 0, 0], [1, 3, 4]), 0), batchRows(ref, 0))).toBeLessThan(1e-5);
    dispose([x, short, padded, mask, y, ref]);
    layer.dispose();
  });

  it('causalMask in attentionMask equals causal: true', () => {
    const a = new MultiHeadAttention({ numHeads: 1, keyDim: 3, causal: true, seed: 10, name: 'a' });
    const b = new MultiHeadAttention({ numHeads: 1, keyDim: 3, seed: 10, name: 'b' });
    const x = seq(2, 4, 3, 61);
    const m = causalMask(4);
    const ya = a.call(x);
    const yb = b.call(x, { attentionMask: m });
    expect(maxDiff(batchRows(ya, 1), batchRows(yb, 1))).toBeLessThan(1e-6);
    dispose([x, m, ya, yb]);
    a.dispose();
    b.dispose();
  });

  /** Steps through `x` in chunks; returns the concatenated outputs (cache disposed along the way). */
  function stepThrough(layer: MultiHeadAttention, x: Tensor, chunks: number[], mask?: Tensor): Tensor {
    let cache: AttentionCache = layer.initCache(x.shape[0] as number, { maxLength: 8 });
    const ys: Tensor[] = [];
    let t = 0;
    for (const n of chunks) {
      const xt = slice(x, [0, t, 0], [-1, n, -1]);
      const mt = mask && slice(mask, [0, t], [-1, n]);
      const [y, next] = layer.step(xt, cache, mt ? { mask: mt } : {});
      dispose(stateTensors(cache));
      dispose(mt ? [xt, mt] : [xt]);
      cache = next;
      ys.push(y);
      t += n;
    }
    dispose(stateTensors(cache));
    const out = concat(ys, 1);
    dispose(ys);
    return out;
  }

  it('step with a key/value cache equals the full causal call (chunks, rotary, grouped-query, padding mask), no leak', () => {
    const layer = new MultiHeadAttention({ numHeads: 4, keyDim: 2, numKeyValueHeads: 2, causal: true, rotary: true, seed: 12 });
    const x = seq(2, 6, 4, 71);
    const mask = tensor2d(
      [
        [0, 1, 1, 1, 1, 1],
        [1, 1, 1, 1, 0, 1],
      ],
      [2, 6],
    );
    const full = layer.call(x);
    const fullMasked = layer.call(x, { mask });
    for (const chunks of [[1, 1, 1, 1, 1, 1], [2, 3, 1], [6]]) {
      const before = tensorCount();
      const stepped = stepThrough(layer, x, chunks);
      const steppedMasked = stepThrough(layer, x, chunks, mask);
      for (let i = 0; i < 2; i++) {
        expect(maxDiff(batchRows(stepped, i), batchRows(full, i))).toBeLessThan(1e-5);
        expect(maxDiff(batchRows(steppedMasked, i), batchRows(fullMasked, i))).toBeLessThan(1e-5);
      }
      dispose([stepped, steppedMasked]);
      expect(tensorCount()).toBe(before);
    }
    dispose([x, mask, full, fullMasked]);
    layer.dispose();
  });

  it('step refuses a non-causal layer, a missing maxLength and an overflowing cache, naming the argument', () => {
    const x = tensor3d([[[1, 2]]], [1, 1, 2]);
    expect(() => new MultiHeadAttention({ numHeads: 1, keyDim: 2 }).step(x, {} as AttentionCache)).toThrow(/causal/);
    const layer = new MultiHeadAttention({ numHeads: 1, keyDim: 2, causal: true });
    expect(() => layer.initCache(1)).toThrow(/maxLength/);
    const cache = layer.initCache(1, { maxLength: 1 });
    const [y, next] = layer.step(x, cache);
    expect(() => layer.step(x, next)).toThrow(/maxLength \(1\)/);
    dispose([x, y, ...stateTensors(cache), ...stateTensors(next)]);
    expect(() => new MultiHeadAttention({ numHeads: 4, keyDim: 2, numKeyValueHeads: 3 })).toThrow(/numKeyValueHeads/);
    layer.dispose();
  });

  it('dropout on the attention weights: deterministic with a key, off at inference', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, dropout: 0.5, seed: 13 });
    const x = seq(1, 4, 4, 81);
    scope(() => {
      const inf = layer.call(x);
      const inf2 = layer.call(x, { training: false, rng: rngKey(1) });
      expect(maxDiff(batchRows(inf, 0), batchRows(inf2, 0))).toBe(0);
      const a = layer.call(x, { training: true, rng: rngKey(1) });
      const b = layer.call(x, { training: true, rng: rngKey(1) });
      const c = layer.call(x, { training: true, rng: rngKey(2) });
      expect(maxDiff(batchRows(a, 0), batchRows(b, 0))).toBe(0);
      expect(maxDiff(batchRows(a, 0), batchRows(inf, 0))).toBeGreaterThan(1e-3);
      expect(maxDiff(batchRows(a, 0), batchRows(c, 0))).toBeGreaterThan(1e-3);
    });
    dispose(x);
    layer.dispose();
  });
});
