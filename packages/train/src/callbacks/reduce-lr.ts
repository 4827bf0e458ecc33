import type { Callback, GradientTransform, Logs, StateTree, TrainingControl } from '@tessera/core';
import { scaleLearningRate, TesseraError, ValueError } from '@tessera/core';
import { Monitor, type MonitorMode } from './monitor.js';

/**
 * Options of {@link reduceLROnPlateau}.
 *
 * @example
 * ```ts
 * const reduce = reduceLROnPlateau({ monitor: 'val_loss', factor: 0.2, patience: 3, minDelta: 1e-4, cooldown: 1, minLr: 1e-6 });
 * await fit(model, train, { loss, optimizer: adam({ learningRate: 1e-3 }), epochs: 50, validation: val, callbacks: [reduce] });
 * console.log(reduce.reductions); // epochs at which the learning rate was reduced
 * ```
 */
export interface ReduceLROptions {
  /** Logged key to watch (default `val_loss`, falling back to `loss` when there is no validation). */
  monitor?: string;
  /** Multiplier applied on a plateau (default 0.1). */
  factor?: number;
  /** Epochs without improvement before reducing (default 10). */
  patience?: number;
  /** Smallest change that counts as an improvement (default 1e-4). */
  minDelta?: number;
  /** Whether the monitored value should go down or up (default 'auto': from its name). */
  mode?: MonitorMode;
  /** Lower bound of the learning rate (default 0). */
  minLr?: number;
  /** Epochs to wait after a reduction before counting again (default 0). */
  cooldown?: number;
}

interface OptimizerControl extends TrainingControl {
  optimizerState: StateTree | null;
  /** The transform whose state `optimizerState` is (read for its learning-rate protocol). */
  optimizer?: GradientTransform;
}

/**
 * The control's optimizer, checked to implement the learning-rate protocol; a TesseraError
 * saying what is missing otherwise.
 */
function protocolOptimizer(control: TrainingControl): GradientTransform {
  const c = control as Partial<OptimizerControl>;
  if (!('optimizerState' in c) || c.optimizer === undefined) {
    throw new TesseraError(
      'UNSUPPORTED',
      'reduceLROnPlateau needs a training control exposing `optimizer` (a GradientTransform) and a settable `optimizerState`, as the Trainer of a step with an optimizer does; this one has no optimizer',
    );
  }
  const tx = c.optimizer;
  if (typeof tx.learningRate !== 'function' || typeof tx.scaleLearningRate !== 'function') {
    throw new TesseraError(
      'UNSUPPORTED',
      `reduceLROnPlateau: optimizer ${tx.name ?? '(unnamed)'} has no learning-rate protocol (implement GradientTransform.learningRate and scaleLearningRate, e.g. by ending it with scaleByLearningRate)`,
    );
  }
  return tx;
}

/**
 * Multiplies the learning rate by `factor` when the monitored quantity has not improved for
 * `patience` epochs. It reads the training control's `optimizer` (a `GradientTransform`, as the
 * `Trainer` exposes) and replaces its `optimizerState` with the state the transform's
 * learning-rate protocol returns (`scaleLearningRate(optimizer, state, factor, { min })` from
 * `@tessera/core`); every optimizer of `@tessera/optimizers` implements it, and a hand-written
 * transform implements `learningRate` and `scaleLearningRate`. A control without an optimizer, or
 * an optimizer without the protocol, is a `TesseraError` at the start of training.
 * A rate within 1e-9 (relative) of `minLr` counts as reached.
 *
 * @example
 * ```ts
 * callbacks: [reduceLROnPlateau({ monitor: 'val_loss', factor: 0.5, patience: 2, minLr: 1e-5 })]
 * ```
 */
export function reduceLROnPlateau(options: ReduceLROptions = {}): Callback & { readonly reductions: number[] } {
  const factor = options.factor ?? 0.1;
  if (!(factor > 0 && factor < 1)) throw new ValueError('reduceLROnPlateau factor', 'a number in (0, 1)', factor);
  const patience = options.patience ?? 10;
  let monitor: Monitor | null = null;
  let wait = 0;
  let cooldown = 0;
  const reductions: number[] = [];
  return {
    reductions,
    stateKey: 'reduce_lr_on_plateau',
    saveState: (): StateTree => ({ monitor: monitor?.save() ?? null, wait, cooldown, reductions: [...reductions] }),
    loadState(saved: StateTree) {
      const s = saved as { monitor: { key: string; best: number | null } | null; wait: number; cooldown: number; reductions: number[] };
      monitor = s.monitor ? new Monitor(s.monitor.key, options.mode ?? 'auto', options.minDelta ?? 1e-4) : null;
      if (monitor && s.monitor) monitor.load(s.monitor);
      wait = s.wait;
      cooldown = s.cooldown;
      reductions.splice(0, reductions.length, ...s.reductions);
    },
    onTrainBegin(control: TrainingControl) {
      protocolOptimizer(control);
      monitor = null;
      wait = 0;
      cooldown = 0;
    },
    onEpochEnd(epoch: number, logs: Logs, control: TrainingControl) {
      const tx = protocolOptimizer(control);
      const c = control as OptimizerControl;
      const key = options.monitor ?? ('val_loss' in logs ? 'val_loss' : 'loss');
      monitor ??= new Monitor(key, options.mode ?? 'auto', options.minDelta ?? 1e-4);
      const value = monitor.read(logs, 'reduceLROnPlateau');
      if (cooldown > 0) cooldown--;
      if (monitor.improves(value)) {
        monitor.best = value;
        wait = 0;
        return;
      }
      if (cooldown > 0) return;
      wait++;
      if (wait < patience || c.optimizerState === null) return;
      const lr = tx.learningRate?.(c.optimizerState);
      if (lr === undefined)
        throw new TesseraError(
          'UNSUPPORTED',
          `reduceLROnPlateau: optimizer ${tx.name ?? '(unnamed)'} reports no learning rate (it applies none: end it with scaleByLearningRate)`,
        );
      const min = options.minLr ?? 0;
      if (lr > min * (1 + 1e-9)) {
        c.optimizerState = scaleLearningRate(tx, c.optimizerState, factor, { min });
        reductions.push(epoch);
      }
      wait = 0;
      cooldown = options.cooldown ?? 0;
    },
  };
}
