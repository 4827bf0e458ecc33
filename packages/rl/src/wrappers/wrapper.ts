import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import type { Space } from '../spaces/space.js';

/**
 * Base of the environment wrappers: forwards everything to the wrapped environment; subclasses
 * override `reset`/`step`. `unwrapped` is the innermost environment.
 *
 * @example
 * ```ts
 * class Negate extends Wrapper<Float32Array, number> {
 *   override step(a: number) { const r = super.step(a); return { ...r, reward: -r.reward }; }
 * }
 * ```
 */
export class Wrapper<O, A> implements Env<O, A> {
  constructor(readonly env: Env<O, A>) {}

  get observationSpace(): Space<O> {
    return this.env.observationSpace;
  }

  get actionSpace(): Space<A> {
    return this.env.actionSpace;
  }

  get spec(): EnvSpec | undefined {
    return this.env.spec;
  }

  /** The innermost environment. */
  get unwrapped(): Env<O, A> {
    let e: Env<O, A> = this.env;
    while (e instanceof Wrapper) e = e.env;
    return e;
  }

  reset(options?: ResetOptions): ResetResult<O> {
    return this.env.reset(options);
  }

  step(action: A): StepResult<O> {
    return this.env.step(action);
  }

  close(): void {
    this.env.close?.();
  }
}
