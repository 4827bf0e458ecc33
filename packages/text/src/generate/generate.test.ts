import { cpu } from '@tessera/backend-cpu';
import { Prng, useBackend, ValueError } from '@tessera/core';
import { dense, embedding, lstm, sequential } from '@tessera/layers';
import type { Tensor } from '@tessera/tensor';
import { getBackend, tensor1d, tensor2d, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CausalLM } from './causal-lm.js';
import { generate } from './generate.js';
import { argmax, sampleToken, samplingProbabilities } from './sample.js';
import { TinyAttentionLM } from './tiny-attention.test-model.js';

const V = 13;

describe('sampling', () => {
  it('temperature, top-k and top-p give the hand-computed distributions', () => {
    const close = (a: ArrayLike<number>, b: number[]) => {
      b.forEach((x, i) => {
        expect(a[i]).toBeCloseTo(x, 6);
      });
    };
    const e = Math.E;
    close(samplingProbabilities([2, 1, 0], { topK: 2 }), [e / (e + 1), 1 / (e + 1), 0]);
    close(samplingProbabilities([Math.log(1), Math.log(4)], { temperature: 0.5 }), [1 / 17, 16 / 17]);
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.2)];
    close(samplingProbabilities(logits, { topP: 0.7 }), [0.625, 0.375, 0]);
    close(samplingProbabilities(logits, { topP: 0.5 }), [1, 0, 0]);
    close(samplingProbabilities([1, 3, 3, 0], { topK: 1 }), [0, 0.5, 0.5, 0]); // ties with the k-th are kept
    expect(argmax([0.1, 2, 2, -1])).toBe(1);
    expect(sampleToken([0, 5, 1], { temperature: 0 }, 0.99)).toBe(1);
    expect(sampleToken(logits, {}, 0.49)).toBe(0);
    expect(sampleToken(logits, {}, 0.51)).toBe(1);
    expect(sampleToken(logits, {}, 0.81)).toBe(2);
  });

  it('draws with the frequencies of the distribution', () => {
    const rng = new Prng(3);
    const logits = [0, 1, 2, -1];
    const p = samplingProbabilities(logits, { temperature: 1.5 });
    const counts = [0, 0, 0, 0];
    const n = 40_000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: 1.5 }, rng.next())]! += 1;
    counts.forEach((c, i) => {
      expect(Math.abs(c / n - (p[i] as number))).toBeLessThan(0.01);
    });
  });
});

