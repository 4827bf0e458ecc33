import { ValueError } from '@tessera/core';
import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { ClassicEnv } from './classic.js';

const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.5;
const FORCE = 0.001;
const GRAVITY = 0.0025;

/**
 * MountainCar-v0 (Moore): an underpowered car must rock itself up the right hill — Gymnasium
 * 1.3.0's dynamics, bounds and goal (position ≥ 0.5). Observation `[position, velocity]`
 * (float32), actions 0/1/2 (push left, none, right), reward -1 per step; `make('MountainCar-v0')`
 * adds a 200-step limit.
 *
 * @example
 * ```ts
 * const env = new MountainCar();
 * let { observation } = env.reset({ seed: 0 });
 * ({ observation } = env.step(observation[1] >= 0 ? 2 : 0)); // swing with the velocity
 * ```
 */
export class MountainCar extends ClassicEnv implements Env<Float32Array, number> {
  readonly spec: EnvSpec = { id: 'MountainCar-v0', maxEpisodeSteps: 200, rewardThreshold: -110 };
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    this.seedFrom(options);
    const [lo, hi] = this.bounds(options, -0.6, -0.4);
    this.current = Float64Array.of(this.random.uniform(lo, hi), 0);
    return { observation: Float32Array.from(this.current), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new ValueError(`${this.spec.id} action`, '0, 1 or 2', action);
    let [position, velocity] = this.need() as unknown as [number, number];
    velocity += (action - 1) * FORCE + Math.cos(3 * position) * -GRAVITY;
    velocity = Math.min(Math.max(velocity, -MAX_SPEED), MAX_SPEED);
    position += velocity;
    position = Math.min(Math.max(position, MIN_POSITION), MAX_POSITION);
    if (position === MIN_POSITION && velocity < 0) velocity = 0;
    const terminated = position >= GOAL_POSITION && velocity >= 0;
    this.current = Float64Array.of(position, velocity);
    return { observation: Float32Array.from(this.current), reward: -1.0, terminated, truncated: false, info: {} };
  }
}
