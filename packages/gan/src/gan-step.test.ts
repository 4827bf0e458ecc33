import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import type { Callback, Module } from '@tessera/core';
import { useBackend } from '@tessera/core';
import { adam } from '@tessera/optimizers';
import type { Tensor } from '@tessera/tensor';
import { mean, tensorCount } from '@tessera/tensor';
import { fit } from '@tessera/train';
import { checkpoint, type loadCheckpoint } from '@tessera/train/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GanOptions, gan } from './gan-step.js';
import { ganLossNames } from './losses.js';
import { CENTER, conditionalPair, gaussian2d, mlpPair } from './test-utils.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-gan-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const opts = (extra: Partial<GanOptions> = {}) => {
  const pair = mlpPair();
  return {
    ...pair,
    latentDim: 4,
    generatorOptimizer: adam({ learningRate: 5e-3, b1: 0.5 }),
    discriminatorOptimizer: adam({ learningRate: 5e-3, b1: 0.5 }),
    ...extra,
  } as GanOptions;
};

const weights = (ms: Module[]) => {
  const out: Record<string, number[]> = {};
  for (const m of ms) for (const [k, v] of Object.entries(m.parameters())) out[`${m.name}/${k}`] = Array.from(v.dataSync());
  return out;
};

describe('gan() on fit', () => {
  it('learns a 2-D Gaussian: generated samples move to the data mean; logs every signal; flat tensor count', async () => {
    const data = gaussian2d(256, 1);
    // the raw generator circles around the data (GAN dynamics); its moving average settles near it
    const o = opts({
      emaDecay: 0.98,
      generatorOptimizer: adam({ learningRate: 1e-2, b1: 0.5 }),
      discriminatorOptimizer: adam({ learningRate: 1e-2, b1: 0.5 }),
    });
    const step = gan(o);
    const counts: number[] = [];
    const before = gaussianMean(step.sample.bind(step));
    const h = await fit(
      step,
      { x: data.x, y: data.y, batchSize: 32, shuffle: true, seed: 1 },
      {
        epochs: 30,
        seed: 3,
        callbacks: [{ onBatchEnd: () => void counts.push(tensorCount()) }],
      },
    );
    expect(Object.keys(h.logs[0] as object).sort()).toEqual(['d_acc', 'd_fake', 'd_loss', 'd_real', 'diversity', 'g_loss']);
    expect(new Set(counts.slice(2)).size).toBe(1);
    const after = gaussianMean(step.sample.bind(step));
    const dist = (m: number[]) => Math.hypot((m[0] as number) - (CENTER[0] as number), (m[1] as number) - (CENTER[1] as number));
    console.log('gan toy distance', dist(before), '->', dist(after));
    expect(dist(after)).toBeLessThan(dist(before) / 3);
    expect(step.generatorSteps()).toBe(30 * 8);
    const ema = step.sample(8, { seed: 1 });
    const raw = step.sample(8, { seed: 1, ema: false });
    expect(Array.from(ema.dataSync())).not.toEqual(Array.from(raw.dataSync()));
    for (const t of [ema, raw, data.x, data.y]) t.dispose();
    const n = tensorCount();
    step.release();
    expect(tensorCount()).toBe(n - 4); // the EMA copies of the generator's 4 parameters
  }, 60_000);

  it.each(ganLossNames.map((n) => [n]))(
    '%s: steps run, nCritic counts, and no tensor leaks',
    async (name) => {
      const data = gaussian2d(64, 2);
      const step = gan(opts({ loss: name, nCritic: name === 'wasserstein' ? 3 : 1 }));
      const counts: number[] = [];
      const h = await fit(
        step,
        { x: data.x, y: data.y, batchSize: 16 },
        { epochs: 3, seed: 1, callbacks: [{ onBatchEnd: () => void counts.push(tensorCount()) }] },
      );
      expect(new Set(counts.slice(4)).size).toBe(1);
      const keys = Object.keys(h.logs[0] as object);
      expect(keys.includes('gp')).toBe(name === 'wasserstein');
      expect(keys.includes('d_acc')).toBe(name !== 'wasserstein');
      expect(step.generatorSteps()).toBe(name === 'wasserstein' ? 4 : 12);
      for (const v of Object.values(h.logs[2] as object)) expect(Number.isFinite(v)).toBe(true);
      data.x.dispose();
      data.y.dispose();
    },
    60_000,
  );

  it('conditional: generator and discriminator get [z | x, labels]; sample() takes labels', async () => {
    const data = gaussian2d(64, 3);
    const pair = conditionalPair(4, 2);
    const step = gan({ ...opts(), ...pair, conditional: { numClasses: 2 } });
    await fit(step, { x: data.x, y: data.y, batchSize: 16 }, { epochs: 2, seed: 1 });
    const s = step.sample(6, { seed: 2, labels: [0, 1] });
    expect(s.shape).toEqual([6, 2]);
    expect(() => step.sample(2, { labels: [5] })).toThrow(/gan sample labels.*\[0, 2\).*5/s);
    for (const t of [s, data.x, data.y]) t.dispose();
  }, 60_000);

  it('killed mid-epoch and resumed, it ends with the uninterrupted weights (both models, both optimizers, EMA, nCritic phase)', async () => {
    const data = gaussian2d(80, 4);
    const run = (callbacks: Callback[], resumeFrom?: Awaited<ReturnType<typeof loadCheckpoint>>) => {
      const o = opts({ loss: 'wasserstein', nCritic: 2, emaDecay: 0.8 });
      const step = gan(o);
      const p = fit(step, { x: data.x, y: data.y, batchSize: 8, shuffle: true, seed: 5 }, { epochs: 3, seed: 7, callbacks, resumeFrom });
      return { step, p, ms: [o.generator, o.discriminator] };
    };
    const full = run([]);
    await full.p;
    const dir = join(root, 'kill');
    const killed = run([
      checkpoint(dir, { every: 5 }),
      {
        onBatchEnd: (s) => {
          if (s === 17) throw new Error('killed');
        },
      },
    ]);
    await expect(killed.p).rejects.toThrow('killed');
    const json = JSON.parse(await readFile(join(dir, 'step-000000015', 'trainer.json'), 'utf8'));
    expect(json.extra).toEqual({ criticSteps: 15 });
    const resumed = run([checkpoint(dir, { every: 5, resume: true })]);
    await resumed.p;
    expect(weights(resumed.ms)).toEqual(weights(full.ms));
    const a = full.step.sample(4, { seed: 3 });
    const b = resumed.step.sample(4, { seed: 3 });
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync())); // the EMA generator too
    for (const t of [a, b, data.x, data.y]) t.dispose();
    full.step.release();
    resumed.step.release();
  }, 120_000);

  it('bad options name the argument, the expected and the received value', () => {
    expect(() => gan({ ...opts(), latentDim: 0 })).toThrow(/gan latentDim.*positive integer.*0/s);
    expect(() => gan({ ...opts(), nCritic: 1.5 })).toThrow(/gan nCritic/);
    expect(() => gan({ ...opts(), emaDecay: 1 })).toThrow(/gan emaDecay.*\(0, 1\)/s);
    expect(() => gan({ ...opts(), discriminator: {} as Module })).toThrow(/gan discriminator.*Module/s);
    expect(() => gan({ ...opts(), loss: 'nope' as never })).toThrow(/gan loss/);
  });
});

/** Mean of 256 generated samples. */
function gaussianMean(sample: (n: number, o: { seed: number }) => Tensor): number[] {
  const s = sample(256, { seed: 9 });
  const m = mean(s, 0);
  const out = Array.from(m.dataSync());
  s.dispose();
  m.dispose();
  return out;
}
