import { ValueError } from '@tessera/core';
import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { ClassicEnv, pyMod } from './classic.js';

const f = Math.fround;
const MAX_SPEED = 8;
const MAX_TORQUE = 2.0;
const DT = 0.05;
const M = 1.0;
const L = 1.0;

const angleNormalize = (x: number) => pyMod(x + Math.PI, 2 * Math.PI) - Math.PI;

/**
 * Pendulum-v1: swing a pendulum up and keep it upright with a torque in [-2, 2] — Gymnasium
 * 1.3.0's dynamics and cost `θ² + 0.1·θ̇² + 0.001·u²` (reward = -cost), with NumPy 2's float32
 * rounding of the torque terms reproduced. Observation `[cos θ, sin θ, θ̇]` (float32); never
 * terminates; `make('Pendulum-v1')` adds a 200-step limit.
 *
 * @example
 * ```ts
 * const env = new Pendulum();
 * env.reset({ seed: 0 });
 * const { reward } = env.step(Float32Array.of(0.5));
 * ```
 */
export class Pendulum extends ClassicEnv implements Env<Float32Array, Float32Array> {
  readonly spec: EnvSpec = { id: 'Pendulum-v1', maxEpisodeSteps: 200 };
  readonly actionSpace = new Box(-MAX_TORQUE, MAX_TORQUE, [1]);
  readonly observationSpace = new Box([-1, -1, -MAX_SPEED], [1, 1, MAX_SPEED]);

  constructor(readonly g = 10.0) {
    super();
  }

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    this.seedFrom(options);
    const o = options?.options ?? {};
    const x = (o.x_init ?? Math.PI) as number;
    const y = (o.y_init ?? 1.0) as number;
    if (typeof x !== 'number' || typeof y !== 'number')
      throw new ValueError(`${this.spec.id} reset options`, '{ x_init, y_init } numbers', o);
    this.current = Float64Array.of(this.random.uniform(-x, x), this.random.uniform(-y, y));
    return { observation: this.observation(), info: {} };
  }

  step(action: Float32Array | number[]): StepResult<Float32Array> {
    if (action?.length !== 1 || !Number.isFinite(action[0]))
      throw new ValueError(`${this.spec.id} action`, 'one finite number (a Float32Array of length 1)', action);
    const [th, thdot] = this.need() as unknown as [number, number];
    const u = Math.min(Math.max(f(action[0] as number), -MAX_TORQUE), MAX_TORQUE); // float32
    const costs = angleNormalize(th) ** 2 + 0.1 * thdot ** 2 + f(f(0.001) * f(u * u));
    let newthdot = thdot + (((3 * this.g) / (2 * L)) * Math.sin(th) + f((3.0 / (M * L ** 2)) * u)) * DT;
    newthdot = Math.min(Math.max(newthdot, -MAX_SPEED), MAX_SPEED);
    const newth = th + newthdot * DT;
    this.current = Float64Array.of(newth, newthdot);
    return { observation: this.observation(), reward: -costs, terminated: false, truncated: false, info: {} };
  }

  private observation(): Float32Array {
    const [th, thdot] = this.need() as unknown as [number, number];
    return Float32Array.of(Math.cos(th), Math.sin(th), thdot);
  }
}
