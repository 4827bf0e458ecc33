import { ValueError } from '@tessera/core';

/**
 * A value a hyperparameter can take: a number, a string or a boolean (what TensorBoard's HParams
 * dashboard and the JSONL summary record).
 *
 * @example
 * ```ts
 * const v: HParamValue = 'adam';
 * ```
 */
export type HParamValue = number | string | boolean;

/**
 * Where a hyperparameter is sampled from: one of listed values, an integer range (with a step, or
 * log-uniform), or a float range (uniform or log-uniform). Plain JSON, so a declarative search
 * space is an object of domains.
 *
 * @example
 * ```ts
 * const space: Record<string, Domain> = { lr: logUniform(1e-4, 1e-1), units: int(32, 256, { step: 32 }), act: choice(['relu', 'tanh']) };
 * ```
 */
export type Domain =
  | { readonly kind: 'choice'; readonly values: readonly HParamValue[] }
  | { readonly kind: 'int'; readonly min: number; readonly max: number; readonly step: number; readonly log: boolean }
  | { readonly kind: 'float'; readonly min: number; readonly max: number; readonly log: boolean };

/**
 * One of `values`, each with probability `1 / values.length`.
 *
 * @example
 * ```ts
 * const optimizer = choice(['adam', 'sgd']);
 * ```
 */
export function choice<T extends HParamValue>(values: readonly T[]): Domain & { kind: 'choice'; values: readonly T[] } {
  if (!Array.isArray(values) || values.length === 0) throw new ValueError('choice values', 'a non-empty array', values);
  for (const v of values) {
    if (!['number', 'string', 'boolean'].includes(typeof v) || (typeof v === 'number' && !Number.isFinite(v))) {
      throw new ValueError('choice values', 'finite numbers, strings or booleans', v);
    }
  }
  return { kind: 'choice', values: [...values] };
}

/**
 * The integers `min, min + step, ...` up to `max`, uniformly (default), or log-uniformly over
 * `[min, max]` with `log: true` (then `step` must be 1).
 *
 * @example
 * ```ts
 * const units = int(32, 256, { step: 32 }); // 32, 64, ..., 256
 * const layers = int(1, 3);
 * ```
 */
export function int(min: number, max: number, options: { step?: number; log?: boolean } = {}): Domain & { kind: 'int' } {
  const step = options.step ?? 1;
  const log = options.log ?? false;
  if (!Number.isInteger(min)) throw new ValueError('int min', 'an integer', min);
  if (!Number.isInteger(max) || max < min) throw new ValueError('int max', `an integer >= min (${min})`, max);
  if (!Number.isInteger(step) || step < 1) throw new ValueError('int step', 'a positive integer', step);
  if (log && (min < 1 || step !== 1)) throw new ValueError('int log', 'min >= 1 and step 1 for a log-uniform integer', { min, step });
  return { kind: 'int', min, max, step, log };
}

/**
 * A float in `[min, max)`, uniformly (default) or log-uniformly (`log: true`, `min > 0`).
 *
 * @example
 * ```ts
 * const dropout = float(0, 0.5);
 * const lr = float(1e-4, 1e-1, { log: true });
 * ```
 */
export function float(min: number, max: number, options: { log?: boolean } = {}): Domain & { kind: 'float' } {
  const log = options.log ?? false;
  if (!Number.isFinite(min)) throw new ValueError('float min', 'a finite number', min);
  if (!Number.isFinite(max) || max <= min) throw new ValueError('float max', `a finite number > min (${min})`, max);
  if (log && !(min > 0)) throw new ValueError('float min', 'a positive number for a log-uniform range', min);
  return { kind: 'float', min, max, log };
}

/**
 * A log-uniform float in `[min, max)`: `log(x)` is uniform, so each decade is equally likely
 * (the median is `sqrt(min * max)`). The usual domain of learning rates and weight decays.
 *
 * @example
 * ```ts
 * const lr = logUniform(1e-4, 1e-1); // median ~3.2e-3
 * ```
 */
export function logUniform(min: number, max: number): Domain & { kind: 'float' } {
  return float(min, max, { log: true });
}

/**
 * The domain's value at quantile `u` in `[0, 1)` (inverse CDF): how a uniform random number
 * becomes a sample.
 *
 * @example
 * ```ts
 * sampleDomain(logUniform(1e-4, 1e-2), 0.5); // 1e-3
 * sampleDomain(int(32, 256, { step: 32 }), 0.99); // 256
 * ```
 */
export function sampleDomain(domain: Domain, u: number): HParamValue {
  if (!(u >= 0 && u < 1)) throw new ValueError('sampleDomain u', 'a number in [0, 1)', u);
  switch (domain.kind) {
    case 'choice':
      return domain.values[Math.floor(u * domain.values.length)] as HParamValue;
    case 'int': {
      if (domain.log) {
        const v = Math.floor(Math.exp(Math.log(domain.min) + u * (Math.log(domain.max + 1) - Math.log(domain.min))));
        return Math.min(domain.max, Math.max(domain.min, v));
      }
      const count = Math.floor((domain.max - domain.min) / domain.step) + 1;
      return domain.min + Math.floor(u * count) * domain.step;
    }
    case 'float': {
      const v = domain.log
        ? Math.exp(Math.log(domain.min) + u * (Math.log(domain.max) - Math.log(domain.min)))
        : domain.min + u * (domain.max - domain.min);
      return Math.min(Math.max(v, domain.min), domain.max);
    }
  }
}

/**
 * Whether `value` is a possible sample of `domain` (used to check values given by hand).
 *
 * @example
 * ```ts
 * inDomain(int(32, 256, { step: 32 }), 96); // true
 * inDomain(int(32, 256, { step: 32 }), 100); // false
 * ```
 */
export function inDomain(domain: Domain, value: unknown): boolean {
  switch (domain.kind) {
    case 'choice':
      return domain.values.includes(value as HParamValue);
    case 'int':
      return (
        typeof value === 'number' &&
        Number.isInteger(value) &&
        value >= domain.min &&
        value <= domain.max &&
        (value - domain.min) % domain.step === 0
      );
    case 'float':
      return typeof value === 'number' && value >= domain.min && value <= domain.max;
  }
}
