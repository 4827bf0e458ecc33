import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpu } from '@tessera/backend-cpu';
import type { Batch, Callback, GradientTransform, StateTree, StepOutput, TrainStep } from '@tessera/core';
import { stateTensors, useBackend } from '@tessera/core';
import type { Scalar, Tensor } from '@tessera/tensor';
import { add, applyGradients, mean, square, sub, tensorCount, tidy, valueAndGrad } from '@tessera/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fit } from '../fit.js';
import { checkpoint, loadCheckpoint } from '../node/checkpoint.js';
import { Linear, regressionRows, ShuffledRows, sgd, weightValues } from '../test-utils.js';
import { ensureBuilt, moduleWeights, restoreModuleWeights } from './module-weights.js';

let root: string;
beforeAll(async () => {
  await useBackend(cpu());
  root = await mkdtemp(join(tmpdir(), 'tessera-custom-step-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const mse = (y: Tensor, p: Tensor) => mean(square(sub(y, p))) as Scalar;

interface TwoPlayerState {
  a: StateTree;
  b: StateTree;
  turns: number;
}

/**
 * A custom step with two modules and two optimizers taking turns: on even turns `a` fits y, on odd
 * turns `b` fits the residual y - a(x). It snapshots both modules (`a/...`, `b/...`), both optimizer
 * states and a JSON counter.
 */
function twoPlayer(a: Linear, b: Linear, optA: GradientTransform, optB: GradientTransform): TrainStep<TwoPlayerState> {
  const modules = { a, b };
  const free = (s: StateTree) => {
    for (const t of stateTensors(s)) if (!t.isDisposed) t.dispose();
  };
  return {
    name: 'twoPlayer',
    modules: () => modules,
    init(batch) {
      ensureBuilt(a, batch.x);
      ensureBuilt(b, batch.x);
      return { a: optA.init(a.parameters()), b: optB.init(b.parameters()), turns: 0 };
    },
    step(state, batch, { rng }): StepOutput<TwoPlayerState> {
      const x = batch.x as Tensor;
      const y = batch.y as Tensor;
      if (state.turns % 2 === 0) {
        const { value, grads } = valueAndGrad(() => mse(y, a.call(x, { training: true, rng })))(a.parameters());
        const next = applyGradients(optA, state.a, a.parameters(), grads);
        for (const g of Object.values(grads)) g.dispose();
        return { state: { ...state, a: next.state, turns: state.turns + 1 }, logs: { loss_a: value } };
      }
      const target = tidy(() => sub(y, a.call(x)));
      const { value, grads } = valueAndGrad(() => mse(target, b.call(x, { training: true, rng })))(b.parameters());
      target.dispose();
      const next = applyGradients(optB, state.b, b.parameters(), grads);
      for (const g of Object.values(grads)) g.dispose();
      return { state: { ...state, b: next.state, turns: state.turns + 1 }, logs: { loss_b: value } };
    },
    evalStep: (_s, batch) => tidy(() => ({ loss: mse(batch.y as Tensor, add(a.call(batch.x as Tensor), b.call(batch.x as Tensor))) })),
    snapshot: (s) => ({ weights: moduleWeights(modules), optimizerState: { a: s.a, b: s.b }, extra: { turns: s.turns } }),
    restore(snap, batch, previous) {
      if (batch) {
        ensureBuilt(a, batch.x);
        ensureBuilt(b, batch.x);
      }
      restoreModuleWeights(modules, snap.weights, 'twoPlayer restore');
      if (previous) {
        free(previous.a);
        free(previous.b);
      }
      const opt = snap.optimizerState as { a: StateTree; b: StateTree };
      return { a: opt.a, b: opt.b, turns: (snap.extra as { turns: number }).turns };
    },
    dispose(s) {
      free(s.a);
      free(s.b);
    },
  };
}

const { xs, ys } = regressionRows(40, 3, 2);
const EPOCHS = 3;

function run(callbacks: Callback[], resumeFrom?: Awaited<ReturnType<typeof loadCheckpoint>>) {
  const a = new Linear(2, { name: 'a', seed: 3, dropout: 0.2 });
  const b = new Linear(2, { name: 'b', seed: 4 });
  const step = twoPlayer(a, b, sgd(0.05, 0.9), sgd(0.02, 0.5));
  const p = fit(step as TrainStep<unknown, Batch>, new ShuffledRows(xs, ys, 4, 5), {
    epochs: EPOCHS,
    seed: 9,
    callbacks,
    resumeFrom,
    validation: new ShuffledRows(xs, ys, 20, 6),
  });
  return { a, b, p };
}

function values(r: { a: Linear; b: Linear }): Record<string, Float32Array> {
  return { ...weightValues(r.a), ...weightValues(r.b) };
}

describe('a custom TrainStep with two modules and two optimizers', () => {
  it('is driven by fit: per-key epoch means, validation from its eval step, a flat tensor count', async () => {
    const counts: number[] = [];
    const r = run([{ onBatchEnd: () => void counts.push(tensorCount()) }]);
    const h = await r.p;
    expect(h.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(h.logs[0] as object).sort()).toEqual(['loss_a', 'loss_b', 'val_loss']);
    expect(h.history.val_loss?.[2]).toBeLessThan(h.history.val_loss?.[0] as number);
    expect(h.trainer.step).toBe(30);
    expect(new Set(counts.slice(2)).size).toBe(1);
    r.a.dispose();
    r.b.dispose();
  });

  it('killed mid-epoch and resumed in a fresh run, it ends with the uninterrupted weights', async () => {
    const full = run([]);
    await full.p;
    const dir = join(root, 'kill');
    const killer: Callback = {
      onBatchEnd: (step) => {
        if (step === 17) throw new Error('killed');
      },
    };
    const killed = run([checkpoint(dir, { every: 5 }), killer]);
    await expect(killed.p).rejects.toThrow('killed');
    const json = JSON.parse(await readFile(join(dir, 'step-000000015', 'trainer.json'), 'utf8'));
    expect(json).toMatchObject({ step: 15, epoch: 1, stepInEpoch: 5, extra: { turns: 15 } });
    expect(json.weightNames).toEqual(['a/a/bias', 'a/a/kernel', 'b/b/bias', 'b/b/kernel']); // <role>/<module path>
    expect(Object.keys(json.optimizer).sort()).toEqual(['a', 'b']);

    const resumed = run([checkpoint(dir, { every: 5, resume: true })]);
    const h = await resumed.p;
    expect(h.trainer.step).toBe(30);
    const want = values(full);
    const got = values(resumed);
    for (const k of Object.keys(want)) expect(Array.from(got[k] as Float32Array)).toEqual(Array.from(want[k] as Float32Array));

    const again = run([], await loadCheckpoint(join(dir, 'step-000000015')));
    await again.p;
    const got2 = values(again);
    for (const k of Object.keys(want)) expect(Array.from(got2[k] as Float32Array)).toEqual(Array.from(want[k] as Float32Array));
    for (const r of [full, killed, resumed, again]) {
      r.a.dispose();
      r.b.dispose();
    }
  });
});
