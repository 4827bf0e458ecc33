import type { Callback, Logs, StateTree, TrainingControl } from '@tessera/core';
import { TesseraError, ValueError } from '@tessera/core';
import { Monitor, type MonitorMode } from './monitor.js';

/**
 * How a run-time learning-rate change reaches the optimizer state. The default understands
 * `@tessera/optimizers`' `scaleByLearningRate` state nodes (`{ kind: 'learningRate', scale, value }`),
 * like its `scaleLearningRate`/`getLearningRate`; pass those (or your own) to override.
 *
 * @example
 * ```ts
 * import { getLearningRate, scaleLearningRate } from '@tessera/optimizers';
 * const access: LearningRateAccess = { get: getLearningRate, scale: scaleLearningRate };
 * reduceLROnPlateau({ factor: 0.5, patience: 2, access });
 * ```
 */
export interface LearningRateAccess {
  /** The current learning rate found in the optimizer state, or undefined. */
  get(state: StateTree): number | undefined;
  /** A new state with the learning rate multiplied by `factor` (not below `options.min`). */
  scale(state: StateTree, factor: number, options: { min?: number }): StateTree;
}

interface LrNode {
  kind: 'learningRate';
  scale: number;
  value: number;
  [k: string]: StateTree;
}

function visit(state: StateTree, fn: (s: LrNode) => LrNode): StateTree {
  if (Array.isArray(state)) return state.map((s) => visit(s, fn));
  if (state && typeof state === 'object' && !('dataId' in state)) {
    if ((state as LrNode).kind === 'learningRate') return fn(state as LrNode);
    const out: Record<string, StateTree> = {};
    for (const [k, v] of Object.entries(state)) out[k] = visit(v, fn);
    return out;
  }
  return state;
}

/**
 * The default {@link LearningRateAccess} (no runtime dependency on `@tessera/optimizers`).
 *
 * @example
 * ```ts
 * learningRateNodes.get(trainer.optimizerState); // 0.001
 * ```
 */
export const learningRateNodes: LearningRateAccess = {
  get(state) {
    let found: number | undefined;
    visit(state, (s) => {
      found ??= s.value;
      return s;
    });
    return found;
  },
  scale(state, factor, { min }) {
    return visit(state, (s) => {
      let value = s.value * factor;
      if (min !== undefined && value < min) value = Math.min(min, s.value);
      const effective = s.value > 0 ? value / s.value : factor;
      return { ...s, scale: s.scale * effective, value };
    });
  },
};

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
  /** How to read and scale the learning rate in the optimizer state (default {@link learningRateNodes}). */
  access?: LearningRateAccess;
}

interface OptimizerControl extends TrainingControl {
  optimizerState: StateTree | null;
}

/**
 * Multiplies the learning rate by `factor` when the monitored quantity has not improved for
 * `patience` epochs. Works with optimizers whose state has learning-rate nodes (see {@link LearningRateAccess}).
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
  const access = options.access ?? learningRateNodes;
  let monitor: Monitor | null = null;
  let wait = 0;
  let cooldown = 0;
  const reductions: number[] = [];
  return {
    reductions,
    onTrainBegin() {
      monitor = null;
      wait = 0;
      cooldown = 0;
    },
    onEpochEnd(epoch: number, logs: Logs, control: TrainingControl) {
      const c = control as OptimizerControl;
      if (!('optimizerState' in c)) throw new TesseraError('UNSUPPORTED', 'reduceLROnPlateau needs a trainer exposing optimizerState');
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
      const lr = access.get(c.optimizerState);
      if (lr === undefined)
        throw new TesseraError(
          'UNSUPPORTED',
          'reduceLROnPlateau: the optimizer state has no learning-rate node (use scaleByLearningRate or pass `access`)',
        );
      const min = options.minLr ?? 0;
      if (lr > min) {
        c.optimizerState = access.scale(c.optimizerState, factor, { min });
        reductions.push(epoch);
      }
      wait = 0;
      cooldown = options.cooldown ?? 0;
    },
  };
}
