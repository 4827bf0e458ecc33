import { ValueError } from '@tessera/core';

/**
 * What a {@link PruningSchedule} says for one training step: whether the masks are recomputed at
 * this step, and the sparsity (fraction of zeros) they are recomputed to.
 *
 * @example
 * ```ts
 * const { prune, sparsity }: PruningDecision = polynomialDecay({ initialSparsity: 0.5, finalSparsity: 0.8, beginStep: 0, endStep: 1000 })(100);
 * ```
 */
export interface PruningDecision {
  /** True when the masks are updated at this step. */
  prune: boolean;
  /** Target fraction of zeros in each pruned weight, in [0, 1). */
  sparsity: number;
}

/**
 * A pruning schedule: for a global step (optimizer updates done so far), whether to update the
 * masks and to which sparsity (TensorFlow Model Optimization's `PruningSchedule`).
 *
 * @example
 * ```ts
 * const schedule: PruningSchedule = constantSparsity({ targetSparsity: 0.8, beginStep: 200 });
 * schedule(200); // { prune: true, sparsity: 0.8 }
 * ```
 */
export type PruningSchedule = ((step: number) => PruningDecision) & {
  /** JSON description (class name and options), e.g. for logs. */
  readonly config: { className: string; config: Record<string, number> };
};

function checkStep(where: string, begin: number, end: number, frequency: number, allowForever: boolean): void {
  if (!Number.isInteger(begin) || begin < 0) throw new ValueError(`${where} beginStep`, 'an integer >= 0', begin);
  if (end === -1 && !allowForever) throw new ValueError(`${where} endStep`, 'an integer >= beginStep (-1 is not allowed)', end);
  if (end !== -1 && (!Number.isInteger(end) || end < begin))
    throw new ValueError(`${where} endStep`, `-1 or an integer >= beginStep (${begin})`, end);
  if (!Number.isInteger(frequency) || frequency < 1) throw new ValueError(`${where} frequency`, 'a positive integer', frequency);
}

function checkSparsity(where: string, s: number): void {
  if (!(typeof s === 'number' && s >= 0 && s < 1)) throw new ValueError(where, 'a number in [0, 1)', s);
}

/** TF-MOT's rule: inside [begin, end] (end -1: forever) and on a multiple of `frequency` after `begin`. */
function shouldPrune(step: number, begin: number, end: number, frequency: number): boolean {
  const inRange = step >= begin && (end < 0 || step <= end);
  return inRange && (step - begin) % frequency === 0;
}

/**
 * Options of {@link constantSparsity}.
 *
 * @example
 * ```ts
 * const opts: ConstantSparsityOptions = { targetSparsity: 0.8, beginStep: 0, endStep: -1, frequency: 100 };
 * ```
 */
export interface ConstantSparsityOptions {
  /** Fraction of zeros, in [0, 1). */
  targetSparsity: number;
  /** First step at which masks are computed. */
  beginStep: number;
  /** Last step at which masks may be updated; -1 (default) prunes until training ends. */
  endStep?: number;
  /** Masks are updated every `frequency` steps from `beginStep` (default 100). */
  frequency?: number;
}

/**
 * Constant sparsity: every `frequency` steps in [beginStep, endStep] the masks are recomputed to
 * `targetSparsity` (TF-MOT's `ConstantSparsity`).
 *
 * @example
 * ```ts
 * const s = constantSparsity({ targetSparsity: 0.5, beginStep: 10, frequency: 5 });
 * s(10); // { prune: true, sparsity: 0.5 }
 * s(12); // { prune: false, sparsity: 0.5 }
 * ```
 */
export function constantSparsity(options: ConstantSparsityOptions): PruningSchedule {
  const { targetSparsity, beginStep } = options;
  const endStep = options.endStep ?? -1;
  const frequency = options.frequency ?? 100;
  checkStep('constantSparsity', beginStep, endStep, frequency, true);
  checkSparsity('constantSparsity targetSparsity', targetSparsity);
  const fn = (step: number): PruningDecision => ({ prune: shouldPrune(step, beginStep, endStep, frequency), sparsity: targetSparsity });
  return Object.assign(fn, {
    config: { className: 'ConstantSparsity', config: { targetSparsity, beginStep, endStep, frequency } },
  });
}

/**
 * Options of {@link polynomialDecay}.
 *
 * @example
 * ```ts
 * const opts: PolynomialDecayOptions = { initialSparsity: 0.5, finalSparsity: 0.8, beginStep: 0, endStep: 1000, power: 3, frequency: 100 };
 * ```
 */
export interface PolynomialDecayOptions {
  /** Sparsity at `beginStep`, in [0, 1). */
  initialSparsity: number;
  /** Sparsity from `endStep` on, in [0, 1). */
  finalSparsity: number;
  /** First step at which masks are computed. */
  beginStep: number;
  /** Last step at which masks are updated (> beginStep). */
  endStep: number;
  /** Exponent of the decay (default 3). */
  power?: number;
  /** Masks are updated every `frequency` steps from `beginStep` (default 100). */
  frequency?: number;
}

/**
 * Polynomial-decay sparsity (TF-MOT's `PolynomialDecay`, Zhu & Gupta 2017): with
 * `p = clip((step - beginStep) / (endStep - beginStep), 0, 1)`,
 * `sparsity = finalSparsity + (initialSparsity - finalSparsity) · (1 - p)^power`; masks are
 * updated every `frequency` steps inside [beginStep, endStep].
 *
 * @example
 * ```ts
 * const s = polynomialDecay({ initialSparsity: 0, finalSparsity: 0.8, beginStep: 0, endStep: 100, frequency: 10 });
 * s(50).sparsity; // 0.8 - 0.8 * 0.5 ** 3 = 0.7
 * ```
 */
export function polynomialDecay(options: PolynomialDecayOptions): PruningSchedule {
  const { initialSparsity, finalSparsity, beginStep, endStep } = options;
  const power = options.power ?? 3;
  const frequency = options.frequency ?? 100;
  checkStep('polynomialDecay', beginStep, endStep, frequency, false);
  if (endStep === beginStep) throw new ValueError('polynomialDecay endStep', `an integer > beginStep (${beginStep})`, endStep);
  checkSparsity('polynomialDecay initialSparsity', initialSparsity);
  checkSparsity('polynomialDecay finalSparsity', finalSparsity);
  if (!(power > 0)) throw new ValueError('polynomialDecay power', 'a positive number', power);
  const fn = (step: number): PruningDecision => {
    const p = Math.min(1, Math.max(0, (step - beginStep) / (endStep - beginStep)));
    const sparsity = finalSparsity + (initialSparsity - finalSparsity) * (1 - p) ** power;
    return { prune: shouldPrune(step, beginStep, endStep, frequency), sparsity };
  };
  return Object.assign(fn, {
    config: { className: 'PolynomialDecay', config: { initialSparsity, finalSparsity, beginStep, endStep, power, frequency } },
  });
}
