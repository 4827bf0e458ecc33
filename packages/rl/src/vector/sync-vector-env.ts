import { ValueError } from '@tessera/core';
import type { Env, Info } from '../env.js';

/**
 * How a {@link SyncVectorEnv} restarts finished sub-environments (Gymnasium 1.x's `AutoresetMode`):
 * - `'nextStep'` (Gymnasium's default): the step that ends an episode returns its last observation;
 *   the next `step` call resets that sub-environment (its action is ignored) and returns the first
 *   observation with reward 0;
 * - `'sameStep'` (Stable-Baselines3's convention): the ending step resets at once and returns the
 *   new episode's first observation, the last one in `info.finalObservation[i]`.
 *
 * @example
 * ```ts
 * const mode: AutoresetMode = 'sameStep';
 * ```
 */
export type AutoresetMode = 'nextStep' | 'sameStep';

/**
 * What {@link SyncVectorEnv.step} returns: one entry per sub-environment.
 *
 * @example
 * ```ts
 * const { observations, rewards, terminated, truncated } = envs.step(Int32Array.of(0, 1, 1, 0));
 * ```
 */
export interface VectorStepResult {
  /** `[numEnvs · observationSize]`, row-major. */
  observations: Float32Array;
  rewards: Float64Array;
  terminated: boolean[];
  truncated: boolean[];
  /** Per sub-environment; with `'sameStep'`, ended ones carry `finalObservation` and `finalInfo`. */
  infos: Info[];
}

/**
 * Gymnasium's `SyncVectorEnv`: `numEnvs` copies of an environment stepped one after the other,
 * observations batched into one array, with auto-reset. Sub-environment `i` is seeded `seed + i`.
 *
 * @example
 * ```ts
 * const envs = new SyncVectorEnv(() => make('CartPole-v1'), 8);
 * const obs = envs.reset({ seed: 0 }).observations; // Float32Array of 8 × 4
 * const r = envs.step(Int32Array.from({ length: 8 }, () => 1));
 * ```
 */
export class SyncVectorEnv<A extends number | Float32Array | Int32Array = number | Float32Array | Int32Array> {
  readonly envs: Env<Float32Array, A>[];
  readonly observationSize: number;
  private needsReset: boolean[];
  private started = false;

  constructor(
    make: (index: number) => Env<Float32Array, A>,
    readonly numEnvs: number,
    readonly autoreset: AutoresetMode = 'nextStep',
  ) {
    if (!(Number.isInteger(numEnvs) && numEnvs >= 1)) throw new ValueError('SyncVectorEnv numEnvs', 'a positive integer', numEnvs);
    if (autoreset !== 'nextStep' && autoreset !== 'sameStep')
      throw new ValueError('SyncVectorEnv autoreset', "'nextStep' or 'sameStep'", autoreset);
    this.envs = Array.from({ length: numEnvs }, (_, i) => make(i));
    const first = this.envs[0] as Env<Float32Array, A>;
    this.observationSize = first.observationSpace.shape.reduce((a, b) => a * b, 1);
    this.needsReset = new Array(numEnvs).fill(false);
  }

  /** The sub-environments' (shared) action space. */
  get actionSpace() {
    return (this.envs[0] as Env<Float32Array, A>).actionSpace;
  }

  /** The sub-environments' (shared) observation space. */
  get observationSpace() {
    return (this.envs[0] as Env<Float32Array, A>).observationSpace;
  }

  /** Resets every sub-environment (`seed + i` when seeded). */
  reset(options: { seed?: number } = {}): { observations: Float32Array; infos: Info[] } {
    const observations = new Float32Array(this.numEnvs * this.observationSize);
    const infos: Info[] = [];
    this.envs.forEach((env, i) => {
      const r = env.reset(options.seed === undefined ? undefined : { seed: options.seed + i });
      observations.set(r.observation, i * this.observationSize);
      infos.push(r.info);
    });
    this.needsReset.fill(false);
    this.started = true;
    return { observations, infos };
  }

  /** Steps every sub-environment with its action (`actions[i]`; Box actions: one Float32Array each; MultiDiscrete: one Int32Array each). */
  step(actions: ArrayLike<number> | A[]): VectorStepResult {
    if (!this.started) throw new ValueError('SyncVectorEnv.step', 'a reset() first', 'step before reset');
    if (actions.length !== this.numEnvs) throw new ValueError('SyncVectorEnv.step actions', `${this.numEnvs} actions`, actions.length);
    const n = this.numEnvs;
    const out: VectorStepResult = {
      observations: new Float32Array(n * this.observationSize),
      rewards: new Float64Array(n),
      terminated: new Array(n).fill(false),
      truncated: new Array(n).fill(false),
      infos: [],
    };
    for (let i = 0; i < n; i++) {
      const env = this.envs[i] as Env<Float32Array, A>;
      if (this.autoreset === 'nextStep' && this.needsReset[i]) {
        const r = env.reset();
        out.observations.set(r.observation, i * this.observationSize);
        out.infos.push(r.info);
        this.needsReset[i] = false;
        continue;
      }
      const r = env.step(actions[i] as A);
      out.rewards[i] = r.reward;
      out.terminated[i] = r.terminated;
      out.truncated[i] = r.truncated;
      const ended = r.terminated || r.truncated;
      if (ended && this.autoreset === 'sameStep') {
        const fresh = env.reset();
        out.observations.set(fresh.observation, i * this.observationSize);
        out.infos.push({ ...fresh.info, finalObservation: r.observation, finalInfo: r.info });
      } else {
        out.observations.set(r.observation, i * this.observationSize);
        out.infos.push(r.info);
        if (ended) this.needsReset[i] = true;
      }
    }
    return out;
  }

  close(): void {
    for (const e of this.envs) e.close?.();
  }
}
