import { ValueError } from '@tessera/core';
import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { ClassicEnv } from './classic.js';

const DT = 0.2;
const L1 = 1.0;
const M1 = 1.0;
const M2 = 1.0;
const LC1 = 0.5;
const LC2 = 0.5;
const I = 1.0;
const MAX_VEL_1 = 4 * Math.PI;
const MAX_VEL_2 = 9 * Math.PI;
const TORQUE = [-1.0, 0.0, 1];
const G = 9.8;
const PI = Math.PI;

/** Time derivative of [θ1, θ2, θ̇1, θ̇2, torque] ("book" dynamics, as Gymnasium's default). */
function dsdt(s: Float64Array): Float64Array {
  const [theta1, theta2, dtheta1, dtheta2, a] = s as unknown as [number, number, number, number, number];
  const d1 = M1 * LC1 ** 2 + M2 * (L1 ** 2 + LC2 ** 2 + 2 * L1 * LC2 * Math.cos(theta2)) + I + I;
  const d2 = M2 * (LC2 ** 2 + L1 * LC2 * Math.cos(theta2)) + I;
  const phi2 = M2 * LC2 * G * Math.cos(theta1 + theta2 - PI / 2.0);
  const phi1 =
    -M2 * L1 * LC2 * dtheta2 ** 2 * Math.sin(theta2) -
    2 * M2 * L1 * LC2 * dtheta2 * dtheta1 * Math.sin(theta2) +
    (M1 * LC1 + M2 * L1) * G * Math.cos(theta1 - PI / 2) +
    phi2;
  const ddtheta2 = (a + (d2 / d1) * phi1 - M2 * L1 * LC2 * dtheta1 ** 2 * Math.sin(theta2) - phi2) / (M2 * LC2 ** 2 + I - d2 ** 2 / d1);
  const ddtheta1 = -(d2 * ddtheta2 + phi1) / d1;
  return Float64Array.of(dtheta1, dtheta2, ddtheta1, ddtheta2, 0.0);
}

/** One classic fourth-order Runge–Kutta step over [0, dt], as Gymnasium's `rk4`. */
function rk4(y0: Float64Array, dt: number): Float64Array {
  const dt2 = dt / 2.0;
  const axpy = (y: Float64Array, h: number, k: Float64Array) => y.map((v, i) => v + h * (k[i] as number));
  const k1 = dsdt(y0);
  const k2 = dsdt(axpy(y0, dt2, k1));
  const k3 = dsdt(axpy(y0, dt2, k2));
  const k4 = dsdt(axpy(y0, dt, k3));
  return y0.map((v, i) => v + (dt / 6.0) * ((k1[i] as number) + 2 * (k2[i] as number) + 2 * (k3[i] as number) + (k4[i] as number)));
}

function wrap(x: number, m: number, M: number): number {
  const diff = M - m;
  let v = x;
  while (v > M) v -= diff;
  while (v < m) v += diff;
  return v;
}

const bound = (x: number, m: number, M: number) => Math.min(Math.max(x, m), M);

/**
 * Acrobot-v1: two links, torque on the joint between them, swing the tip above the bar — Gymnasium
 * 1.3.0's "book" dynamics, RK4 integration over dt = 0.2, angle wrapping and velocity bounds.
 * Observation `[cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]` (float32), actions 0/1/2 (torque -1, 0,
 * +1), reward -1 per step until the tip is above the bar; `make('Acrobot-v1')` adds a 500-step limit.
 *
 * @example
 * ```ts
 * const env = new Acrobot();
 * env.reset({ seed: 0 });
 * const { reward } = env.step(2);
 * ```
 */
export class Acrobot extends ClassicEnv implements Env<Float32Array, number> {
  readonly spec: EnvSpec = { id: 'Acrobot-v1', maxEpisodeSteps: 500, rewardThreshold: -100 };
  readonly actionSpace = new Discrete(3);
  readonly observationSpace = new Box([-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2], [1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2]);

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    this.seedFrom(options);
    const [lo, hi] = this.bounds(options, -0.1, 0.1);
    // Gymnasium keeps the initial state in float32
    this.current = Float64Array.from({ length: 4 }, () => Math.fround(this.random.uniform(lo, hi)));
    return { observation: this.observation(), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new ValueError(`${this.spec.id} action`, '0, 1 or 2', action);
    const s = this.need();
    const ns = rk4(Float64Array.of(...s, TORQUE[action] as number), DT);
    this.current = Float64Array.of(
      wrap(ns[0] as number, -PI, PI),
      wrap(ns[1] as number, -PI, PI),
      bound(ns[2] as number, -MAX_VEL_1, MAX_VEL_1),
      bound(ns[3] as number, -MAX_VEL_2, MAX_VEL_2),
    );
    const [t1, t2] = this.current as unknown as [number, number];
    const terminated = -Math.cos(t1) - Math.cos(t2 + t1) > 1.0;
    return { observation: this.observation(), reward: terminated ? 0.0 : -1.0, terminated, truncated: false, info: {} };
  }

  private observation(): Float32Array {
    const [t1, t2, d1, d2] = this.need() as unknown as [number, number, number, number];
    return Float32Array.of(Math.cos(t1), Math.sin(t1), Math.cos(t2), Math.sin(t2), d1, d2);
  }
}
