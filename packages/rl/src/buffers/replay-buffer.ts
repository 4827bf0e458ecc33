import { Prng, ValueError } from '@tessera/core';

/**
 * Options of {@link ReplayBuffer}.
 *
 * @example
 * ```ts
 * const options: ReplayBufferOptions = { capacity: 100_000, observationSize: 4, actionSize: 1, numEnvs: 4, seed: 0 };
 * ```
 */
export interface ReplayBufferOptions {
  /** Transitions kept in all (split evenly over the sub-environments: `ceil(capacity / numEnvs)` rows). */
  capacity: number;
  /** Numbers in one (flattened) observation. */
  observationSize: number;
  /** Numbers in one action: 1 for a Discrete action (stored as its index), the Box size otherwise. */
  actionSize: number;
  /** Sub-environments adding one transition each per {@link ReplayBuffer.add} (default 1). */
  numEnvs?: number;
  /** Seed of the sampler (default 0): same seed and same additions, same batches. */
  seed?: number;
}

/**
 * One step of every sub-environment, as {@link ReplayBuffer.add} takes it (row `i` is sub-environment `i`).
 *
 * `nextObservations` must be the observation the step really produced, also when the episode
 * ended (with auto-reset: the final observation, not the first of the next episode).
 *
 * @example
 * ```ts
 * buffer.add({ observations: obs, actions: Float32Array.of(1), rewards: Float64Array.of(1), nextObservations: next, terminated: [false], truncated: [false] });
 * ```
 */
export interface Transitions {
  /** `[numEnvs · observationSize]`. */
  observations: ArrayLike<number>;
  /** `[numEnvs · actionSize]` (Discrete: the action indices). */
  actions: ArrayLike<number>;
  /** `[numEnvs]`. */
  rewards: ArrayLike<number>;
  /** `[numEnvs · observationSize]`: the true next observations (final ones where an episode ended). */
  nextObservations: ArrayLike<number>;
  /** `[numEnvs]`: the episode ended in a terminal state (no bootstrapping). */
  terminated: ArrayLike<boolean | number>;
  /** `[numEnvs]`: the episode was cut short (time limit); the target still bootstraps from the next observation. */
  truncated?: ArrayLike<boolean | number>;
}

/**
 * A batch drawn from a replay buffer: plain arrays, row-major, `batchSize` rows.
 *
 * `dones` is 1 only where the episode *terminated*: a transition cut by a time limit keeps
 * bootstrapping from its next observation (Stable-Baselines3's `handle_timeout_termination`).
 *
 * @example
 * ```ts
 * const { observations, actions, rewards, nextObservations, dones } = buffer.sample(64);
 * ```
 */
export interface ReplaySample {
  observations: Float32Array;
  actions: Float32Array;
  rewards: Float32Array;
  nextObservations: Float32Array;
  /** 1 where the transition ended in a terminal state, else 0. */
  dones: Float32Array;
  /** The flat slots sampled (`row · numEnvs + env`), for priority updates. */
  indices: Int32Array;
  /** Importance-sampling weights (all 1 for uniform sampling). */
  weights: Float32Array;
}

const positiveInt = (v: unknown, what: string): number => {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= 1)) throw new ValueError(what, 'a positive integer', v);
  return v;
};

/**
 * A circular experience replay buffer (Stable-Baselines3's `ReplayBuffer`): fixed-size typed
 * arrays, `numEnvs` transitions per row, the oldest row overwritten when full; uniform, seeded
 * sampling of (row, sub-environment) pairs. Terminations and truncations are kept apart so
 * time-limit cuts still bootstrap.
 *
 * @example
 * ```ts
 * const buffer = new ReplayBuffer({ capacity: 10_000, observationSize: 4, actionSize: 1, seed: 0 });
 * buffer.add({ observations: obs, actions: [action], rewards: [reward], nextObservations: next, terminated: [terminated], truncated: [truncated] });
 * if (buffer.size() >= 64) {
 *   const batch = buffer.sample(64); // Float32Arrays of 64 rows
 * }
 * ```
 */
export class ReplayBuffer {
  /** Rows (each holds one transition per sub-environment). */
  readonly rows: number;
  readonly numEnvs: number;
  readonly observationSize: number;
  readonly actionSize: number;
  protected readonly obs: Float32Array;
  protected readonly nextObs: Float32Array;
  protected readonly act: Float32Array;
  protected readonly rew: Float32Array;
  protected readonly done: Uint8Array;
  protected pos = 0;
  protected full = false;
  protected rng: Prng;

