import { ValueError } from '@tessera/core';

/**
 * Options of {@link linearExploration}.
 *
 * @example
 * ```ts
 * const options: ExplorationOptions = { initial: 1, final: 0.04, fraction: 0.16, totalTimesteps: 50_000 };
 * ```
 */
export interface ExplorationOptions {
  /** ε at the first step (default 1). */
  initial?: number;
  /** ε once the decay is over (default 0.05). */
  final?: number;
  /** Share of `totalTimesteps` over which ε decays linearly (default 0.1). */
  fraction?: number;
  /** Environment steps of the run. */
  totalTimesteps: number;
}

/**
 * The ε-greedy exploration schedule of DQN (Stable-Baselines3's `exploration_*` options): ε falls
 * linearly from `initial` to `final` over the first `fraction · totalTimesteps` environment steps,
 * then stays at `final`. Returns ε for a step count.
 *
 * @example
 * ```ts
 * const epsilon = linearExploration({ initial: 1, final: 0.04, fraction: 0.16, totalTimesteps: 50_000 });
 * epsilon(0); // 1
 * epsilon(4000); // 0.52
 * epsilon(10_000); // 0.04
 * ```
 */
export function linearExploration(options: ExplorationOptions): (timestep: number) => number {
  const initial = options.initial ?? 1;
  const final = options.final ?? 0.05;
  const fraction = options.fraction ?? 0.1;
  const total = options.totalTimesteps;
  for (const [k, v] of [
    ['initial', initial],
    ['final', final],
  ] as const)
    if (!(v >= 0 && v <= 1)) throw new ValueError(`linearExploration ${k}`, 'a number in [0, 1]', v);
  if (!(fraction > 0 && fraction <= 1)) throw new ValueError('linearExploration fraction', 'a number in (0, 1]', fraction);
  if (!(Number.isInteger(total) && total >= 1)) throw new ValueError('linearExploration totalTimesteps', 'a positive integer', total);
  const span = fraction * total;
  return (timestep) => (timestep >= span ? final : initial + ((final - initial) * timestep) / span);
}
