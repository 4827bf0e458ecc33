import type { Logs } from '@tessera/core';
import type { HParamValue } from './domains.js';
import type { Objective } from './objective.js';
import type { Job } from './strategies/strategy.js';

/**
 * One finished trial: a configuration trained for a budget (with Hyperband, a configuration
 * promoted to a larger budget runs as a new trial with the same `config` and `params`).
 *
 * @example
 * ```ts
 * const t: TrialRecord = {
 *   id: 'trial-0003', config: 3, bracket: 0, rung: 0, epochs: 1, seed: 1402938431,
 *   params: { lr: 0.0031, units: 64 }, score: 0.91, foldScores: [0.91], metrics: { loss: 0.3, val_accuracy: 0.91 },
 *   status: 'completed', seconds: 2.4,
 * };
 * ```
 */
export interface TrialRecord extends Job {
  /** `trial-NNNN`, numbered in the order trials run. */
  id: string;
  /** The configuration's seed (its hyperparameters' and the trial's `ctx.seed`). */
  seed: number;
  /** The hyperparameters the trial read. */
  params: Record<string, HParamValue>;
  /** The objective's value (the mean over folds), `null` when the trial failed. */
  score: number | null;
  /** The score of each fold (one entry without cross-validation). */
  foldScores: Array<number | null>;
  /** The final epoch logs, averaged over folds. */
  metrics: Logs;
  /** `failed` when the trial function threw or scored NaN (`error` says why). */
  status: 'completed' | 'failed';
  error?: string;
  /** Wall-clock seconds the trial took. */
  seconds: number;
}

/**
 * Everything a tuner needs to continue after a kill: its settings (checked on resume), the
 * finished trials and the one that was running. The strategies are pure functions of the finished
 * trials and every configuration's seed derives from `seed` and its index, so this is also the whole
 * random state.
 *
 * @example
 * ```ts
 * const state: TunerState | null = await tunerDirectory('./tune').store.load();
 * console.log(state?.trials.length, state?.running?.id);
 * ```
 */
export interface TunerState {
  format: 'tessera-tune';
  version: 1;
  seed: number;
  strategy: { name: string; options: Record<string, number> };
  objective: Required<Objective>;
  /** Number of cross-validation folds (1 without). */
  folds: number;
  trials: TrialRecord[];
  /** The trial started and not finished (a kill left it): it runs again from scratch on resume. */
  running: (Job & { id: string }) | null;
}

/**
 * Where a tuner keeps its state: `save` is called before and after every trial and must replace the
 * state atomically (`tunerDirectory(dir).store` from `@tessera/tune/node` writes files).
 *
 * @example
 * ```ts
 * const store: TunerStore = memoryStore();
 * ```
 */
export interface TunerStore {
  /** The saved state, or `null` for a new search. */
  load(): Promise<TunerState | null>;
  /** Replaces the saved state. */
  save(state: TunerState): Promise<void>;
}

/**
 * A {@link TunerStore} in memory (a deep copy per save): resumable within one process, e.g. a tuner
 * stopped with `stopAfter` and called again.
 *
 * @example
 * ```ts
 * const store = memoryStore();
 * await tune(trial, { ...options, store, stopAfter: 5 });
 * const result = await tune(trial, { ...options, store }); // continues with trial 5
 * ```
 */
export function memoryStore(): TunerStore & { readonly state: TunerState | null } {
  let saved: string | null = null;
  return {
    get state() {
      return saved === null ? null : (JSON.parse(saved) as TunerState);
    },
    load: async () => (saved === null ? null : (JSON.parse(saved) as TunerState)),
    save: async (state) => {
      saved = JSON.stringify(state);
    },
  };
}
