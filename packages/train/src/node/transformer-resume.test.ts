import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import type { Batch, Callback, Dataset, IteratorState } from '@tessera/core';
import { Prng, useBackend } from '@tessera/core';
import { transformerLM } from '@tessera/layers';
import { sparseCategoricalCrossentropy } from '@tessera/losses';
import { adamw, chain, clipByGlobalNorm, warmupCosineDecay } from '@tessera/optimizers';
import { tensor2d, tensorCount } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit.js';
import { weightValues } from '../test-utils.js';
import { checkpoint, loadCheckpoint } from './checkpoint.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-train-lm-ckpt-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const VOCAB = 11;
const BLOCK = 6;
const BATCH = 3;
const STEPS_PER_EPOCH = 5;
const EPOCHS = 3;
// a periodic token stream with some noise: something to learn
const tokens = Int32Array.from({ length: 200 }, (_, i) => (i % 7 === 3 ? (i * 5) % VOCAB : (i * 3) % VOCAB));

/** Random windows as nanoGPT's get_batch; pass p draws from Prng(seed, p), and the pass number is checkpointed. */
class Windows implements Dataset<Batch> {
  private pass = 0;
  checkpoint(): IteratorState {
    return { pass: this.pass };
  }
  restore(state: IteratorState): void {
    this.pass = state.pass as number;
  }
  async *[Symbol.asyncIterator](): AsyncIterator<Batch> {
    const rng = new Prng(5, this.pass++);
    for (;;) {
      const x = new Int32Array(BATCH * BLOCK);
      const y = new Int32Array(BATCH * BLOCK);
      for (let b = 0; b < BATCH; b++) {
        const s = rng.int(tokens.length - BLOCK);
        x.set(tokens.subarray(s, s + BLOCK), b * BLOCK);
        y.set(tokens.subarray(s + 1, s + 1 + BLOCK), b * BLOCK);
      }
      yield { x: tensor2d(x, [BATCH, BLOCK], 'int32'), y: tensor2d(y, [BATCH, BLOCK], 'int32') };
    }
  }
}

function train(callbacks: Callback[], extra: { resumeFrom?: Awaited<ReturnType<typeof loadCheckpoint>> } = {}) {
  // dropout on, so the resumed run must also restore the step's random stream
  const model = transformerLM({ vocabSize: VOCAB, blockSize: BLOCK, layers: 2, heads: 2, width: 8, dropout: 0.1, seed: 4 });
  const schedule = warmupCosineDecay({ peak: 1e-2, warmupSteps: 3, decaySteps: 15, end: 1e-3 });
  const run = fit(model, new Windows(), {
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: chain(clipByGlobalNorm(1), adamw({ learningRate: schedule, b2: 0.99, weightDecay: 0.1 })),
    epochs: EPOCHS,
    stepsPerEpoch: STEPS_PER_EPOCH,
    seed: 9,
    callbacks,
    ...extra,
  });
  return { model, run };
}

function maxDiff(a: Record<string, Float32Array>, b: Record<string, Float32Array>): number {
  expect(Object.keys(b).sort()).toEqual(Object.keys(a).sort());
  let d = 0;
  for (const k of Object.keys(a)) {
    const x = a[k] as Float32Array;
    const y = b[k] as Float32Array;
    expect(y.length).toBe(x.length);
    for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs((x[i] as number) - (y[i] as number)));
  }
  return d;
}

describe('resume a transformer language model', () => {
  it('transformerLM with dropout, AdamW, clipping and a warm-up cosine schedule: killed mid-epoch, resumed, equals the uninterrupted run', async () => {
    const a = train([]);
    const ha = await a.run;
    const wa = weightValues(a.model);

    // killed at step 8 (epoch 1, batch 3) after checkpoints every 3 steps: the newest is step 6
    const dir = join(root, `lm-${Math.random().toString(36).slice(2)}`);
    const killer: Callback = {
      onBatchEnd: (step) => {
        if (step === 8) throw new Error('killed');
      },
    };
    const b = train([checkpoint(dir, { every: 3 }), killer]);
    await expect(b.run).rejects.toThrow('killed');
    expect(maxDiff(wa, weightValues(b.model))).toBeGreaterThan(1e-4); // B really stopped early

    const before = tensorCount();
    const c = train([checkpoint(dir, { every: 3, resume: true })]);
    const hc = await c.run;
    expect(hc.trainer.step).toBe(EPOCHS * STEPS_PER_EPOCH);
    expect(maxDiff(wa, weightValues(c.model))).toBeLessThan(1e-6);
    expect(hc.history.loss?.at(-1)).toBeCloseTo(ha.history.loss?.at(-1) as number, 5);

    // the same through fit({ resumeFrom }) from the step-6 directory
    const d = train([], { resumeFrom: await loadCheckpoint(join(dir, 'step-000000006')) });
    await d.run;
    expect(maxDiff(wa, weightValues(d.model))).toBeLessThan(1e-6);
    c.model.dispose();
    d.model.dispose();
    // resuming leaks nothing: what is left is the two models' weights, disposed above
    expect(tensorCount()).toBe(before);
    a.model.dispose();
    b.model.dispose();
  }, 120_000);
});
