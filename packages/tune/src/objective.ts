import type { Logs } from '@tessera/core';
import { ValueError } from '@tessera/core';

/**
 * What a search optimizes: a logged quantity (e.g. `val_accuracy`), whether higher or lower is
 * better, and which epoch's value scores a trial: its best epoch (`'best'`, KerasTuner's rule) or its
 * last (`'last'`).
 *
 * @example
 * ```ts
 * const objective: Objective = { name: 'val_loss', direction: 'min', reduce: 'last' };
 * ```
 */
export interface Objective {
  /** The epoch-log name (`val_accuracy`, `val_loss`, ...). */
  name: string;
  /** `'max'` when higher is better (default: inferred from the name). */
  direction?: 'min' | 'max';
  /** Score a trial by its best epoch (default) or its last. */
  reduce?: 'best' | 'last';
}

/**
 * What a trial function returns: a `fit` history (`{ history: { name: [per epoch] } }`), one set of
 * logs (e.g. from `evaluate`), or the score itself.
 *
 * @example
 * ```ts
 * const a: TrialOutput = await fit(model, train, { ...options, validation });
 * const b: TrialOutput = await evaluate(model, validation, { loss, metrics: [accuracy()] });
 * const c: TrialOutput = 0.97;
 * ```
 */
export type TrialOutput = number | Logs | { history: Record<string, number[]> };

const MAX = /(acc|accuracy|auc|precision|recall|f1|score|return|reward)$/;
const MIN = /(loss|error|mse|mae|perplexity)$/;

/**
 * Fills in an objective's defaults: the direction from the name (`...accuracy`, `auc`, `f1`,
 * `precision`, `recall`: max; `...loss`, `...error`: min), `reduce: 'best'`.
 *
 * @example
 * ```ts
 * resolveObjective('val_accuracy'); // { name: 'val_accuracy', direction: 'max', reduce: 'best' }
 * ```
 */
export function resolveObjective(objective: string | Objective): Required<Objective> {
  const o = typeof objective === 'string' ? { name: objective } : objective;
  if (!o || typeof o.name !== 'string' || o.name === '')
    throw new ValueError('tune objective', 'a log name or { name, direction }', objective);
  const direction = o.direction ?? (MAX.test(o.name) ? 'max' : MIN.test(o.name) ? 'min' : undefined);
  if (direction !== 'min' && direction !== 'max') {
    throw new ValueError(`tune objective "${o.name}" direction`, "'min' or 'max' (not inferable from the name)", o.direction);
  }
  const reduce = o.reduce ?? 'best';
  if (reduce !== 'best' && reduce !== 'last') throw new ValueError('tune objective reduce', "'best' or 'last'", reduce);
  return { name: o.name, direction, reduce };
}

/**
 * The score of one trial output under `objective`, and the final logs it came with (the last
 * epoch's values of a history).
 *
 * @example
 * ```ts
 * scoreOf({ history: { val_accuracy: [0.8, 0.9, 0.85] } }, resolveObjective('val_accuracy')).score; // 0.9
 * ```
 */
export function scoreOf(output: TrialOutput, objective: Required<Objective>): { score: number; logs: Logs } {
  if (typeof output === 'number') return { score: output, logs: { [objective.name]: output } };
  if (output && typeof output === 'object' && 'history' in output && output.history && typeof output.history === 'object') {
    const h = output.history as Record<string, number[]>;
    const series = h[objective.name];
    if (!Array.isArray(series) || series.length === 0) {
      throw new ValueError(`trial history "${objective.name}"`, `one of ${JSON.stringify(Object.keys(h))}`, series);
    }
    const logs: Logs = {};
    for (const [k, v] of Object.entries(h)) if (Array.isArray(v) && v.length) logs[k] = v[v.length - 1] as number;
    const finite = series.filter(Number.isFinite);
    const best = objective.direction === 'max' ? Math.max(...finite) : Math.min(...finite);
    const score = objective.reduce === 'last' ? (series[series.length - 1] as number) : finite.length ? best : Number.NaN;
    return { score, logs };
  }
  if (output && typeof output === 'object') {
    const logs = output as Logs;
    const v = logs[objective.name];
    if (typeof v !== 'number') throw new ValueError(`trial logs "${objective.name}"`, `one of ${JSON.stringify(Object.keys(logs))}`, v);
    return { score: v, logs: { ...logs } };
  }
  throw new ValueError('trial output', 'a number, logs or a fit history', output);
}
