import type { HyperParameters } from './hyperparameters.js';
import type { TrialRecord } from './state.js';
import type { TrialContext } from './tune.js';

/**
 * A deterministic trial without tensors: a fake `fit` history whose `val_accuracy` rises with the
 * epochs toward a ceiling that is best at lr = 10^-2.5 and 96 units (and an optional second layer).
 */
export function syntheticTrial(hp: HyperParameters, ctx: TrialContext<unknown>): { history: Record<string, number[]> } {
  const lr = hp.logUniform('lr', 1e-4, 1e-1);
  const units = hp.int('units', 32, 256, { step: 32 });
  const deep = hp.boolean('deep');
  const extra = deep ? hp.int('units2', 8, 64, { step: 8 }) : 0;
  const ceiling = 0.99 - 0.05 * (Math.log10(lr) + 2.5) ** 2 - (units - 96) ** 2 / 2e5 - (deep ? Math.abs(extra - 32) / 2000 : 0.005);
  const acc = Array.from({ length: ctx.epochs }, (_, e) => ceiling * (1 - 0.5 ** (e + 1)));
  return { history: { val_accuracy: acc, loss: acc.map((a) => 1 - a) } };
}

/** Records without their wall-clock times (the only field that differs between identical runs). */
export function timeless(trials: readonly TrialRecord[]): Array<Omit<TrialRecord, 'seconds'>> {
  return trials.map(({ seconds: _s, ...rest }) => rest);
}
