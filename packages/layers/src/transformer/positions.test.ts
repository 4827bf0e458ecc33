import { cpu } from '@tessera/backend-cpu';
import { rngKey, stateTensors, useBackend } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { concat, dispose, getBackend, mul, range, slice, sum, tensor, tensor2d, tensorCount } from '@tessera/tensor';
import { beforeAll, describe, expect, it } from 'vitest';
import { PositionalEmbedding, sinusoidalPositions } from './positional-embedding.js';
import { applyRotary, RotaryEmbedding } from './rotary.js';
import { TokenAndPositionEmbedding } from './token-and-position-embedding.js';

const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5) => {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(tol);
};

describe('position embeddings', () => {
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
  });

  it('sinusoidal values: sin at even, cos at odd entries, wavelengths 10000^(2i/d)', () => {
    const pe = sinusoidalPositions(tensor([0, 1, 5], [3], 'int32'), 6);
    const want = [0, 1, 5].flatMap((p) =>
      [0, 1, 2].flatMap((i) => [Math.sin(p / 10000 ** ((2 * i) / 6)), Math.cos(p / 10000 ** ((2 * i) / 6))]),
    );
    near(pe.dataSync(), want);
    expect(pe.shape).toEqual([3, 6]);
    pe.dispose();
  });

  it('PositionalEmbedding adds the table rows of the positions (learned) or the sinusoids', () => {
    const learned = new PositionalEmbedding({ maxLength: 5, seed: 1 });
    const x = tensor(
      Array.from({ length: 12 }, (_, i) => i),
      [1, 3, 4],
    );
    const y = learned.call(x, { positions: tensor([4, 0, 2], [3], 'int32') });
    const table = (Object.values(learned.parameters())[0] as Tensor).arraySync() as number[][];
    near(
      y.dataSync(),
      [4, 0, 2].flatMap((p, t) => (table[p] as number[]).map((v, j) => v + t * 4 + j)),
    );
    const sin = new PositionalEmbedding({ maxLength: 8, kind: 'sinusoidal' });
    const z = sin.call(x);
    const pe = sinusoidalPositions(range(0, 3, 1, 'int32'), 4);
    near(
      z.dataSync(),
      Array.from(pe.dataSync(), (v, i) => v + i),
    );
    expect(() => learned.call(tensor(new Array(24).fill(0), [1, 6, 4]))).toThrow(/maxLength \(5\)/);
    dispose([x, y, z, pe]);
    learned.dispose();
  });

  it('PositionalEmbedding steps: chunk by chunk equals the full call', () => {
    const pe = new PositionalEmbedding({ maxLength: 6, seed: 2 });
    const x = tensor(
      Array.from({ length: 2 * 5 * 3 }, (_, i) => Math.sin(i)),
      [2, 5, 3],
    );
    const full = pe.call(x);
    let cache = pe.initCache(2);
    const ys: Tensor[] = [];
    let t = 0;
    for (const n of [2, 1, 2]) {
      const xt = slice(x, [0, t, 0], [-1, n, -1]);
      const [y, next] = pe.step(xt, cache);
      cache = next;
      ys.push(y);
      xt.dispose();
      t += n;
    }
    expect(cache).toEqual({ length: 5 });
    const stepped = concat(ys, 1);
    near(stepped.dataSync(), full.dataSync());
    dispose([x, full, stepped, ...ys]);
    pe.dispose();
  });

  it('rotary rotates each pair (x[i], x[i + d/2]) by p · base^(-2i/d)', () => {
    // x: [1, time 2, heads 1, dim 4]; the pair i = 1 is (x[1], x[3])
    const x = tensor([0, 1, 0, 0, 0, 1, 0, 0], [1, 2, 1, 4]);
    const y = applyRotary(x, tensor([0, 3], [2], 'int32'));
    const a = 3 * 10000 ** (-2 / 4);
    near(y.dataSync(), [0, 1, 0, 0, 0, Math.cos(a), 0, Math.sin(a)]);
    // the norm of every pair is kept
    const z = applyRotary(tensor([1, 2, 3, 4], [1, 1, 1, 4]), tensor([7], [1], 'int32'));
    const v = z.dataSync();
    near([Math.hypot(v[0] as number, v[2] as number), Math.hypot(v[1] as number, v[3] as number)], [Math.hypot(1, 3), Math.hypot(2, 4)]);
    dispose([x, y, z]);
  });

  it('rotary: the dot product of a rotated query and key depends only on their distance', () => {
    const q = tensor([0.3, -1.2, 0.8, 0.5, 0.1, 0.9], [1, 1, 1, 6]);
    const k = tensor([-0.7, 0.4, 1.1, 0.2, -0.6, 0.3], [1, 1, 1, 6]);
    const dot = (m: number, n: number) => {
      const rq = applyRotary(q, tensor([m], [1], 'int32'));
      const rk = applyRotary(k, tensor([n], [1], 'int32'));
      const s = sum(mul(rq, rk));
      const out = s.dataSync()[0] as number;
      dispose([rq, rk, s]);
      return out;
    };
    near([dot(3, 1), dot(10, 8), dot(52, 50)], [dot(2, 0), dot(2, 0), dot(2, 0)], 1e-4);
    expect(Math.abs(dot(3, 1) - dot(4, 1))).toBeGreaterThan(1e-3);
    const layer = new RotaryEmbedding();
    const x = tensor(
      Array.from({ length: 16 }, (_, i) => Math.cos(i)),
      [2, 2, 1, 4],
    );
    const viaLayer = layer.call(x, { positions: tensor2d([[5, 6]], [1, 2], 'int32') });
    const direct = applyRotary(x, tensor([5, 6], [2], 'int32'));
    near(viaLayer.dataSync(), direct.dataSync());
    dispose([q, k, x, viaLayer, direct]);
  });

  it('TokenAndPositionEmbedding: token row + position row; attend is the tied head; steps equal the call', () => {
    const emb = new TokenAndPositionEmbedding({ vocabSize: 5, maxLength: 4, dim: 3, seed: 3 });
    const ids = tensor2d([[4, 0, 2]], [1, 3], 'int32');
    const y = emb.call(ids, { training: true, rng: rngKey(0) });
    const p = emb.parameters();
    expect(Object.keys(p).sort()).toEqual([
      'token_and_position_embedding/position/embeddings',
      'token_and_position_embedding/token/embeddings',
    ]);
    const tok = (p['token_and_position_embedding/token/embeddings'] as Tensor).arraySync() as number[][];
    const pos = (p['token_and_position_embedding/position/embeddings'] as Tensor).arraySync() as number[][];
    near(
      y.dataSync(),
      [4, 0, 2].flatMap((id, t) => (tok[id] as number[]).map((v, j) => v + ((pos[t] as number[])[j] as number))),
    );
    const logits = emb.attend(y);
    expect(logits.shape).toEqual([1, 3, 5]);
    const row = Array.from(y.dataSync().slice(0, 3));
    near(
      logits.dataSync().slice(0, 5),
      tok.map((r) => r.reduce((s, v, j) => s + v * (row[j] as number), 0)),
    );
    const before = tensorCount();
    const c0 = emb.initCache(1);
    const a = slice(ids, [0, 0], [1, 2]);
    const b = slice(ids, [0, 2], [1, 1]);
    const [y1, c1] = emb.step(a, c0);
    const [y2, c2] = emb.step(b, c1);
    const stepped = concat([y1, y2], 1);
    near(stepped.dataSync(), y.dataSync());
    expect(c2).toEqual({ length: 3 });
    dispose([a, b, y1, y2, stepped, ...stateTensors(c2)]);
    expect(tensorCount()).toBe(before);
    dispose([ids, y, logits]);
    emb.dispose();
  });
});
