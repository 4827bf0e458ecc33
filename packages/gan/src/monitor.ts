import type { Callback, Logs, ResumePoint, StateTree, TrainingControl } from '@tessera/core';
import { ValueError } from '@tessera/core';

/**
 * What {@link ganMonitor} warns about:
 * - `nonFinite`: a loss became NaN or infinite;
 * - `modeCollapse`: generated samples are much less diverse than real ones (`diversity` below the floor);
 * - `discriminatorWins`: the discriminator tells real from generated almost perfectly for `patience` epochs;
 * - `divergence`: the generator loss stayed above `divergenceFactor` times its best epoch for `patience` epochs.
 *
 * @example
 * ```ts
 * const kind: GanWarningKind = 'modeCollapse';
 * ```
 */
export type GanWarningKind = 'nonFinite' | 'modeCollapse' | 'discriminatorWins' | 'divergence';

/**
 * One warning of {@link ganMonitor}.
 *
 * @example
 * ```ts
 * const w: GanWarning = { kind: 'modeCollapse', epoch: 4, message: 'diversity 0.05 < 0.2' };
 * ```
 */
export interface GanWarning {
  /** What went wrong. */
  kind: GanWarningKind;
  /** The epoch (0-based) whose logs showed it. */
  epoch: number;
  /** A sentence with the measured values. */
  message: string;
}

/**
 * Options of {@link ganMonitor}.
 *
 * @example
 * ```ts
 * ganMonitor({ minDiversity: 0.3, patience: 3, stopOn: ['nonFinite', 'divergence'] });
 * ```
 */
export interface GanMonitorOptions {
  /** Warn when the epoch's `diversity` falls below this (default 0.2). */
  minDiversity?: number;
  /** Warn when `d_acc` stays above this for `patience` epochs (default 0.99). */
  maxDiscriminatorAccuracy?: number;
  /** Warn when `g_loss` stays above this multiple of its best epoch for `patience` epochs (default 3). */
  divergenceFactor?: number;
  /** Epochs a condition must last before a warning (default 2). */
  patience?: number;
  /** Warnings that also stop training (default: only `nonFinite`). */
  stopOn?: GanWarningKind[];
  /** Receives every warning (default: `console.warn` of the message). */
  onWarning?: (warning: GanWarning) => void;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/**
 * A callback that watches a {@link gan} run's epoch logs for the usual failures — NaN losses, mode
 * collapse, a discriminator that wins outright, a diverging generator loss — and warns (or stops
 * training) with the measured values. Its counters are saved in checkpoints (exact resume).
 *
 * @example
 * ```ts
 * const warnings: GanWarning[] = [];
 * await fit(step, data, { epochs: 20, callbacks: [ganMonitor({ onWarning: (w) => warnings.push(w) })] });
 * ```
 */
export function ganMonitor(options: GanMonitorOptions = {}): Callback & { readonly warnings: GanWarning[] } {
  const minDiversity = options.minDiversity ?? 0.2;
  const maxAcc = options.maxDiscriminatorAccuracy ?? 0.99;
  const factor = options.divergenceFactor ?? 3;
  const patience = options.patience ?? 2;
  if (!(Number.isInteger(patience) && patience >= 1)) throw new ValueError('ganMonitor patience', 'a positive integer', options.patience);
  if (!(factor > 1)) throw new ValueError('ganMonitor divergenceFactor', 'a number > 1', options.divergenceFactor);
  const stopOn = new Set(options.stopOn ?? ['nonFinite']);
  const onWarning = options.onWarning ?? ((w: GanWarning) => console.warn(`gan: ${w.message}`));
  let state = { bestG: Number.POSITIVE_INFINITY, dWins: 0, diverging: 0, active: [] as string[] };
  const warnings: GanWarning[] = [];
  // a condition warns when it starts, not again every epoch while it lasts
  let raised = new Set<string>();
  const warn = (kind: GanWarningKind, epoch: number, message: string, control: TrainingControl) => {
    raised.add(kind);
    if (state.active.includes(kind)) return;
    const w = { kind, epoch, message: `epoch ${epoch}: ${message}` };
    warnings.push(w);
    onWarning(w);
    if (stopOn.has(kind)) control.stop();
  };
  return {
    stateKey: 'ganMonitor',
    warnings,
    saveState: () => ({ ...state, bestG: Number.isFinite(state.bestG) ? state.bestG : null }),
    loadState(saved: StateTree, _at: ResumePoint) {
      const s = saved as { bestG: number | null; dWins: number; diverging: number; active?: string[] };
      state = { bestG: s.bestG ?? Number.POSITIVE_INFINITY, dWins: s.dWins, diverging: s.diverging, active: s.active ?? [] };
    },
    onEpochEnd(epoch: number, logs: Logs, control: TrainingControl) {
      raised = new Set();
      try {
        check(epoch, logs, control);
      } finally {
        state.active = [...raised];
      }
    },
  };

  function check(epoch: number, logs: Logs, control: TrainingControl): void {
    const { d_loss: d, g_loss: g, diversity, d_acc: acc } = logs as Record<string, number | undefined>;
    const bad = (['d_loss', 'g_loss'] as const).filter((k) => typeof logs[k] === 'number' && !finite(logs[k]));
    if (bad.length) warn('nonFinite', epoch, `${bad.map((k) => `${k} is ${logs[k]}`).join(', ')}`, control);
    if (finite(diversity) && diversity < minDiversity) {
      warn(
        'modeCollapse',
        epoch,
        `diversity ${diversity.toFixed(3)} < ${minDiversity} (generated samples are far less varied than real ones)`,
        control,
      );
    }
    state.dWins = finite(acc) && acc > maxAcc ? state.dWins + 1 : 0;
    if (state.dWins >= patience) {
      warn(
        'discriminatorWins',
        epoch,
        `discriminator accuracy ${acc} > ${maxAcc} for ${state.dWins} epochs (the generator gets no useful gradient)`,
        control,
      );
    }
    // a Wasserstein critic (no d_acc logged) has no fixed score scale: its generator loss drifts without diverging
    if (finite(g) && finite(acc)) {
      const scale = Math.abs(state.bestG);
      state.diverging = Number.isFinite(state.bestG) && g > state.bestG + (factor - 1) * scale ? state.diverging + 1 : 0;
      if (g < state.bestG) state.bestG = g;
      if (state.diverging >= patience) {
        warn(
          'divergence',
          epoch,
          `g_loss ${g.toFixed(4)} stayed above ${factor}x its best (${state.bestG.toFixed(4)}) for ${state.diverging} epochs; d_loss ${d}`,
          control,
        );
      }
    }
  }
}
