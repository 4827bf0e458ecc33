import type { Env, ResetResult, StepResult } from '../env.js';
import { Box } from '../spaces/box.js';
import { Discrete } from '../spaces/discrete.js';
import { MultiDiscrete } from '../spaces/multi-discrete.js';

/**
 * A user-defined environment (a plain object with the Env API, no base class): the observation
 * says which of two actions pays 1 this step (the other pays 0); episodes last 10 steps. A random
 * policy scores 5, the optimal one 10.
 */
export function pickTheSign(): Env<Float32Array, number> {
  let t = 0;
  let good = 0;
  let seed = 1;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % 2;
  };
  const obs = () => Float32Array.of(good === 1 ? 1 : -1, t / 10);
  return {
    observationSpace: new Box(-1, 1, [2]),
    actionSpace: new Discrete(2),
    reset(options): ResetResult<Float32Array> {
      if (options?.seed !== undefined) seed = options.seed + 1;
      t = 0;
      good = next();
      return { observation: obs(), info: {} };
    },
    step(action): StepResult<Float32Array> {
      const reward = action === good ? 1 : 0;
      t++;
      good = next();
      return { observation: obs(), reward, terminated: false, truncated: t >= 10, info: {} };
    },
  };
}

/** A continuous version: reward `-(a - target)²` with the target in the observation; 10 steps. */
export function reachTheTarget(): Env<Float32Array, Float32Array> {
  let t = 0;
  let target = 0;
  let seed = 7;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return (seed / 2147483648) * 2 - 1;
  };
  return {
    observationSpace: new Box(-1, 1, [1]),
    actionSpace: new Box(-1, 1, [1]),
    reset(options) {
      if (options?.seed !== undefined) seed = options.seed + 7;
      t = 0;
      target = next();
      return { observation: Float32Array.of(target), info: {} };
    },
    step(action) {
      const a = action[0] as number;
      const reward = -((a - target) ** 2);
      t++;
      target = next();
      return { observation: Float32Array.of(target), reward, terminated: false, truncated: t >= 10, info: {} };
    },
  };
}

/**
 * A user-defined environment with a `MultiDiscrete([3, 2])` action space: the observation holds a
 * sign `x` in {-1, 0, 1} and a sign `y` in {-1, 1}; the step pays 1 when `action[0]` is `x + 1`
 * and `action[1]` is `y > 0 ? 1 : 0`, else 0. Episodes last 5 steps: a random policy scores 5/6,
 * the optimal one 5. The environment checks that every action is an element of its space (as
 * Gymnasium's `MultiDiscrete.contains`) and counts the steps it took.
 */
export function pickTwoSigns(): Env<Float32Array, Int32Array> & { steps: number } {
  let t = 0;
  let x = 0;
  let y = 1;
  let seed = 3;
  const next = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor((seed / 2147483648) * n);
  };
  const draw = () => {
    x = next(3) - 1;
    y = next(2) === 1 ? 1 : -1;
  };
  const actionSpace = new MultiDiscrete([3, 2]);
  const obs = () => Float32Array.of(x, y, t / 5);
  return {
    steps: 0,
    observationSpace: new Box(-1, 1, [3]),
    actionSpace,
    reset(options): ResetResult<Float32Array> {
      if (options?.seed !== undefined) seed = options.seed + 3;
      t = 0;
      draw();
      return { observation: obs(), info: {} };
    },
    step(action): StepResult<Float32Array> {
      if (!actionSpace.contains(action)) throw new Error(`pickTwoSigns: action ${String(action)} is not in MultiDiscrete([3, 2])`);
      this.steps++;
      const reward = action[0] === x + 1 && action[1] === (y > 0 ? 1 : 0) ? 1 : 0;
      t++;
      draw();
      return { observation: obs(), reward, terminated: false, truncated: t >= 5, info: {} };
    },
  };
}
