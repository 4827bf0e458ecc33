import { ValueError } from '@tessera/core';
import type { Tensor } from '@tessera/tensor';
import { abs, add, mul, scalar, square, sum } from '@tessera/tensor';
import { isSerialized, type Serialized } from './serializable.js';

/**
 * A weight penalty added to the loss.
 *
 * @example
 * ```ts
 * const penalty = l2(1e-4).apply(kernel);
 * ```
 */
export interface Regularizer {
  readonly className: string;
  apply(x: Tensor): Tensor;
  getConfig(): Serialized;
}

/**
 * L1 and L2 penalties: `l1 * sum(|w|) + l2 * sum(w²)`.
 *
 * @example
 * ```ts
 * dense(64, { kernelRegularizer: l1l2({ l1: 1e-5, l2: 1e-4 }) });
 * ```
 */
export function l1l2(opts: { l1?: number; l2?: number } = {}, className = 'L1L2'): Regularizer {
  const l1v = opts.l1 ?? 0;
  const l2v = opts.l2 ?? 0;
  for (const [k, v] of [
    ['l1', l1v],
    ['l2', l2v],
  ] as const) {
    if (!(v >= 0)) throw new ValueError(`${className} ${k}`, 'a non-negative number', v);
  }
  return {
    className,
    apply: (x) => {
      let out: Tensor = scalar(0);
      if (l1v) out = add(out, mul(l1v, sum(abs(x))));
      if (l2v) out = add(out, mul(l2v, sum(square(x))));
      return out;
    },
    getConfig: () => ({ className: 'L1L2', config: { l1: l1v, l2: l2v } }),
  };
}

/** L1 penalty. @example `dense(8, { kernelRegularizer: l1(1e-4) })` */
export const l1 = (factor = 0.01): Regularizer => l1l2({ l1: factor }, 'L1');
/** L2 penalty. @example `dense(8, { kernelRegularizer: l2(1e-4) })` */
export const l2 = (factor = 0.01): Regularizer => l1l2({ l2: factor }, 'L2');

/**
 * Resolves a regularizer from an object or its serialized form.
 *
 * @example
 * ```ts
 * getRegularizer({ className: 'L1L2', config: { l2: 0.01 } });
 * ```
 */
export function getRegularizer(x: Regularizer | Serialized | undefined, where = 'regularizer'): Regularizer | undefined {
  if (x === undefined || x === null) return undefined;
  if (typeof (x as Regularizer).apply === 'function') return x as Regularizer;
  if (isSerialized(x) && ['L1L2', 'L1', 'L2'].includes(x.className)) return l1l2(x.config as { l1?: number; l2?: number });
  throw new ValueError(where, 'a regularizer (l1, l2, l1l2) or its config', x);
}
