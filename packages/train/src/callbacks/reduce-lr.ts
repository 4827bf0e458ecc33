import type { Callback, GradientTransform, Logs, StateTree, TrainingControl } from '@tessera/core';
import { getLearningRate, scaleLearningRate, TesseraError, ValueError } from '@tessera/core';
import { Monitor, type MonitorMode } from './monitor.js';

/**
 * How a run-time learning-rate change reaches the optimizer state. By default
 * {@link reduceLROnPlateau} uses the learning-rate protocol of the optimizer's `GradientTransform`
 * (`getLearningRate(transform, state)` / `scaleLearningRate(transform, state, factor)` from
 * `@tessera/core`, implemented by `@tessera/optimizers`' transforms); pass your own to override.
 *
 * @example
 * ```ts
 * import { getLearningRate, scaleLearningRate } from '@tessera/core';
 * const tx = adam({ learningRate: 1e-3 });
 * const access: LearningRateAccess = {
 *   get: (state) => getLearningRate(tx, state),
 *   scale: (state, factor, options) => scaleLearningRate(tx, state, factor, options),
 * };
 * reduceLROnPlateau({ factor: 0.5, patience: 2, access });
 * ```
 */
export interface LearningRateAccess {
  /** The current learning rate found in the optimizer state, or undefined. */
  get(state: StateTree): number | undefined;
  /** A new state with the learning rate multiplied by `factor` (not below `options.min`). */
  scale(state: StateTree, factor: number, options: { min?: number }): StateTree;
}

/**
 * The {@link LearningRateAccess} of a transform: its learning-rate protocol, or for a transform
 * without one (or none given), the `{ kind: 'learningRate' }` state nodes of hand-written transforms.
 */
function learningRateAccess(transform: GradientTransform | undefined): LearningRateAccess {
  return {
    get: (state) => getLearningRate(transform, state),
    scale: (state, factor, options) => scaleLearningRate(transform, state, factor, options),
  };
}

/**
 * Reads and scales learning rates from the optimizer state alone.
 *
 * @deprecated Use the transform's protocol: `getLearningRate(transform, state)` from
 * `@tessera/core`. This reads only the
 * `{ kind: 'learningRate' }` nodes that `scaleByLearningRate` still writes.
 *
 * @example
 * ```ts
 * learningRateNodes.get(trainer.optimizerState); // 0.001
 * ```
 */
export const learningRateNodes: LearningRateAccess = learningRateAccess(undefined);

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
  /** How to read and scale the learning rate (default: the learning-rate protocol of the control's `optimizer`). */
  access?: LearningRateAccess;
}

interface OptimizerControl extends TrainingControl {
  optimizerState: StateTree | null;
  /** The transform whose state `optimizerState` is (read for its learning-rate protocol). */
  optimizer?: GradientTransform;
}

/**
 * Multiplies the learning rate by `factor` when the monitored quantity has not improved for
 * `patience` epochs. It reads the training control's `optimizer` (a `GradientTransform`) and
 * replaces its `optimizerState` with the state the transform's learning-rate protocol returns;
 * optimizers from `@tessera/optimizers` implement it (see {@link LearningRateAccess} for others).
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
      const access = options.access ?? learningRateAccess(c.optimizer);
      const lr = access.get(c.optimizerState);
      if (lr === undefined)
        throw new TesseraError(
          'UNSUPPORTED',
          `reduceLROnPlateau: optimizer ${c.optimizer?.name ?? '(unnamed)'} reports no learning rate (implement GradientTransform.learningRate / scaleLearningRate, e.g. with scaleByLearningRate, or pass \`access\`)`,
        );
      const min = options.minLr ?? 0;
      if (lr > min * (1 + 1e-9)) {
        c.optimizerState = access.scale(c.optimizerState, factor, { min });
        reductions.push(epoch);
      }
      wait = 0;
      cooldown = options.cooldown ?? 0;
    },
  };
}
