import type { Callback, Logs, StateTree, TrainingControl } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { clone } from '@tessera/tensor';
import { moduleWeights, restoreModuleWeights } from '../steps/module-weights.js';
import { Monitor, type MonitorMode } from './monitor.js';

/**
 * Options of {@link earlyStopping}.
 *
 * @example
 * ```ts
 * const stopper = earlyStopping({ monitor: 'val_accuracy', mode: 'max', patience: 5, minDelta: 1e-3, restoreBestWeights: true });
 * await fit(model, train, { loss, optimizer, epochs: 100, validation: val, metrics: [accuracy()], callbacks: [stopper] });
 * console.log(stopper.bestEpoch, stopper.stoppedEpoch);
 * ```
 */
export interface EarlyStoppingOptions {
  /** Logged key to watch (default `val_loss`, falling back to `loss` when there is no validation). */
  monitor?: string;
  /** Epochs without improvement before stopping (default 0). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  minDelta?: number;
  /** Whether the monitored value should go down or up (default 'auto': from its name). */
  mode?: MonitorMode;
  /** Put back the weights of the best epoch when training ends (default false). */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when the monitored quantity stops improving; optionally restores the best weights.
 *
 * @example
 * ```ts
 * callbacks: [earlyStopping({ monitor: 'val_loss', patience: 3, restoreBestWeights: true })]
 * ```
 */
export function earlyStopping(
  options: EarlyStoppingOptions = {},
): Callback & { readonly stoppedEpoch: number; readonly bestEpoch: number } {
  const patience = options.patience ?? 0;
  let monitor: Monitor | null = null;
  let wait = 0;
  let best: Record<string, Tensor> | null = null;
  const state = { stoppedEpoch: -1, bestEpoch: -1 };
  const freeBest = () => {
    if (best) for (const t of Object.values(best)) t.dispose();
    best = null;
  };
  return {
    get stoppedEpoch() {
      return state.stoppedEpoch;
    },
    get bestEpoch() {
      return state.bestEpoch;
    },
    stateKey: 'early_stopping',
    saveState(): StateTree {
      return { monitor: monitor?.save() ?? null, wait, bestEpoch: state.bestEpoch, stoppedEpoch: state.stoppedEpoch, bestWeights: best };
    },
    loadState(saved: StateTree) {
      const s = saved as {
        monitor: { key: string; best: number | null } | null;
        wait: number;
        bestEpoch: number;
        stoppedEpoch: number;
        bestWeights: Record<string, Tensor> | null;
      };
      freeBest();
      monitor = s.monitor ? new Monitor(s.monitor.key, options.mode ?? 'auto', options.minDelta ?? 0) : null;
      if (monitor && s.monitor) monitor.load(s.monitor);
      wait = s.wait;
      state.bestEpoch = s.bestEpoch;
      state.stoppedEpoch = s.stoppedEpoch;
      best = s.bestWeights; // the checkpoint's tensors, now ours
    },
    onTrainBegin() {
      monitor = null;
      wait = 0;
      state.stoppedEpoch = -1;
      state.bestEpoch = -1;
      freeBest();
    },
    onEpochEnd(epoch: number, logs: Logs, control: TrainingControl) {
      const key = options.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      monitor ??= new Monitor(key, options.mode ?? 'auto', options.minDelta ?? 0);
      const value = monitor.read(logs, 'earlyStopping');
      if (monitor.improves(value)) {
        monitor.best = value;
        state.bestEpoch = epoch;
        wait = 0;
        if (options.restoreBestWeights) {
          freeBest();
          best = {};
          for (const [name, v] of Object.entries(moduleWeights(control.modules ?? { model: control.model }))) best[name] = clone(v);
        }
        return;
      }
      wait++;
      if (wait >= patience) {
        state.stoppedEpoch = epoch;
        control.stop();
      }
    },
    onTrainEnd(_logs: Logs, control: TrainingControl) {
      if (best && options.restoreBestWeights) {
        restoreModuleWeights(control.modules ?? { model: control.model }, best, 'earlyStopping restoreBestWeights');
      }
      freeBest();
    },
  };
}
