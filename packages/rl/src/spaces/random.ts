import { Prng } from '@tessera/core';

/** The seeded random source of spaces and environments (`Prng` of @tessera/core, with normal draws). */
export class EnvRandom {
  private prng: Prng;
  private spare: number | null = null;

  constructor(seed: number) {
    this.prng = new Prng(seed);
  }

  /** A uniform float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.prng.next();
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return this.prng.int(n);
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u = 1 - this.prng.next();
    const v = this.prng.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

/** A seed for unseeded spaces and environments (different each process). */
export function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
