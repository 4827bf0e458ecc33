import { TesseraError, ValueError } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { memoryStore, type TunerState, type TunerStore } from './state.js';
import { hyperband } from './strategies/hyperband.js';
import { randomSearch } from './strategies/random-search.js';
import { successiveHalving } from './strategies/successive-halving.js';
import { syntheticTrial, timeless } from './test-trials.js';
import { tune } from './tune.js';

const options = () => ({ strategy: hyperband({ maxEpochs: 9, factor: 3 }), objective: 'val_accuracy', seed: 4 });

/** A store that keeps a copy of every state it was given. */
function recordingStore(): TunerStore & { saves: TunerState[] } {
  const inner = memoryStore();
  const saves: TunerState[] = [];
  return {
    saves,
    load: () => inner.load(),
    save: async (s) => {
      saves.push(JSON.parse(JSON.stringify(s)) as TunerState);
      await inner.save(s);
    },
  };
}

function storeWith(state: TunerState): TunerStore {
  const store = memoryStore();
  void store.save(state);
  return store;
}

describe('tune', () => {
  it('scores trials on the objective, records params, budgets and final logs, and picks the best', async () => {
    const result = await tune(syntheticTrial, options());
    expect(result.complete).toBe(true);
    expect(result.trials.length).toBe(22); // Hyperband 9/3: 9+3+1 + 5+1 + 3
    const t = result.trials[0]!;
    expect(t.id).toBe('trial-0000');
    expect(Object.keys(t.params).slice(0, 3)).toEqual(['lr', 'units', 'deep']);
    expect(t.epochs).toBe(1);
    expect(t.score).toBeCloseTo(t.metrics.val_accuracy!, 12); // one epoch: best = last
    expect(t.metrics.loss).toBeCloseTo(1 - t.score!, 12);
    const best = result.best!;
    const top = Math.max(...result.trials.map((x) => x.score!));
    expect(best.score).toBe(top);
    expect(best.epochs).toBe(9);
    // a promoted configuration keeps its params and seed at every budget
    const again = result.trials.filter((x) => x.config === best.config);
    expect(again.length).toBeGreaterThan(1);
    for (const x of again) expect([x.params, x.seed]).toEqual([best.params, best.seed]);
  });

  it('same seed, same trials and results; another seed, other configurations', async () => {
    const a = await tune(syntheticTrial, options());
    const b = await tune(syntheticTrial, options());
    expect(timeless(b.trials)).toEqual(timeless(a.trials));
    const c = await tune(syntheticTrial, { ...options(), seed: 5 });
    expect(c.trials[0]!.params).not.toEqual(a.trials[0]!.params);
  });

  it('stopped after k trials and continued from its store, it ends exactly as an uninterrupted run', async () => {
    const full = await tune(syntheticTrial, options());
    const store = memoryStore();
    const calls: string[] = [];
    const counted = (hp: Parameters<typeof syntheticTrial>[0], ctx: Parameters<typeof syntheticTrial>[1]) => {
      calls.push(ctx.id);
      return syntheticTrial(hp, ctx);
    };
    const first = await tune(counted, { ...options(), store, stopAfter: 7 });
    expect(first.complete).toBe(false);
    expect(first.trials.length).toBe(7);
    const rest = await tune(counted, { ...options(), store, stopAfter: 5 });
    expect(rest.trials.length).toBe(12);
    const last = await tune(counted, { ...options(), store });
    expect(last.complete).toBe(true);
    expect(calls).toEqual(full.trials.map((t) => t.id)); // no trial ran twice
    expect(timeless(last.trials)).toEqual(timeless(full.trials));
    expect(last.best?.id).toBe(full.best?.id);
  });

  it('a kill during a trial: the trial running then runs again from scratch, its partial logs discarded', async () => {
    const full = await tune(syntheticTrial, options());
    const recorded = recordingStore();
    await tune(syntheticTrial, { ...options(), store: recorded });
    // the state saved when trial 13 had started: what a kill during trial 13 leaves on disk
    const killed = recorded.saves.find((s) => s.running?.id === 'trial-0013')!;
    expect(killed.trials.length).toBe(13);
    const discarded: string[] = [];
    const calls: string[] = [];
    const resumed = await tune(
      (hp, ctx) => {
        calls.push(ctx.id);
        return syntheticTrial(hp, ctx);
      },
      { ...options(), store: storeWith(killed), logger: { discard: async (id) => void discarded.push(id) } },
    );
    expect(discarded).toEqual(['trial-0013']);
    expect(calls[0]).toBe('trial-0013');
    expect(calls.length).toBe(22 - 13);
    expect(timeless(resumed.trials)).toEqual(timeless(full.trials));
  });

  it('refuses to continue a state of another search', async () => {
    const store = memoryStore();
    await tune(syntheticTrial, { ...options(), store, stopAfter: 2 });
    await expect(tune(syntheticTrial, { ...options(), seed: 9, store })).rejects.toThrow(ValueError);
    await expect(tune(syntheticTrial, { ...options(), strategy: hyperband({ maxEpochs: 27 }), store })).rejects.toThrow(/tune store/);
  });

  it('cross-validation: one run per fold, the score is the mean of the folds', async () => {
    const folds = [0.8, 0.9, 1.0];
    const seen: number[][] = [];
    const result = await tune<number>(
      (hp, ctx) => {
        const trial = Number(ctx.id.slice(6));
        seen[trial] = [...(seen[trial] ?? []), ctx.foldIndex];
        return { val_accuracy: hp.float('q', 0, 0.1) + (ctx.fold as number), loss: 1 };
      },
      { strategy: randomSearch({ trials: 3, epochs: 2 }), objective: 'val_accuracy', folds },
    );
    expect(seen).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
    for (const t of result.trials) {
      const q = t.params.q as number;
      expect(t.foldScores).toEqual([q + 0.8, q + 0.9, q + 1.0]);
      expect(t.score).toBeCloseTo(q + 0.9, 12);
      expect(t.metrics).toEqual({ val_accuracy: t.score, loss: 1 });
    }
  });

  it("'best' scores the best epoch (KerasTuner), 'last' the last; min objectives rank low first", async () => {
    const h = { history: { val_loss: [0.5, 0.2, 0.4] } };
    const best = await tune(() => h, { strategy: randomSearch({ trials: 1, epochs: 3 }), objective: 'val_loss' });
    expect(best.trials[0]!.score).toBe(0.2);
    const last = await tune(() => h, { strategy: randomSearch({ trials: 1, epochs: 3 }), objective: { name: 'val_loss', reduce: 'last' } });
    expect(last.trials[0]!.score).toBe(0.4);
    const min = await tune((hp) => ({ val_loss: hp.float('x', 0, 1) }), {
      strategy: randomSearch({ trials: 5, epochs: 1 }),
      objective: 'val_loss',
    });
    expect(min.best!.score).toBe(Math.min(...min.trials.map((t) => t.score!)));
    await expect(tune(() => 1, { strategy: randomSearch({ trials: 1, epochs: 1 }), objective: 'custom' })).rejects.toThrow(/direction/);
  });

  it('a failing trial is recorded as failed and never promoted; too many failures in a row stop the search', async () => {
    const result = await tune(
      (hp, ctx) => {
        if (hp.float('x', 0, 1) < 0.3) throw new Error('diverged');
        return { val_accuracy: hp.float('x', 0, 1) * ctx.epochs };
      },
      { strategy: successiveHalving({ configs: 9, minEpochs: 1 }), objective: 'val_accuracy', maxConsecutiveFailures: 9 },
    );
    const failed = result.trials.filter((t) => t.status === 'failed');
    expect(failed.length).toBeGreaterThan(0);
    for (const t of failed) {
      expect(t.error).toBe('Error: diverged');
      expect(t.score).toBeNull();
      expect(t.rung).toBe(0);
    }
    await expect(
      tune(
        () => {
          throw new Error('broken');
        },
        { strategy: randomSearch({ trials: 5, epochs: 1 }), objective: 'val_accuracy' },
      ),
    ).rejects.toThrow(TesseraError);
  });

  it('passes early stopping on the objective in ctx.callbacks', async () => {
    const result = await tune(
      async (_hp, ctx) => {
        const stop = ctx.callbacks[0]!;
        const logs = [0.5, 0.6, 0.6, 0.55, 0.7];
        const ran: number[] = [];
        let stopped = false;
        const stop_ = () => {
          stopped = true;
        };
        const control = { stop: stop_, stopRequested: false, step: 0, epoch: 0, model: {} } as never;
        await stop.onTrainBegin?.(control);
        for (let e = 0; e < ctx.epochs && !stopped; e++) {
          ran.push(logs[e]!);
          await stop.onEpochEnd?.(e, { val_accuracy: logs[e]! }, control);
        }
        return { history: { val_accuracy: ran } };
      },
      { strategy: randomSearch({ trials: 1, epochs: 5 }), objective: 'val_accuracy', earlyStopping: { patience: 2 } },
    );
    // best 0.6 at epoch 1; epochs 2 and 3 do not improve: stop after epoch 3
    expect(result.trials[0]!.score).toBe(0.6);
  });
});