  constructor(options: ReplayBufferOptions) {
    if (!options || typeof options !== 'object') throw new ValueError('ReplayBuffer options', 'an options object', options);
    const capacity = positiveInt(options.capacity, 'ReplayBuffer capacity');
    this.observationSize = positiveInt(options.observationSize, 'ReplayBuffer observationSize');
    this.actionSize = positiveInt(options.actionSize, 'ReplayBuffer actionSize');
    this.numEnvs = positiveInt(options.numEnvs ?? 1, 'ReplayBuffer numEnvs');
    this.rows = Math.max(1, Math.ceil(capacity / this.numEnvs));
    const slots = this.rows * this.numEnvs;
    this.obs = new Float32Array(slots * this.observationSize);
    this.nextObs = new Float32Array(slots * this.observationSize);
    this.act = new Float32Array(slots * this.actionSize);
    this.rew = new Float32Array(slots);
    this.done = new Uint8Array(slots);
    this.rng = new Prng(options.seed ?? 0, 0x5eed);
  }

  /** Transitions stored (rows filled × numEnvs). */
  size(): number {
    return (this.full ? this.rows : this.pos) * this.numEnvs;
  }

  /** Whether every row has been written at least once (new rows now overwrite the oldest). */
  isFull(): boolean {
    return this.full;
  }

  /** Adds one transition per sub-environment (one row). */
  add(t: Transitions): void {
    const n = this.numEnvs;
    const check = (a: ArrayLike<unknown> | undefined, len: number, what: string) => {
      if (!a || a.length !== len) throw new ValueError(`ReplayBuffer.add ${what}`, `${len} values (${n} environment(s))`, a?.length ?? a);
    };
    check(t?.observations, n * this.observationSize, 'observations');
    check(t.nextObservations, n * this.observationSize, 'nextObservations');
    check(t.actions, n * this.actionSize, 'actions');
    check(t.rewards, n, 'rewards');
    check(t.terminated, n, 'terminated');
    if (t.truncated !== undefined) check(t.truncated, n, 'truncated');
    const slot = this.pos * n;
    this.obs.set(t.observations, slot * this.observationSize);
    this.nextObs.set(t.nextObservations, slot * this.observationSize);
    this.act.set(t.actions, slot * this.actionSize);
    for (let i = 0; i < n; i++) {
      this.rew[slot + i] = t.rewards[i] as number;
      // a truncated transition is not a terminal one: the target bootstraps from its next observation
      this.done[slot + i] = t.terminated[i] ? 1 : 0;
    }
    this.onAdd(slot, n);
    this.pos += 1;
    if (this.pos === this.rows) {
      this.full = true;
      this.pos = 0;
    }
  }

  /** Draws `batchSize` transitions uniformly with replacement. */
  sample(batchSize: number): ReplaySample {
    positiveInt(batchSize, 'ReplayBuffer.sample batchSize');
    const filled = this.full ? this.rows : this.pos;
    if (filled === 0) throw new ValueError('ReplayBuffer.sample', 'a buffer holding transitions', 'an empty buffer');
    const indices = new Int32Array(batchSize);
    for (let b = 0; b < batchSize; b++) {
      const row = this.rng.int(filled);
      const env = this.numEnvs === 1 ? 0 : this.rng.int(this.numEnvs);
      indices[b] = row * this.numEnvs + env;
    }
    return this.gather(indices, new Float32Array(batchSize).fill(1));
  }

  /** The transitions at the given flat slots (`row · numEnvs + env`). */
  gather(indices: Int32Array, weights: Float32Array): ReplaySample {
    const m = indices.length;
    const os = this.observationSize;
    const as = this.actionSize;
    const out: ReplaySample = {
      observations: new Float32Array(m * os),
      actions: new Float32Array(m * as),
      rewards: new Float32Array(m),
      nextObservations: new Float32Array(m * os),
      dones: new Float32Array(m),
      indices,
      weights,
    };
    for (let b = 0; b < m; b++) {
      const s = indices[b] as number;
      out.observations.set(this.obs.subarray(s * os, (s + 1) * os), b * os);
      out.nextObservations.set(this.nextObs.subarray(s * os, (s + 1) * os), b * os);
      out.actions.set(this.act.subarray(s * as, (s + 1) * as), b * as);
      out.rewards[b] = this.rew[s] as number;
      out.dones[b] = this.done[s] as number;
    }
    return out;
  }

  /** Hook for subclasses: `count` slots from `slot` were just written. */
  protected onAdd(_slot: number, _count: number): void {}
}