describe('generate (cpu)', () => {
  let lm: CausalLM;
  let attention: TinyAttentionLM;
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
    lm = sequential([embedding(V, 6, { seed: 1 }), lstm(12, { returnSequences: true, seed: 2 }), dense(V, { seed: 3 })]);
    lm.call(tensor2d([[1]], [1, 1], 'int32')).dispose(); // build the weights
    attention = new TinyAttentionLM(V, 6);
  });
  afterAll(() => attention.dispose());

  const settings = [
    { name: 'greedy', temperature: 0 },
    { name: 'temperature 1', temperature: 1, seed: 7 },
    { name: 'top-k 4, temperature 0.8', temperature: 0.8, topK: 4, seed: 11 },
    { name: 'top-p 0.9', topP: 0.9, seed: 5 },
  ];

  for (const s of settings) {
    it(`an Embedding-LSTM-Dense Sequential: cached and recomputed generation are equal token for token (${s.name}), no leak`, async () => {
      const before = tensorCount();
      const cached = await generate(lm, [3, 1, 4, 1, 5], { ...s, maxNewTokens: 24, useCache: true });
      const afterCached = tensorCount();
      const full = await generate(lm, [3, 1, 4, 1, 5], { ...s, maxNewTokens: 24, useCache: false });
      expect(afterCached).toBe(before);
      expect(tensorCount()).toBe(before);
      expect(cached).toHaveLength(24);
      expect(cached.every((t) => Number.isInteger(t) && t >= 0 && t < V)).toBe(true);
      expect(cached).toEqual(full);
      // with a context window: both paths see the last 6 tokens
      const a = await generate(lm, [2, 7], { ...s, maxNewTokens: 12, blockSize: 6, useCache: true });
      const b = await generate(lm, [2, 7], { ...s, maxNewTokens: 12, blockSize: 6, useCache: false });
      expect(a).toEqual(b);
      expect(tensorCount()).toBe(before);
    });

    it(`a causal attention model with a KV cache past its block size: cached equals recomputed (${s.name})`, async () => {
      const before = tensorCount();
      attention.calls = 0;
      attention.steps = 0;
      attention.chunks = [];
      const cached = await generate(attention, [1, 2, 3], { ...s, maxNewTokens: 16 });
      expect(attention.calls).toBe(0);
      // one step per token: the prompt, single tokens, and the 6-token window whenever the cache is full
      expect(attention.steps).toBe(16);
      expect(attention.chunks.slice(0, 5)).toEqual([3, 1, 1, 1, 6]);
      const full = await generate(attention, [1, 2, 3], { ...s, maxNewTokens: 16, useCache: false });
      expect(attention.calls).toBe(16);
      expect(cached).toEqual(full);
      const batchCached = await generate(
        attention,
        [
          [1, 2, 3],
          [4, 4, 0],
        ],
        { ...s, maxNewTokens: 9 },
      );
      const batchFull = await generate(
        attention,
        [
          [1, 2, 3],
          [4, 4, 0],
        ],
        { ...s, maxNewTokens: 9, useCache: false },
      );
      expect(batchCached).toEqual(batchFull);
      expect(batchCached[0]).toEqual(cached.slice(0, 9)); // a row of a batch generates what it generates alone
      expect(tensorCount()).toBe(before);
    });
  }

  it('the test model itself: stepping one token at a time gives the logits of the full call', () => {
    const ids = tensor2d([[1, 5, 2, 7, 3]], [1, 5], 'int32');
    const full = attention.call(ids).arraySync() as number[][][];
    let cache = attention.initCache(1);
    for (let t = 0; t < 5; t++) {
      const x = tensor2d([[[1, 5, 2, 7, 3][t] as number]], [1, 1], 'int32');
      const pos = tensor1d([t], 'int32');
      const [y, next] = attention.step(x, cache, { positions: pos });
      const got = (y.arraySync() as number[][][])[0]![0]!;
      got.forEach((v, i) => {
        expect(v).toBeCloseTo(full[0]![t]![i]!, 4);
      });
      for (const c of cache as Tensor[]) c.dispose();
      cache = next;
      for (const d of [x, pos, y]) d.dispose();
    }
    for (const c of cache as Tensor[]) c.dispose();
    ids.dispose();
  });

  it('greedy picks the argmax of the full call; same seed same tokens, another seed other tokens', async () => {
    const ids = tensor2d([[3, 1, 4]], [1, 3], 'int32');
    const logits = lm.call(ids);
    const last = (logits.arraySync() as number[][][])[0]![2]!;
    logits.dispose();
    ids.dispose();
    expect((await generate(lm, [3, 1, 4], { maxNewTokens: 1, temperature: 0 }))[0]).toBe(argmax(last));
    const a = await generate(lm, Int32Array.of(3, 1, 4), { maxNewTokens: 30, seed: 1 });
    const b = await generate(lm, [3, 1, 4], { maxNewTokens: 30, seed: 1 });
    const c = await generate(lm, [3, 1, 4], { maxNewTokens: 30, seed: 2 });
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it('stops a sequence after its stop token and streams tokens through onToken', async () => {
    const free = await generate(
      attention,
      [
        [1, 2, 3],
        [5, 6, 7],
      ],
      { maxNewTokens: 10, temperature: 0 },
    );
    const stop = free[0]![3]!;
    const seen: [number, number][] = [];
    const out = await generate(
      attention,
      [
        [1, 2, 3],
        [5, 6, 7],
      ],
      {
        maxNewTokens: 10,
        temperature: 0,
        stopToken: stop,
        onToken: (t, i) => seen.push([t, i]),
      },
    );
    const cut = (row: number[]) => (row.includes(stop) ? row.slice(0, row.indexOf(stop) + 1) : row);
    expect(out[0]).toEqual(cut(free[0]!));
    expect(out[1]).toEqual(cut(free[1]!));
    expect(seen.filter(([, i]) => i === 0).map(([t]) => t)).toEqual(out[0]);
  });

  it('names bad arguments', async () => {
    const plain: CausalLM = { call: (x) => lm.call(x) };
    await expect(generate(plain, [1], { maxNewTokens: 2, useCache: true })).rejects.toThrow(/useCache.*Stepper/);
    await expect(generate(plain, [], { maxNewTokens: 2 })).rejects.toThrow(ValueError);
    await expect(generate(plain, [[1, 2], [3]], { maxNewTokens: 2 })).rejects.toThrow(/prompt\[1\].*2 tokens/);
    await expect(generate(plain, [1], { maxNewTokens: -1 })).rejects.toThrow(/maxNewTokens/);
    await expect(generate(plain, [1], { maxNewTokens: 1, topP: 0 })).rejects.toThrow(/topP/);
    await expect(generate(plain, [1], { maxNewTokens: 1, temperature: -1 })).rejects.toThrow(/temperature/);
    expect(await generate(plain, [1], { maxNewTokens: 0 })).toEqual([]);
  });
});
