import type { GradientTransform, NamedTensors, StateTree } from '@tessera/core';
import { ValueError } from '@tessera/core';
import { add, clone, mul } from '@tessera/tensor';
import { type ScalarOrSchedule, valueAt } from './schedules.js';
import type { EmaState } from './state-types.js';
import { mapTensors, zipTensors } from './tree.js';

/**
 * Exponential moving average of the parameters (Polyak averaging): updates pass through
 * unchanged and the state tracks ema = decay * ema + (1 - decay) * (params + updates).
 * State: {@link EmaState}. Read the averages with {@link emaParams}. Put it last in a chain. `decay` is a number in [0, 1]
 * or a schedule of the step (read at the step count before the update; e.g. a warm-up that
 * averages less at the start).
 *
 * @example
 * ```ts
 * const tx = chain(adam(), ema({ decay: 0.999 }));
 * chain(adam(), ema({ decay: (step) => Math.min(0.999, (1 + step) / (10 + step)) }));
 * const averaged = emaParams(state); // { 'dense/kernel': Tensor, ... }
 * ```
 */
export function ema({ decay = 0.999 }: { decay?: ScalarOrSchedule } = {}): GradientTransform<EmaState> {
  if (typeof decay !== 'function' && !(decay >= 0 && decay <= 1))
    throw new ValueError('ema decay', 'a number in [0, 1] or a schedule', decay);
  return {
    name: 'ema',
    init: (params) => ({ kind: 'ema', count: 0, ema: mapTensors(params, (p) => clone(p)) }),
    update(grads, s, params) {
      if (!params) throw new ValueError('ema update', 'the current parameters as third argument', params);
      const d = valueAt(decay, s.count);
      if (!(d >= 0 && d <= 1)) throw new ValueError(`ema decay at step ${s.count}`, 'a number in [0, 1]', d);
      const next = zipTensors(
        zipTensors(params, grads, (p, u) => add(p, u)),
        s.ema,
        (p, e) => add(mul(e, d), mul(p, 1 - d)),
      );
      return [grads, { kind: 'ema', count: s.count + 1, ema: next }];
    },
  };
}

/**
 * Finds the parameter averages kept by an {@link ema} transform anywhere in a state tree.
 *
 * @example
 * ```ts
 * const averaged = emaParams(optState);
 * ```
 */
export function emaParams(state: StateTree): NamedTensors | undefined {
  if (Array.isArray(state)) {
    for (const s of state) {
      const found = emaParams(s);
      if (found) return found;
    }
    return undefined;
  }
  if (state && typeof state === 'object' && !('dataId' in state)) {
    const obj = state as Record<string, StateTree>;
    if (obj.kind === 'ema') return obj.ema as unknown as NamedTensors;
    for (const v of Object.values(obj)) {
      const found = emaParams(v);
      if (found) return found;
    }
  }
  return undefined;
}
