import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Callback } from '@tessera/core';
import { FormatError } from '@tessera/core';
import { eventFileWriter, nodeIO, tensorBoard, writeAtomic } from '@tessera/train/node';
import { hparamsSessionEnd, hparamsSessionStart } from '@tessera/train/tensorboard';
import type { TrialRecord, TunerState, TunerStore } from '../state.js';
import type { TrialLogger } from '../tune.js';

/**
 * Options of {@link tunerDirectory}.
 *
 * @example
 * ```ts
 * const options: TunerDirectoryOptions = { curves: false };
 * ```
 */
export interface TunerDirectoryOptions {
  /** Write TensorBoard runs (HParams sessions, one per trial). Default true. */
  tensorBoard?: boolean;
  /** Also write each trial's per-epoch curves (`tensorBoard(...)` callbacks in `ctx.callbacks`). Default true. */
  curves?: boolean;
}

/** The JSONL line of one trial. */
function summaryLine(t: TrialRecord): string {
  const { id, config, bracket, rung, params, epochs, score, status, seconds, foldScores, metrics, error } = t;
  return JSON.stringify({
    id,
    config,
    bracket,
    rung,
    params,
    budget: epochs,
    score,
    status,
    seconds,
    foldScores,
    metrics,
    ...(error ? { error } : {}),
  });
}

/**
 * A tuner directory for `tune` in Node: `state.json` (the tuner state, replaced atomically before
 * and after every trial: a killed tuner restarted on the same directory continues), `trials.jsonl`
 * (one line per finished trial: id, params, budget, score, status, seconds, fold scores, final
 * metrics; rewritten atomically with the state) and `tensorboard/` (one run per trial: the HParams
 * plugin's session with its hyperparameters, budget, status and final metrics, and the trial's
 * per-epoch curves below it). Spread it into `tune`'s options.
 *
 * @example
 * ```ts
 * const result = await tune(trial, { strategy: hyperband({ maxEpochs: 9 }), objective: 'val_accuracy', ...tunerDirectory('./tune/digits') });
 * // tensorboard --logdir ./tune/digits/tensorboard
 * ```
 */
export function tunerDirectory(dir: string, options: TunerDirectoryOptions = {}): { store: TunerStore; logger: TrialLogger; dir: string } {
  const withTb = options.tensorBoard ?? true;
  const curves = withTb && (options.curves ?? true);
  const tbDir = join(dir, 'tensorboard');
  const store: TunerStore = {
    async load() {
      let text: string;
      try {
        text = await readFile(join(dir, 'state.json'), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
      try {
        return JSON.parse(text) as TunerState;
      } catch (err) {
        throw new FormatError(join(dir, 'state.json'), `not a tuner state: ${(err as Error).message}`);
      }
    },
    async save(state) {
      await mkdir(dir, { recursive: true });
      const lines = state.trials.map(summaryLine).join('\n');
      await writeAtomic(nodeIO, dir, 'trials.jsonl', new TextEncoder().encode(lines ? `${lines}\n` : ''));
      await writeAtomic(nodeIO, dir, 'state.json', new TextEncoder().encode(`${JSON.stringify(state, null, 1)}\n`));
    },
  };
  const logger: TrialLogger = {
    callbacks(trial, foldIndex, folds): Callback[] {
      if (!curves) return [];
      return [tensorBoard(folds > 1 ? join(tbDir, trial.id, `fold-${foldIndex}`) : join(tbDir, trial.id))];
    },
    async trialEnd(t) {
      if (!withTb) return;
      // The HParams session records of train's writers, but no experiment record: TensorBoard takes
      // the first experiment record it finds as the table's columns, so one per trial would hide the
      // conditional parameters other trials read; without one it derives the union of every session's
      // hyperparameters and every run's scalars.
      const writer = eventFileWriter(join(tbDir, t.id));
      writer.write(0, [hparamsSessionStart({ ...t.params, 'tuner/epochs': t.epochs, 'tuner/rung': t.rung, 'tuner/bracket': t.bracket })]);
      const finals: Record<string, number> = { ...t.metrics };
      if (t.score !== null) finals.score = t.score;
      for (const [tag, v] of Object.entries(finals)) if (Number.isFinite(v)) writer.scalar(tag, v, t.epochs);
      writer.write(t.epochs, [hparamsSessionEnd(t.status === 'completed' ? 'success' : 'failure')]);
      await writer.flush();
    },
    async discard(id) {
      await rm(join(tbDir, id), { recursive: true, force: true });
    },
  };
  return { store, logger, dir };
}
