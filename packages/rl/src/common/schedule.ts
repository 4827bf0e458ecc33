import { ValueError } from '@tessera/core';

/**
 * A hyperparameter as a function of the progress remaining (1 at the start of `learn`, 0 at its
 * end), Stable-Baselines3's convention for learning rates and clip ranges.
 *
 * @example
 * ```ts
 * const lr: ProgressSchedule = (progressRemaining) => 1e-3 * progressRemaining;
 * ```
 */
export type ProgressSchedule = (progressRemaining: number) => number;

/**
 * A hyperparameter given as a constant or a {@link ProgressSchedule}.
 *
 * @example
 * ```ts
 * const clipRange: NumberOrSchedule = linearSchedule(0.2); // or 0.2
 * ```
 */
export type NumberOrSchedule = number | ProgressSchedule;

/**
 * A linear schedule from `start` (progress remaining 1) to `end` (progress remaining 0): rl-zoo's
 * `lin_<start>` is `linearSchedule(start)`.
 *
 * @example
 * ```ts
 * const lr = linearSchedule(1e-3);
 * lr(1); // 0.001
 * lr(0.25); // 0.00025
 * ```
 */
export function linearSchedule(start: number, end = 0): ProgressSchedule {
  if (!Number.isFinite(start)) throw new ValueError('linearSchedule start', 'a finite number', start);
  if (!Number.isFinite(end)) throw new ValueError('linearSchedule end', 'a finite number', end);
  const f = (p: number) => end + (start - end) * Math.min(Math.max(p, 0), 1);
  // saved configs describe the schedule, not its code
  return Object.assign(f, { toJSON: () => ({ schedule: 'linear', start, end }) });
}

/**
 * A hyperparameter as saved in a config (a number, or `{ schedule: 'linear', start, end }`) back
 * as a number or schedule; other schedules were saved by their value at the start.
 *
 * @example
 * ```ts
 * scheduleFromJSON(JSON.parse(JSON.stringify({ lr: linearSchedule(1e-3) })).lr)(0.5); // 0.0005
 * ```
 */
export function scheduleFromJSON(v: unknown): NumberOrSchedule {
  if (typeof v === 'number') return v;
  const s = v as { schedule?: string; start?: number; end?: number };
  if (s && s.schedule === 'linear' && typeof s.start === 'number') return linearSchedule(s.start, s.end ?? 0);
  if (s && typeof s.start === 'number') return s.start;
  throw new ValueError('saved schedule', "a number or { schedule: 'linear', start, end }", v);
}

/**
 * A hyperparameter ready for JSON: numbers and linear schedules as they are, other schedules as
 * `{ schedule: 'custom', start }` (their value at progress remaining 1).
 *
 * @example
 * ```ts
 * scheduleToJSON((p) => 0.1 * p); // { schedule: 'custom', start: 0.1 }
 * ```
 */
export function scheduleToJSON(v: NumberOrSchedule): unknown {
  if (typeof v === 'number') return v;
  const own = (v as { toJSON?: () => unknown }).toJSON;
  return own ? own() : { schedule: 'custom', start: v(1) };
}

/**
 * The value of a constant or a schedule at a progress remaining.
 *
 * @example
 * ```ts
 * scheduleValue(0.2, 0.5); // 0.2
 * scheduleValue(linearSchedule(0.2), 0.5); // 0.1
 * ```
 */
export function scheduleValue(v: NumberOrSchedule, progressRemaining: number): number {
  return typeof v === 'function' ? v(progressRemaining) : v;
}

/**
 * Checks a constant or a schedule hyperparameter (a non-negative number or a function), naming it.
 *
 * @example
 * ```ts
 * checkSchedule(options.learningRate, 'PPO learningRate');
 * ```
 */
export function checkSchedule(v: unknown, where: string): NumberOrSchedule {
  if (typeof v === 'function') return v as ProgressSchedule;
  if (typeof v === 'number' && v >= 0 && Number.isFinite(v)) return v;
  throw new ValueError(where, 'a non-negative number or a schedule (progressRemaining) => number', v);
}
