import { ValueError } from '@tessera/core';
import { type Bracket, nextInBrackets, type Strategy } from './strategy.js';

function positiveInt(where: string, v: unknown, min = 1): number {
  if (!Number.isInteger(v) || (v as number) < min) throw new ValueError(where, `an integer >= ${min}`, v);
  return v as number;
}

/**
 * The rungs of one successive-halving bracket: `configs` configurations for `minEpochs`, the best
 * `floor(configs / factor)` for `minEpochs * factor`, and so on while at least one configuration is
 * left and the budget stays within `maxEpochs` (default: no limit).
 *
 * @example
 * ```ts
 * successiveHalvingRungs({ configs: 27, minEpochs: 1, factor: 3 });
 * // [{ configs: 27, epochs: 1 }, { configs: 9, epochs: 3 }, { configs: 3, epochs: 9 }, { configs: 1, epochs: 27 }]
 * ```
 */
export function successiveHalvingRungs(options: {
  configs: number;
  minEpochs: number;
  factor?: number;
  maxEpochs?: number;
}): Bracket['rungs'] {
  const n = positiveInt('successiveHalving configs', options.configs);
  const r = positiveInt('successiveHalving minEpochs', options.minEpochs);
  const eta = positiveInt('successiveHalving factor', options.factor ?? 3, 2);
  const max = options.maxEpochs === undefined ? Number.POSITIVE_INFINITY : positiveInt('successiveHalving maxEpochs', options.maxEpochs, r);
  const rungs: Bracket['rungs'] = [];
  for (let size = n, epochs = r; size >= 1 && epochs <= max; size = Math.floor(size / eta), epochs *= eta)
    rungs.push({ configs: size, epochs });
  return rungs;
}

/**
 * Successive halving (Jamieson & Talwalkar 2016; one bracket of Hyperband): train `configs`
 * random configurations for `minEpochs` epochs, promote the best `1/factor` to `factor` times the
 * budget, repeat until one is left (or `maxEpochs` is reached). Promoted configurations train again
 * from scratch for the larger budget.
 *
 * @example
 * ```ts
 * await tune(trial, { strategy: successiveHalving({ configs: 27, minEpochs: 1, factor: 3 }), objective: 'val_loss' });
 * ```
 */
export function successiveHalving(options: { configs: number; minEpochs: number; factor?: number; maxEpochs?: number }): Strategy {
  const rungs = successiveHalvingRungs(options);
  const brackets: Bracket[] = [{ firstConfig: 0, rungs }];
  const opts: Record<string, number> = { configs: options.configs, minEpochs: options.minEpochs, factor: options.factor ?? 3 };
  if (options.maxEpochs !== undefined) opts.maxEpochs = options.maxEpochs;
  return { name: 'successiveHalving', options: opts, next: (done, direction) => nextInBrackets(brackets, done, direction) };
}
