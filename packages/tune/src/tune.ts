import type { Callback, Logs } from '@tessera/core';
import { rngKey, TesseraError, ValueError } from '@tessera/core';
import { earlyStopping } from '@tessera/train';
import { HyperParameters } from './hyperparameters.js';
import { type Objective, resolveObjective, scoreOf, type TrialOutput } from './objective.js';
import { memoryStore, type TrialRecord, type TunerState, type TunerStore } from './state.js';
import { byScore, type Job, type Strategy } from './strategies/strategy.js';

/**
 * What a trial function is told: its budget (`epochs`, pass it to `fit`), the callbacks to pass to
 * `fit` (per-trial early stopping and the logger's), a seed for its layers and data order, and the
 * fold to train on when cross-validating.
 *
 * @example
 * ```ts
 * const trial = async (hp: HyperParameters, ctx: TrialContext<{ train: Dataset<Row>; validation: Dataset<Row> }>) =>
 *   fit(build(hp, ctx.seed), ctx.fold!.train.batch(32), { loss, optimizer, epochs: ctx.epochs, callbacks: ctx.callbacks, seed: ctx.seed });
 * ```
 */
export interface TrialContext<F = undefined> extends Job {
  /** The trial's id (`trial-0007`). */
  readonly id: string;
  /** The configuration's seed (the same for the configuration at every budget and fold). */
  readonly seed: number;
  /** The cross-validation fold to train and score on (`undefined` without `folds`). */
  readonly fold: F | undefined;
  /** The fold's index (0 without `folds`). */
  readonly foldIndex: number;
  /** Callbacks for `fit`: early stopping on the objective (when asked) and the logger's. */
  readonly callbacks: Callback[];
}

/**
 * A trial: builds and trains a model from the hyperparameters it reads on `hp`, and returns its
 * `fit` history, final logs or score.
 *
 * @example
 * ```ts
 * const trial: TrialFn = async (hp, { epochs, callbacks, seed }) => {
 *   const model = sequential([dense(hp.int('units', 16, 128, { step: 16 }), { activation: 'relu', seed }), dense(3, { seed: seed + 1 })]);
 *   try {
 *     return await fit(model, train, { loss, optimizer: adam({ learningRate: hp.logUniform('lr', 1e-4, 1e-1) }), epochs, callbacks, validation, metrics: [accuracy()], seed });
 *   } finally {
 *     model.dispose();
 *   }
 * };
 * ```
 */
export type TrialFn<F = undefined> = (hp: HyperParameters, ctx: TrialContext<F>) => TrialOutput | Promise<TrialOutput>;

/**
 * Where trials are logged besides the tuner state: callbacks for each `fit` (per-epoch curves), the
 * trial's end (its hyperparameters and final metrics), and the removal of what a killed trial left
 * (it runs again). `tunerDirectory(dir)` from `@tessera/tune/node` writes TensorBoard runs.
 *
 * @example
 * ```ts
 * const logger: TrialLogger = { trialEnd: async (t) => console.log(t.id, t.params, t.score) };
 * ```
 */
export interface TrialLogger {
  callbacks?(trial: Job & { id: string }, foldIndex: number, folds: number): Callback[];
  trialEnd?(trial: TrialRecord, objective: Required<Objective>): Promise<void>;
  discard?(id: string): Promise<void>;
}

/**
 * Options of {@link tune}.
 *
 * @example
 * ```ts
 * const options: TuneOptions = { strategy: hyperband({ maxEpochs: 9 }), objective: 'val_accuracy', seed: 1, earlyStopping: { patience: 3 } };
 * ```
 */
