import { cpu } from '@tessera/backend-cpu';
import { useBackend, ValueError } from '@tessera/core';
import { dense, embedding, sequential } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adam } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';
import { getBackend, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { beforeAll, describe, expect, it } from 'vitest';
import { maskTokens } from './mask-tokens.js';
import { maskedLmBatches } from './masked-lm-batches.js';

const VOCAB = 1000;
const MASK = 4;
const SPECIALS = [0, 1, 2, 3, 4]; // [PAD] [UNK] [CLS] [SEP] [MASK]

/** 2,000 rows of 100: [CLS] 90 words [SEP] 8 x [PAD]. */
function corpus(): Int32Array {
  const ids = new Int32Array(200_000);
  let w = 17;
  for (let r = 0; r < 2000; r++) {
    ids[r * 100] = 2;
    for (let i = 1; i <= 90; i++) {
      w = (w * 48271) % 2147483647;
      ids[r * 100 + i] = 5 + (w % (VOCAB - 5));
    }
    ids[r * 100 + 91] = 3;
  }
  return ids;
}

describe('maskTokens', () => {
  it('selects 15% of the non-special positions; 80% [MASK], 10% random, 10% kept; labels -100 elsewhere; specials never', () => {
    const ids = corpus();
    const { inputs, labels, selected, count } = maskTokens(ids, { maskTokenId: MASK, vocabSize: VOCAB, specialIds: SPECIALS, seed: 42 });
    const eligible = ids.reduce((n, id) => n + (SPECIALS.includes(id) ? 0 : 1), 0);
    expect(eligible).toBe(180_000);
    let masked = 0;
    let random = 0;
    let kept = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i] as number;
      if (SPECIALS.includes(id)) {
        expect(selected[i]).toBe(0);
        expect(inputs[i]).toBe(id);
      }
      if (!selected[i]) {
        expect(labels[i]).toBe(-100);
        expect(inputs[i]).toBe(id);
        continue;
      }
      expect(labels[i]).toBe(id);
      if (inputs[i] === MASK) masked++;
      else if (inputs[i] === id) kept++;
      else random++;
    }
    expect(count).toBe(masked + random + kept);
    // binomial standard deviations: 0.15 ± 0.0008 over 180,000; 0.8 ± 0.0024, 0.1 ± 0.0018 over ~27,000
    expect(Math.abs(count / eligible - 0.15)).toBeLessThan(0.004);
    expect(Math.abs(masked / count - 0.8)).toBeLessThan(0.01);
    expect(Math.abs(random / count - 0.1)).toBeLessThan(0.008); // a random draw equal to the id or [MASK] (p ~ 0.002) counts elsewhere
    expect(Math.abs(kept / count - 0.1)).toBeLessThan(0.008);
    // deterministic per seed
    expect(maskTokens(ids, { maskTokenId: MASK, vocabSize: VOCAB, specialIds: SPECIALS, seed: 42 }).inputs).toEqual(inputs);
    expect(maskTokens(ids, { maskTokenId: MASK, vocabSize: VOCAB, specialIds: SPECIALS, seed: 43 }).inputs).not.toEqual(inputs);
  });

  it('takes other rates and ignore index; names bad options', () => {
    const ids = Int32Array.from({ length: 1000 }, (_, i) => 5 + (i % 50));
    const all = maskTokens(ids, { maskTokenId: MASK, vocabSize: 60, probability: 1, maskFraction: 1, randomFraction: 0, ignoreIndex: 0 });
    expect(all.count).toBe(1000);
    expect(all.inputs.every((v) => v === MASK)).toBe(true);
    const none = maskTokens(ids, { maskTokenId: MASK, vocabSize: 60, probability: 0, ignoreIndex: 0 });
    expect(none.count).toBe(0);
    expect(none.labels.every((v) => v === 0)).toBe(true);
    expect(() => maskTokens(ids, { maskTokenId: 60, vocabSize: 60 })).toThrow(/maskTokenId.*\[0, 60\).*60/);
    expect(() => maskTokens(ids, { maskTokenId: 4, vocabSize: 60, probability: 1.5 })).toThrow(ValueError);
    expect(() => maskTokens(ids, { maskTokenId: 4, vocabSize: 60, maskFraction: 0.95, randomFraction: 0.1 })).toThrow(/at most 1/);
  });
});

