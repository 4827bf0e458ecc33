import { ValueError } from '@tessera/core';

/**
 * Whether a monitored quantity should go down (`min`), up (`max`) or be guessed from its name.
 *
 * @example
 * ```ts
 * const mode: MonitorMode = 'max';
 * earlyStopping({ monitor: 'val_f1', mode, patience: 3 });
 * new Monitor('val_loss', 'auto', 0).mode; // 'min'
 * ```
 */
export type MonitorMode = 'min' | 'max' | 'auto';

/**
 * Tracks the best value of a monitored quantity; `auto` means max for names containing
 * accuracy/auc/precision/recall/f1, else min.
 *
 * @example
 * ```ts
 * const m = new Monitor('val_loss', 'auto', 0);
 * m.improves(0.3); // true the first time
 * ```
 */
export class Monitor {
  readonly mode: 'min' | 'max';
  best: number;
  constructor(
    readonly key: string,
    mode: MonitorMode,
    readonly minDelta: number,
  ) {
    if (!['min', 'max', 'auto'].includes(mode)) throw new ValueError(`monitor "${key}" mode`, '"min", "max" or "auto"', mode);
    this.mode = mode === 'auto' ? (/acc|auc|precision|recall|f1/.test(key) ? 'max' : 'min') : mode;
    this.best = this.mode === 'min' ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  }
  /** True when `value` beats the best by more than `minDelta`. */
  improves(value: number): boolean {
    return this.mode === 'min' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
  /** Reads the monitored value from logs, with an error listing the available keys. */
  /** The monitored key and best value as JSON (an infinite best, nothing seen yet, is null). */
  save(): { key: string; best: number | null } {
    return { key: this.key, best: Number.isFinite(this.best) ? this.best : null };
  }

  /** Puts back a best value saved by {@link save}. */
  load(saved: { best: number | null }): void {
    if (typeof saved.best === 'number') this.best = saved.best;
  }

  read(logs: Record<string, number>, who: string): number {
    const v = logs[this.key];
    if (v === undefined) throw new ValueError(`${who} monitor`, `one of the logged keys ${Object.keys(logs).join(', ')}`, this.key);
    return v;
  }
}