export interface TuneOptions<F = undefined> {
  /** How configurations and budgets are chosen: `randomSearch`, `successiveHalving`, `hyperband`. */
  strategy: Strategy;
  /** The epoch-log name to optimize, or `{ name, direction, reduce }`. */
  objective: string | Objective;
  /** Seed of every configuration's hyperparameters and `ctx.seed` (default 0): same seed, same trials. */
  seed?: number;
  /**
   * Cross-validation: each trial runs once per fold (`ctx.fold`) and scores the mean of the folds'
   * scores, e.g. `kFold(train, 5, { seed: 0 })` from `@tessera/data`.
   */
  folds?: readonly F[];
  /** Stops a trial's `fit` when the objective has not improved for `patience` epochs. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Keeps the tuner state (default: in memory); a saved state is continued. */
  store?: TunerStore;
  /** Logs every trial (TensorBoard, JSONL, ...). */
  logger?: TrialLogger;
  /** Runs at most this many trials in this call, then returns (`complete: false`); call again to continue. */
  stopAfter?: number;
  /** Throws after this many failed trials in a row (default 3). */
  maxConsecutiveFailures?: number;
  /** Called after every trial. */
  onTrialEnd?(trial: TrialRecord): void | Promise<void>;
}

/**
 * What {@link tune} returns.
 *
 * @example
 * ```ts
 * const { best, trials, complete } = await tune(trial, options);
 * console.log(best?.params, best?.score, trials.length, complete);
 * ```
 */
export interface TuneResult {
  /** The best completed trial (ties: the larger budget, then the earlier trial). */
  best: TrialRecord | null;
  /** Every finished trial, in the order they ran. */
  trials: TrialRecord[];
  /** `false` when `stopAfter` ended the call before the strategy finished. */
  complete: boolean;
}

/**
 * The best completed trial of a list: by score in the objective's direction, ties by the larger
 * budget, then the earlier trial.
 *
 * @example
 * ```ts
 * const top = bestTrial(result.trials, 'max');
 * ```
 */
export function bestTrial(trials: readonly TrialRecord[], direction: 'min' | 'max'): TrialRecord | null {
  const ok = trials.filter((t) => t.status === 'completed' && t.score !== null);
  const order = byScore(direction);
  ok.sort((a, b) => (a.score === b.score ? b.epochs - a.epochs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : order(a, b)));
  return ok[0] ?? null;
}

function meanLogs(all: Logs[]): Logs {
  const out: Logs = {};
  const first = all[0];
  if (!first) return out;
  for (const k of Object.keys(first)) {
    if (all.every((l) => typeof l[k] === 'number')) out[k] = all.reduce((s, l) => s + (l[k] as number), 0) / all.length;
  }
  return out;
}

function describe(state: Pick<TunerState, 'seed' | 'strategy' | 'objective' | 'folds'>): string {
  return JSON.stringify({ seed: state.seed, strategy: state.strategy, objective: state.objective, folds: state.folds });
}

/**
 * Searches hyperparameters: asks the strategy for the next configuration and budget, runs the
 * trial function (once per fold when cross-validating), scores it on the objective, records it, and
 * saves the tuner state before and after every trial. Seeded: the same seed runs the same
 * configurations. Resumable: with a store that holds a state (e.g. `tunerDirectory(dir).store`
 * after a kill), finished trials are not run again and the search ends as an uninterrupted one would.
 *
 * @example
 * ```ts
 * const result = await tune(
 *   async (hp, ctx) => {
 *     const model = mlp(hp.int('units', 16, 128, { step: 16 }), hp.float('dropout', 0, 0.5), ctx.seed);
 *     const optimizer = adam({ learningRate: hp.logUniform('lr', 1e-4, 1e-1) });
 *     try {
 *       return await fit(model, ctx.fold!.train.batch(hp.choice('batch', [16, 32, 64])), {
 *         loss, optimizer, metrics: [accuracy()], validation: ctx.fold!.validation.batch(256),
 *         epochs: ctx.epochs, callbacks: ctx.callbacks, seed: ctx.seed,
 *       });
 *     } finally {
 *       model.dispose();
 *     }
 *   },
 *   { strategy: hyperband({ maxEpochs: 27 }), objective: 'val_accuracy', folds: kFold(train, 3, { seed: 0 }), seed: 1, ...tunerDirectory('./tune/run1') },
 * );
 * console.log(result.best?.params);
 * ```
 */