describe('maskedLmBatches (cpu)', () => {
  beforeAll(async () => {
    await useBackend(cpu());
    expect(getBackend()).toBe('cpu');
  });

  it('shuffles the rows per pass, masks anew per pass, weights average over the selected positions; resumable; no leak', async () => {
    const ids = corpus().subarray(0, 100 * 50); // 50 rows
    const data = maskedLmBatches(ids, {
      seqLength: 100,
      batchSize: 16,
      maskTokenId: MASK,
      vocabSize: VOCAB,
      specialIds: SPECIALS,
      seed: 1,
    });
    expect(data.size).toBe(4);
    const before = tensorCount();
    const pass = async () => {
      const out: { x: number[][]; y: number[][]; w: number[][] }[] = [];
      for await (const b of data) {
        out.push({
          x: (b.x as Tensor).arraySync() as number[][],
          y: (b.y as Tensor).arraySync() as number[][],
          w: b.sampleWeight?.arraySync() as number[][],
        });
        for (const t of [b.x as Tensor, b.y as Tensor, b.sampleWeight as Tensor]) t.dispose();
      }
      return out;
    };
    const state = data.checkpoint?.();
    const p0 = await pass();
    expect(p0.map((b) => b.x.length)).toEqual([16, 16, 16, 2]);
    // every row once per pass: the [CLS] row starts are recoverable from the labels + inputs
    const seen = new Set<string>();
    for (const b of p0)
      b.x.forEach((row, r) => {
        const original = row.map((v, i) => (b.y[r]![i] === -100 ? v : b.y[r]![i]!));
        seen.add(original.join(','));
        const wRow = b.w[r]!;
        row.forEach((_, i) => {
          expect(wRow[i]! > 0).toBe(b.y[r]![i] !== -100);
        });
      });
    expect(seen.size).toBe(50);
    const wSum = p0[0]!.w.flat().reduce((a, v) => a + v, 0);
    expect(wSum).toBeCloseTo(16 * 100, 1);
    const p1 = await pass();
    expect(p1[0]!.x).not.toEqual(p0[0]!.x);
    data.restore?.(state as never);
    expect(await pass()).toEqual(p0);
    expect(tensorCount()).toBe(before);
    expect(() => maskedLmBatches(ids.subarray(0, 150), { seqLength: 100, batchSize: 2, maskTokenId: MASK, vocabSize: VOCAB })).toThrow(
      /multiple of seqLength \(100\).*150/,
    );
  });

  it('feeds fit: a token-wise model learns to predict the masked ids (labels -100 cost nothing)', async () => {
    // each row repeats one word: the unmasked neighbours do not help a token-wise model, but a
    // random or kept token predicts itself, and [MASK] the most common word
    const rows = 64;
    const ids = new Int32Array(rows * 16);
    for (let r = 0; r < rows; r++) ids.fill(5 + (r % 3), r * 16, (r + 1) * 16);
    const model = sequential([embedding(8, 8, { seed: 1 }), dense(8, { seed: 2 })]);
    model.build([16, 16]);
    const before = tensorCount();
    const history = await fit(
      model,
      maskedLmBatches(ids, {
        seqLength: 16,
        batchSize: 16,
        maskTokenId: MASK,
        vocabSize: 8,
        specialIds: [0, 1, 2, 3, 4],
        probability: 0.5,
        seed: 3,
      }),
      { loss: sparseCategoricalCrossentropy({ fromLogits: true }), optimizer: adam({ learningRate: 0.05 }), epochs: 8 },
    );
    const loss = history.history.loss as number[];
    expect(loss.every(Number.isFinite)).toBe(true);
    expect(loss[7]).toBeLessThan(0.6 * (loss[0] as number));
    expect(tensorCount()).toBe(before);
  });
});
