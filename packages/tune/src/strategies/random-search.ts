import { ValueError } from '@tessera/core';
import type { Strategy } from './strategy.js';

/**
 * Random search: `trials` configurations, each sampled independently and trained for `epochs`
 * epochs (Bergstra & Bengio 2012).
 *
 * @example
 * ```ts
 * await tune(trial, { strategy: randomSearch({ trials: 20, epochs: 10 }), objective: 'val_accuracy' });
 * ```
 */
export function randomSearch(options: { trials: number; epochs: number }): Strategy {
  const { trials, epochs } = options;
  if (!Number.isInteger(trials) || trials < 1) throw new ValueError('randomSearch trials', 'a positive integer', trials);
  if (!Number.isInteger(epochs) || epochs < 1) throw new ValueError('randomSearch epochs', 'a positive integer', epochs);
  return {
    name: 'randomSearch',
    options: { trials, epochs },
    next: (done) => (done.length < trials ? { config: done.length, epochs, bracket: 0, rung: 0 } : null),
  };
}
