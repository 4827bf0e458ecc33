import { ValueError } from '@tessera/core';
import type { Env, EnvSpec } from '../env.js';
import { TimeLimit } from '../wrappers/time-limit.js';
import { Acrobot } from './acrobot.js';
import { CartPole } from './cartpole.js';
import { MountainCarContinuous } from './continuous-mountain-car.js';
import { MountainCar } from './mountain-car.js';
import { Pendulum } from './pendulum.js';

type Factory = () => Env<Float32Array, never>;
const registry = new Map<string, { factory: Factory; spec: EnvSpec }>();

/**
 * Registers an environment under an id for {@link make} (Gymnasium's `register`).
 *
 * @example
 * ```ts
 * register({ id: 'GridWorld-v0', maxEpisodeSteps: 100 }, () => new GridWorld());
 * const env = make('GridWorld-v0');
 * ```
 */
export function register(
  spec: EnvSpec,
  factory: () => Env<Float32Array, never> | Env<Float32Array, number> | Env<Float32Array, Float32Array>,
): void {
  if (!spec || typeof spec.id !== 'string' || !spec.id) throw new ValueError('register spec.id', 'a non-empty string', spec?.id);
  registry.set(spec.id, { factory: factory as Factory, spec: { ...spec } });
}

for (const [make, spec] of [
  [() => new CartPole(), { id: 'CartPole-v1', maxEpisodeSteps: 500, rewardThreshold: 475 }],
  [() => new Acrobot(), { id: 'Acrobot-v1', maxEpisodeSteps: 500, rewardThreshold: -100 }],
  [() => new MountainCar(), { id: 'MountainCar-v0', maxEpisodeSteps: 200, rewardThreshold: -110 }],
  [() => new MountainCarContinuous(), { id: 'MountainCarContinuous-v0', maxEpisodeSteps: 999, rewardThreshold: 90 }],
  [() => new Pendulum(), { id: 'Pendulum-v1', maxEpisodeSteps: 200 }],
] as unknown as Array<[Factory, EnvSpec]>) {
  registry.set(spec.id, { factory: make, spec });
}

/**
 * The ids {@link make} knows.
 *
 * @example
 * ```ts
 * registeredEnvs(); // ['CartPole-v1', 'Acrobot-v1', 'MountainCar-v0', 'MountainCarContinuous-v0', 'Pendulum-v1', ...]
 * ```
 */
export function registeredEnvs(): string[] {
  return [...registry.keys()];
}

/**
 * A registered environment, wrapped in its time limit (Gymnasium's `make`); `maxEpisodeSteps`
 * overrides the registered limit.
 *
 * @example
 * ```ts
 * const env = make('CartPole-v1'); // truncates at 500 steps
 * const pendulum = make('Pendulum-v1', { maxEpisodeSteps: 300 });
 * ```
 */
export function make<A extends number | Float32Array = number | Float32Array>(
  id: string,
  options: { maxEpisodeSteps?: number } = {},
): Env<Float32Array, A> {
  const entry = registry.get(id);
  if (!entry) throw new ValueError('make id', `one of ${registeredEnvs().join(', ')}`, id);
  const env = entry.factory() as unknown as Env<Float32Array, A>;
  const limit = options.maxEpisodeSteps ?? entry.spec.maxEpisodeSteps;
  return limit === undefined ? env : new TimeLimit(env, limit);
}
