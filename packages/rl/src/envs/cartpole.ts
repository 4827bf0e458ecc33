import { ValueError } from '@tessera/core';
import type { Env, EnvSpec, ResetOptions, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { ClassicEnv } from './classic.js';

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLEMASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

/**
 * CartPole-v1 (Barto, Sutton & Anderson), with Gymnasium 1.3.0's constants, Euler integrator,
 * termination (|x| > 2.4, |θ| > 12°) and rewards (1 per step including the terminating one, 0
 * after it). Observation `[x, ẋ, θ, θ̇]` (float32), actions 0 (push left) and 1 (push right);
 * `make('CartPole-v1')` adds the 500-step time limit.
 *
 * @example
 * ```ts
 * const env = new CartPole();
 * const { observation } = env.reset({ seed: 0 });
 * const { reward, terminated } = env.step(1);
 * ```
 */
export class CartPole extends ClassicEnv implements Env<Float32Array, number> {
  readonly spec: EnvSpec = { id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475 };
  readonly actionSpace = new Discrete(2);
  readonly observationSpace = new Box(
    [-X_THRESHOLD * 2, -Infinity, -THETA_THRESHOLD * 2, -Infinity],
    [X_THRESHOLD * 2, Infinity, THETA_THRESHOLD * 2, Infinity],
  );
  private stepsBeyondTerminated: number | null = null;

  reset(options?: ResetOptions): ResetResult<Float32Array> {
    this.seedFrom(options);
    const [lo, hi] = this.bounds(options, -0.05, 0.05);
    this.current = Float64Array.from({ length: 4 }, () => this.random.uniform(lo, hi));
    this.stepsBeyondTerminated = null;
    return { observation: Float32Array.from(this.current), info: {} };
  }

  step(action: number): StepResult<Float32Array> {
    if (!this.actionSpace.contains(action)) throw new ValueError(`${this.spec.id} action`, '0 or 1', action);
    const [x0, xDot0, theta0, thetaDot0] = this.need() as unknown as [number, number, number, number];
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(theta0);
    const sin = Math.sin(theta0);
    const temp = (force + POLEMASS_LENGTH * (thetaDot0 * thetaDot0) * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * (cos * cos)) / TOTAL_MASS));
    const xAcc = temp - (POLEMASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    const x = x0 + TAU * xDot0;
    const xDot = xDot0 + TAU * xAcc;
    const theta = theta0 + TAU * thetaDot0;
    const thetaDot = thetaDot0 + TAU * thetaAcc;
    this.current = Float64Array.of(x, xDot, theta, thetaDot);
    const terminated = x < -X_THRESHOLD || x > X_THRESHOLD || theta < -THETA_THRESHOLD || theta > THETA_THRESHOLD;
    let reward: number;
    if (!terminated) reward = 1;
    else if (this.stepsBeyondTerminated === null) {
      this.stepsBeyondTerminated = 0;
      reward = 1;
    } else {
      this.stepsBeyondTerminated += 1;
      reward = 0;
    }
    return { observation: Float32Array.from(this.current), reward, terminated, truncated: false, info: {} };
  }
}
