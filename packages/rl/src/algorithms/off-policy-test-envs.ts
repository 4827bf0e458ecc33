import type { Env, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';

/**
 * A user-defined corridor for tests: positions 0..length-1 as one-hot observations, actions
 * left (0) and right (1), reward 1 on reaching the right end (terminated), truncated after
 * `limit` steps. The best return is 1 in `length - 1` steps.
 */
export class Corridor implements Env<Float32Array, number> {
  readonly observationSpace: Box;
  readonly actionSpace = new Discrete(2);
  private pos = 0;
  private t = 0;

  constructor(
    readonly length = 5,
    readonly limit = 20,
  ) {
    this.observationSpace = new Box(0, 1, [length]);
  }

  private obs(): Float32Array {
    const o = new Float32Array(this.length);
    o[this.pos] = 1;
    return o;
  }

  reset() {
    this.pos = 0;
    this.t = 0;
    return { observation: this.obs(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    this.t++;
    this.pos = Math.max(0, Math.min(this.length - 1, this.pos + (action === 1 ? 1 : -1)));
    const terminated = this.pos === this.length - 1;
    return { observation: this.obs(), reward: terminated ? 1 : 0, terminated, truncated: !terminated && this.t >= this.limit, info: {} };
  }
}

/** A one-step continuous bandit for tests: reward −(a − target)², the action in [−2, 2]. */
export class Bandit implements Env<Float32Array, Float32Array> {
  readonly observationSpace = new Box(-1, 1, [2]);
  readonly actionSpace = new Box(-2, 2, [1]);

  constructor(readonly target = 1) {}

  reset() {
    return { observation: Float32Array.of(1, -1), info: {} };
  }

  step(action: Float32Array): StepResult<Float32Array> {
    const a = action[0] as number;
    return { observation: Float32Array.of(1, -1), reward: -((a - this.target) ** 2), terminated: true, truncated: false, info: {} };
  }
}