export async function tune<F = undefined>(trial: TrialFn<F>, options: TuneOptions<F>): Promise<TuneResult> {
  if (typeof trial !== 'function') throw new ValueError('tune trial', 'a function (hp, ctx) => fit history | logs | score', trial);
  const strategy = options.strategy;
  if (!strategy || typeof strategy.next !== 'function')
    throw new ValueError('tune strategy', 'a Strategy (randomSearch, successiveHalving, hyperband)', strategy);
  const objective = resolveObjective(options.objective);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) throw new ValueError('tune seed', 'an integer', seed);
  const folds: ReadonlyArray<F | undefined> = options.folds ?? [undefined];
  if (!Array.isArray(folds) || folds.length === 0) throw new ValueError('tune folds', 'a non-empty array of folds', options.folds);
  const stopAfter = options.stopAfter ?? Number.POSITIVE_INFINITY;
  if (stopAfter !== Number.POSITIVE_INFINITY && (!Number.isInteger(stopAfter) || stopAfter < 0)) {
    throw new ValueError('tune stopAfter', 'a non-negative integer', stopAfter);
  }
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  const store = options.store ?? memoryStore();
  const logger = options.logger ?? {};

  const fresh: TunerState = {
    format: 'tessera-tune',
    version: 1,
    seed,
    strategy: { name: strategy.name, options: { ...strategy.options } },
    objective,
    folds: folds.length,
    trials: [],
    running: null,
  };
  const state = (await store.load()) ?? fresh;
  if (state.format !== 'tessera-tune' || describe(state) !== describe(fresh)) {
    throw new ValueError(
      'tune store',
      `a state of this search ${describe(fresh)}`,
      state.format === 'tessera-tune' ? describe(state) : state,
    );
  }
  if (state.running) {
    await logger.discard?.(state.running.id);
    state.running = null;
  }

  let ran = 0;
  let failures = 0;
  for (let i = state.trials.length - 1; i >= 0 && state.trials[i]?.status === 'failed'; i--) failures++;
  for (;;) {
    const job = strategy.next(state.trials, objective.direction);
    if (job === null) return { best: bestTrial(state.trials, objective.direction), trials: state.trials, complete: true };
    if (ran >= stopAfter) return { best: bestTrial(state.trials, objective.direction), trials: state.trials, complete: false };
    const id = `trial-${String(state.trials.length).padStart(4, '0')}`;
    state.running = { id, ...job };
    await store.save(state);

    const configSeed = rngKey(seed).fold(job.config).seed();
    const started = performance.now();
    const scores: Array<number | null> = [];
    const logs: Logs[] = [];
    let params: TrialRecord['params'] = {};
    let error: string | undefined;
    for (let f = 0; f < folds.length && error === undefined; f++) {
      const hp = new HyperParameters({ seed: configSeed });
      const callbacks: Callback[] = [];
      if (options.earlyStopping) {
        callbacks.push(earlyStopping({ monitor: objective.name, mode: objective.direction, ...options.earlyStopping }));
      }
      callbacks.push(...(logger.callbacks?.({ id, ...job }, f, folds.length) ?? []));
      const ctx: TrialContext<F> = { id, ...job, seed: configSeed, fold: folds[f], foldIndex: f, callbacks };
      try {
        const out = scoreOf(await trial(hp, ctx), objective);
        params = hp.values;
        scores.push(Number.isFinite(out.score) ? out.score : null);
        logs.push(out.logs);
        if (!Number.isFinite(out.score)) error = `non-finite ${objective.name} (${out.score}) on fold ${f}`;
      } catch (err) {
        params = hp.values;
        scores.push(null);
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
    }
    const record: TrialRecord = {
      id,
      ...job,
      seed: configSeed,
      params,
      score: error === undefined ? scores.reduce<number>((s, v) => s + (v as number), 0) / scores.length : null,
      foldScores: scores,
      metrics: meanLogs(logs),
      status: error === undefined ? 'completed' : 'failed',
      ...(error === undefined ? {} : { error }),
      seconds: Math.round((performance.now() - started) / 10) / 100,
    };
    await logger.trialEnd?.(record, objective);
    state.trials.push(record);
    state.running = null;
    await store.save(state);
    ran++;
    await options.onTrialEnd?.(record);
    failures = record.status === 'failed' ? failures + 1 : 0;
    if (failures >= maxFailures) {
      throw new TesseraError(
        'CONFIG',
        `tune: ${failures} trials failed in a row (maxConsecutiveFailures ${maxFailures}); the last: ${record.error}`,
      );
    }
  }
}
