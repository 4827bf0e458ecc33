import { ValueError } from '@tessera/core';
import { type Bracket, nextInBrackets, type Strategy } from './strategy.js';

/**
 * Options of {@link hyperband}.
 *
 * @example
 * ```ts
 * const options: HyperbandOptions = { maxEpochs: 27, factor: 3, iterations: 1 };
 * ```
 */
export interface HyperbandOptions {
  /** The largest budget a configuration trains for (Li et al.'s R, in epochs). */
  maxEpochs: number;
  /** The halving rate eta: each rung keeps the best 1/factor (default 3). */
  factor?: number;
  /** Runs of the whole set of brackets, with new configurations each time (default 1). */
  iterations?: number;
}

/**
 * Hyperband's brackets (Li et al. 2018, Algorithm 1) for a maximum budget `R = maxEpochs` and
 * `eta = factor`: `sMax = floor(log_eta R)`; bracket `s = sMax, ..., 0` starts
 * `n = ceil((sMax + 1) eta^s / (s + 1))` configurations; its rung `i` trains `floor(n / eta^i)` of
 * them for `ceil(R / eta^(s - i))` epochs (rounded up, as KerasTuner does when R is not a power of eta).
 *
 * @example
 * ```ts
 * hyperbandBrackets(9, 3).map((b) => b.rungs);
 * // [[{9,1},{3,3},{1,9}], [{5,3},{1,9}], [{3,9}]]  as { configs, epochs }
 * ```
 */
export function hyperbandBrackets(maxEpochs: number, factor = 3): Bracket[] {
  if (!Number.isInteger(maxEpochs) || maxEpochs < 1) throw new ValueError('hyperband maxEpochs', 'a positive integer', maxEpochs);
  if (!Number.isInteger(factor) || factor < 2) throw new ValueError('hyperband factor', 'an integer >= 2', factor);
  let sMax = 0;
  while (factor ** (sMax + 1) <= maxEpochs) sMax++;
  const brackets: Bracket[] = [];
  let firstConfig = 0;
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil(((sMax + 1) * factor ** s) / (s + 1));
    const rungs = Array.from({ length: s + 1 }, (_, i) => ({
      configs: Math.floor(n / factor ** i),
      epochs: Math.ceil(maxEpochs / factor ** (s - i)),
    }));
    brackets.push({ firstConfig, rungs });
    firstConfig += n;
  }
  return brackets;
}

/**
 * Hyperband (Li et al. 2018): successive halving over several brackets that trade the number of
 * configurations against the budget each starts with, from many configurations at 1 epoch to a few
 * at `maxEpochs`. Promoted configurations train again from scratch for the larger budget.
 *
 * @example
 * ```ts
 * await tune(trial, { strategy: hyperband({ maxEpochs: 27, factor: 3 }), objective: 'val_accuracy' });
 * ```
 */
export function hyperband(options: HyperbandOptions): Strategy {
  const factor = options.factor ?? 3;
  const iterations = options.iterations ?? 1;
  if (!Number.isInteger(iterations) || iterations < 1) throw new ValueError('hyperband iterations', 'a positive integer', iterations);
  const one = hyperbandBrackets(options.maxEpochs, factor);
  const perIteration = one.reduce((sum, b) => sum + (b.rungs[0]?.configs ?? 0), 0);
  const brackets: Bracket[] = [];
  for (let it = 0; it < iterations; it++) for (const b of one) brackets.push({ ...b, firstConfig: b.firstConfig + it * perIteration });
  return {
    name: 'hyperband',
    options: { maxEpochs: options.maxEpochs, factor, iterations },
    next: (done, direction) => nextInBrackets(brackets, done, direction),
  };
}
