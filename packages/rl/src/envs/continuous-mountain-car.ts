import { ValueError } from '@tessera/core';
import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { ClassicEnv } from './classic.js';

const f = Math.fround;
const MIN_POSITION = -1.2;
const MAX_POSITION = 0.6;
const MAX_SPEED = 0.07;
const GOAL_POSITION = 0.45;
const POWER = 0.0015;

/**
 * MountainCarContinuous-v0: the mountain car with a force in [-1, 1], reward +100 at the goal
 * (position ≥ 0.45) minus 0.1·action² per step. Gymnasium 1.3.0 keeps this environment's state in
 * float32 after the first step and NumPy 2 mixes float32 and float64 arithmetic there; the
 * step reproduces that rounding, so trajectories match Gymnasium's exactly.
 * `make('MountainCarContinuous-v0')` adds a 999-step limit.
 *
 * @example
 * ```ts
 * const env = new MountainCarContinuous();
 * env.reset({ seed: 0 });
 * const { reward } = env.step(Float32Array.of(1));
 * ```
 */
export class MountainCarContinuous extends ClassicEnv implements Env<Float32Array, Float32Array> {
  readonly spec: EnvSpec = { id: 'MountainCarContinuous-v0', maxEpisodeSteps: 999, rewardThreshold: 90 };
  readonly actionSpace = new Box(-1, 1, [1]);
  readonly observationSpace = new Box([MIN_POSITION, -MAX_SPEED], [MAX_POSITION, MAX_SPEED]);
  /** Whether the state is held in float32 (after a step) or float64 (after a reset). */
  private float32 = false;

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    this.seedFrom(options);
    const [lo, hi] = this.bounds(options, -0.6, -0.4);
    this.current = Float64Array.of(this.random.uniform(lo, hi), 0);
    this.float32 = false;
    return { observation: Float32Array.from(this.current), info: {} };
  }

  override setState(values: ArrayLike<number>, options: { float32?: boolean } = {}): void {
    super.setState(values);
    this.float32 = options.float32 === true;
  }

  step(action: Float32Array | number[]): StepResult<Float32Array> {
    if (action?.length !== 1 || !Number.isFinite(action[0]))
      throw new ValueError(`${this.spec.id} action`, 'one finite number (a Float32Array of length 1)', action);
    const a = f(action[0] as number);
    let [position, velocity] = this.need() as unknown as [number, number];
    let posF32 = this.float32;
    let velF32 = this.float32;
    // force = min(max(a, -1.0), 1.0): float32 unless clipped to a Python float
    const clipped = a < -1 || a > 1;
    const force = Math.min(Math.max(a, -1), 1);
    const pushed = clipped ? force * POWER : f(force * f(POWER));
    const slope = 0.0025 * Math.cos(posF32 ? f(3 * position) : 3 * position);
    const dv = clipped ? pushed - slope : f(pushed - f(slope));
    if (velF32) velocity = f(velocity + (clipped ? f(dv) : dv));
    else velocity = velocity + dv;
    if (velocity > (velF32 ? f(MAX_SPEED) : MAX_SPEED)) {
      velocity = MAX_SPEED;
      velF32 = false;
    }
    if (velocity < (velF32 ? f(-MAX_SPEED) : -MAX_SPEED)) {
      velocity = -MAX_SPEED;
      velF32 = false;
    }
    if (posF32) position = f(position + (velF32 ? velocity : f(velocity)));
    else position = position + velocity;
    if (position > (posF32 ? f(MAX_POSITION) : MAX_POSITION)) {
      position = MAX_POSITION;
      posF32 = false;
    }
    if (position < (posF32 ? f(MIN_POSITION) : MIN_POSITION)) {
      position = MIN_POSITION;
      posF32 = false;
    }
    if (position === (posF32 ? f(MIN_POSITION) : MIN_POSITION) && velocity < 0) velocity = 0;
    const terminated = position >= (posF32 ? f(GOAL_POSITION) : GOAL_POSITION) && velocity >= 0;
    let reward = terminated ? 100.0 : 0;
    reward -= a ** 2 * 0.1;
    this.current = Float64Array.of(f(position), f(velocity));
    this.float32 = true;
    return { observation: Float32Array.from(this.current), reward, terminated, truncated: false, info: {} };
  }
}
