import { Prng, ValueError } from '@tessera/core';
import { choice, type Domain, float, type HParamValue, inDomain, int, sampleDomain } from './domains.js';

/** FNV-1a 32-bit hash of a name: the name's own random stream. */
function nameStream(name: string): number {
  let h = 0x811c9dc5;
  for (const b of new TextEncoder().encode(name)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

function sameDomain(a: Domain, b: Domain): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The hyperparameters of one trial, read by the trial function as it builds its model
 * (define-by-run, KerasTuner's `hp`): the first read of a name samples it from its domain, later
 * reads return the same value. Each name draws from its own stream of the trial's seed, so a value
 * does not depend on which other names were read before it: conditional and nested parameters are
 * plain `if`s, and only the names a trial read are recorded (`values`).
 *
 * @example
 * ```ts
 * const hp = new HyperParameters({ seed: 7 });
 * const lr = hp.float('lr', 1e-4, 1e-1, { log: true });
 * const layers = hp.int('layers', 1, 3);
 * for (let i = 0; i < layers; i++) hp.int(`units_${i}`, 32, 256, { step: 32 });
 * if (hp.boolean('dropout')) hp.float('rate', 0.1, 0.5);
 * console.log(hp.values); // { lr: ..., layers: 2, units_0: 128, units_1: 64, dropout: false }
 * ```
 */
export class HyperParameters {
  /** The seed every name's stream derives from (the trial's configuration seed). */
  readonly seed: number;
  private readonly read = new Map<string, { domain: Domain; value: HParamValue }>();
  private readonly given: Record<string, HParamValue>;

  /** `values` fixes names by hand (checked against their domain when read) instead of sampling them. */
  constructor(options: { seed: number; values?: Record<string, HParamValue> }) {
    if (!Number.isInteger(options.seed)) throw new ValueError('HyperParameters seed', 'an integer', options.seed);
    this.seed = options.seed;
    this.given = { ...(options.values ?? {}) };
  }

  /** The values read so far, by name, in the order of their first read. */
  get values(): Record<string, HParamValue> {
    return Object.fromEntries([...this.read].map(([k, v]) => [k, v.value]));
  }

  /** The domains read so far, by name (the trial's search space). */
  get domains(): Record<string, Domain> {
    return Object.fromEntries([...this.read].map(([k, v]) => [k, v.domain]));
  }

  /** The value of `name` drawn from `domain` (the same value on every read; one domain per name). */
  sample(name: string, domain: Domain): HParamValue {
    if (typeof name !== 'string' || name === '') throw new ValueError('hp name', 'a non-empty string', name);
    const seen = this.read.get(name);
    if (seen) {
      if (!sameDomain(seen.domain, domain)) throw new ValueError(`hp "${name}" domain`, JSON.stringify(seen.domain), domain);
      return seen.value;
    }
    let value: HParamValue;
    if (name in this.given) {
      value = this.given[name] as HParamValue;
      if (!inDomain(domain, value)) throw new ValueError(`hp "${name}" value`, `a value of ${JSON.stringify(domain)}`, value);
    } else {
      value = sampleDomain(domain, new Prng(this.seed, nameStream(name)).next());
    }
    this.read.set(name, { domain, value });
    return value;
  }

  /** Samples every domain of a declarative space: `{ name: domain }` to `{ name: value }`. */
  sampleAll<K extends string>(space: Record<K, Domain>): Record<K, HParamValue> {
    return Object.fromEntries(Object.entries<Domain>(space).map(([k, d]) => [k, this.sample(k, d)])) as Record<K, HParamValue>;
  }

  /** One of `values`, uniformly. */
  choice<T extends HParamValue>(name: string, values: readonly T[]): T {
    return this.sample(name, choice(values)) as T;
  }

  /** An integer of `min, min + step, ..., max` (uniform), or log-uniform over `[min, max]` with `log: true`. */
  int(name: string, min: number, max: number, options: { step?: number; log?: boolean } = {}): number {
    return this.sample(name, int(min, max, options)) as number;
  }

  /** A float in `[min, max)`, uniform or (`log: true`) log-uniform. */
  float(name: string, min: number, max: number, options: { log?: boolean } = {}): number {
    return this.sample(name, float(min, max, options)) as number;
  }

  /** A log-uniform float in `[min, max)` (same as `float(name, min, max, { log: true })`). */
  logUniform(name: string, min: number, max: number): number {
    return this.float(name, min, max, { log: true });
  }

  /** `true` or `false`, each with probability 1/2. */
  boolean(name: string): boolean {
    return this.sample(name, choice([false, true])) as boolean;
  }

  /** A value recorded with the trial but not searched. */
  fixed<T extends HParamValue>(name: string, value: T): T {
    return this.sample(name, choice([value])) as T;
  }
}
