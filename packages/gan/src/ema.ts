import type { NamedTensors } from '@tessera/core';
import { add, clone, mul, scalar, sub, tidy } from '@tessera/tensor';

/**
 * A fresh exponential moving average of parameters: copies of their current values, by path.
 *
 * @example
 * ```ts
 * let ema = emaInit(generator.parameters());
 * ```
 */
export function emaInit(params: NamedTensors): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, v] of Object.entries(params)) out[k] = clone(v);
  return out;
}

/**
 * The next average `decay·ema + (1 - decay)·param` for every path of `ema` (new tensors); the old
 * average's tensors are disposed.
 *
 * @example
 * ```ts
 * ema = emaUpdate(ema, generator.parameters(), 0.999);
 * ```
 */
export function emaUpdate(ema: NamedTensors, params: NamedTensors, decay: number): NamedTensors {
  const out: NamedTensors = {};
  for (const [k, avg] of Object.entries(ema)) {
    const p = params[k];
    if (!p) {
      out[k] = avg;
      continue;
    }
    // avg + (1 - decay)(p - avg)
    out[k] = tidy(() => add(avg, mul(sub(p, avg), scalar(1 - decay))));
    avg.dispose();
  }
  return out;
}
